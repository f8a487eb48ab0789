import type { Db } from '../../db/transaction.ts';
import { OPEN_BACKORDER_STATUSES } from '../../domain/backorder-assignment.ts';

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
 * allocations from allocation rows. An empty list means the counters are exactly the ledger.
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
  return problems;
}
