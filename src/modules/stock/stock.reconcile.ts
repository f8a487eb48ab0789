import type { Db } from '../../db/transaction.ts';
import {
  assignablePool,
  assignQueue,
  OPEN_BACKORDER_STATUSES,
  parentAvailable,
} from '../../domain/backorder-assignment.ts';

/** Backorder statuses that still wait for stock (they count in reservedbackorders); defined in the domain. */
export { OPEN_BACKORDER_STATUSES };

type Key = string;
const k = (...parts: (number | string)[]): Key => parts.join(':');

async function sums(rows: Promise<{ key: Key; n: number }[]>): Promise<Map<Key, number>> {
  return new Map((await rows).map((r) => [r.key, Number(r.n)]));
}

/**
 * Rebuilds every stock counter of an account from its sources and lists where they disagree:
 * stock from the ledger, location stock from the ledger, the warehouse total from its slots,
 * picklist reservations from picklist lines, backorder reservations from open backorders,
 * allocations from allocation rows; and the assignment of stock to open backorders (see
 * assignmentProblems). An empty list means the counters are exactly the ledger.
 */
export async function reconcile(db: Db, idaccount: number): Promise<string[]> {
  const problems: string[] = [];
  const levels = await db.selectFrom('stock_levels').selectAll().where('idaccount', '=', idaccount).execute();
  const slots = await db
    .selectFrom('location_stock')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .execute();

  const ledger = await sums(
    db
      .selectFrom('stock_history')
      .select(['idproduct', 'idwarehouse', (eb) => eb.fn.sum<number>('stock_change').as('n')])
      .where('idaccount', '=', idaccount)
      .groupBy(['idproduct', 'idwarehouse'])
      .execute()
      .then((rs) => rs.map((r) => ({ key: k(r.idproduct, r.idwarehouse), n: r.n }))),
  );
  const slotLedger = await sums(
    db
      .selectFrom('stock_history')
      .select([
        'idproduct',
        'idwarehouse',
        'idlocation',
        (eb) => eb.fn.sum<number>('location_stock_change').as('n'),
      ])
      .where('idaccount', '=', idaccount)
      .groupBy(['idproduct', 'idwarehouse', 'idlocation'])
      .execute()
      .then((rs) => rs.map((r) => ({ key: k(r.idproduct, r.idwarehouse, r.idlocation ?? 0), n: r.n }))),
  );
  const picks = await sums(
    db
      .selectFrom('picklist_locations')
      .select(['idproduct', 'idwarehouse', 'slot', (eb) => eb.fn.sum<number>('amount').as('n')])
      .where('idaccount', '=', idaccount)
      .groupBy(['idproduct', 'idwarehouse', 'slot'])
      .execute()
      .then((rs) => rs.map((r) => ({ key: k(r.idproduct, r.idwarehouse, r.slot), n: r.n }))),
  );
  const backorders = await sums(
    db
      .selectFrom('backorders')
      .select(['idproduct', 'idwarehouse', (eb) => eb.fn.sum<number>('amount').as('n')])
      .where('idaccount', '=', idaccount)
      .where('status', 'in', OPEN_BACKORDER_STATUSES)
      .groupBy(['idproduct', 'idwarehouse'])
      .execute()
      .then((rs) => rs.map((r) => ({ key: k(r.idproduct, r.idwarehouse), n: r.n }))),
  );
  const allocations = await sums(
    db
      .selectFrom('allocations')
      .select(['idproduct', 'idwarehouse', (eb) => eb.fn.sum<number>('amount').as('n')])
      .where('idaccount', '=', idaccount)
      .groupBy(['idproduct', 'idwarehouse'])
      .execute()
      .then((rs) => rs.map((r) => ({ key: k(r.idproduct, r.idwarehouse), n: r.n }))),
  );

  const slotStock = new Map<Key, number>();
  const slotReserved = new Map<Key, number>();
  for (const s of slots) {
    const lk = k(s.idproduct, s.idwarehouse);
    slotStock.set(lk, (slotStock.get(lk) ?? 0) + s.stock);
    slotReserved.set(lk, (slotReserved.get(lk) ?? 0) + s.reserved_picklists);
    const sk = k(s.idproduct, s.idwarehouse, s.slot);
    if ((slotLedger.get(sk) ?? 0) !== s.stock)
      problems.push(`slot ${sk}: stock ${s.stock}, ledger says ${slotLedger.get(sk) ?? 0}`);
    if ((picks.get(sk) ?? 0) !== s.reserved_picklists)
      problems.push(
        `slot ${sk}: reserved_picklists ${s.reserved_picklists}, picklist lines say ${picks.get(sk) ?? 0}`,
      );
  }
  for (const l of levels) {
    const lk = k(l.idproduct, l.idwarehouse);
    const check = (what: string, counter: number, truth: number) => {
      if (counter !== truth) problems.push(`level ${lk}: ${what} ${counter}, rebuilt ${truth}`);
    };
    check('stock (ledger)', l.stock, ledger.get(lk) ?? 0);
    check('stock (slots)', l.stock, slotStock.get(lk) ?? 0);
    check('reserved_picklists', l.reserved_picklists, slotReserved.get(lk) ?? 0);
    check('reserved_backorders', l.reserved_backorders, backorders.get(lk) ?? 0);
    check('reserved_allocations', l.reserved_allocations, allocations.get(lk) ?? 0);
  }
  problems.push(...assignmentProblems(levels, await openBackorders(db, idaccount)));
  return problems;
}

function openBackorders(db: Db, idaccount: number) {
  return db
    .selectFrom('backorders')
    .select([
      'idbackorder',
      'idproduct',
      'idwarehouse',
      'amount',
      'amount_available',
      'priority_rank',
      'priority',
      'created_at',
      'has_parts',
      'part_of_idbackorder',
      'parts_per_parent',
    ])
    .where('idaccount', '=', idaccount)
    .where('status', 'in', OPEN_BACKORDER_STATUSES)
    .orderBy('idbackorder')
    .execute();
}

type OpenBackorder = Awaited<ReturnType<typeof openBackorders>>[number];

/**
 * The assignment of stock to open backorders, rebuilt with the domain's rule and compared with what
 * is stored. Each (product, warehouse) queue of open backorders that are not composition parents gets
 * assignQueue(assignablePool(level), queue): stock minus picklist reservations, handed out in queue
 * order (priority level, priority, created_at, id). A composition parent is as available as its
 * scarcest open part as stored (parentAvailable), so a wrong part is named once, at the part.
 *
 * @example
 * assignmentProblems(levels, openRows)
 * // -> ['backorder 7 (product 3, warehouse 1): amount_available 0, assignment in queue order says 2']
 */
export function assignmentProblems(
  levels: readonly { idproduct: number; idwarehouse: number; stock: number; reserved_picklists: number }[],
  open: readonly OpenBackorder[],
): string[] {
  const problems: string[] = [];
  const pools = new Map(levels.map((l) => [k(l.idproduct, l.idwarehouse), assignablePool(l)]));
  const queues = new Map<Key, OpenBackorder[]>();
  for (const b of open) {
    if (b.has_parts) continue;
    const qk = k(b.idproduct, b.idwarehouse);
    const q = queues.get(qk);
    if (q) q.push(b);
    else queues.set(qk, [b]);
  }
  const byId = new Map(open.map((b) => [b.idbackorder, b]));
  for (const [qk, queue] of queues) {
    const pool = pools.get(qk) ?? 0;
    for (const a of assignQueue(pool, queue)) {
      const b = byId.get(a.idbackorder)!;
      if (b.amount_available !== a.amount_available)
        problems.push(
          `backorder ${b.idbackorder} (product ${b.idproduct}, warehouse ${b.idwarehouse}): amount_available ${b.amount_available}, assignment in queue order says ${a.amount_available} (pool ${pool})`,
        );
    }
  }
  const partsOf = new Map<number, OpenBackorder[]>();
  for (const b of open) {
    if (b.part_of_idbackorder === null) continue;
    const parts = partsOf.get(b.part_of_idbackorder);
    if (parts) parts.push(b);
    else partsOf.set(b.part_of_idbackorder, [b]);
  }
  for (const p of open) {
    if (!p.has_parts) continue;
    const parts = partsOf.get(p.idbackorder) ?? [];
    const want = parentAvailable(
      p.amount,
      parts.map((x) => ({ amount_available: x.amount_available, parts_per_parent: x.parts_per_parent ?? 1 })),
    );
    if (p.amount_available !== want)
      problems.push(
        `backorder ${p.idbackorder} (composition parent, product ${p.idproduct}, warehouse ${p.idwarehouse}): amount_available ${p.amount_available}, its parts say ${want} (${parts.map((x) => `part ${x.idbackorder}: ${x.amount_available}/${x.parts_per_parent ?? 1}`).join(', ')})`,
      );
  }
  return problems;
}
