import type { DatabaseHandle } from '../../db/connection.ts';
import type { Db, Trx } from '../../db/transaction.ts';
import {
  assignablePool,
  assignmentChanges,
  compareQueue,
  frontPriority,
  isOpenBackorderStatus,
  nextPriority,
  parentAvailable,
  STANDARD_PRIORITY_RANK,
} from '../../domain/backorder-assignment.ts';
import { priorityLevel, type BackorderStatus, type Metadata } from '../../domain/backorder-lifecycle.ts';
import { invalid, notFound } from '../../domain/errors.ts';
import { formatDate, formatDateTime, normaliseDateTime, type Clock } from '../../domain/time.ts';
import {
  expectedAvailability as computeExpected,
  type ExpectedAvailability,
} from '../../domain/expected-dates.ts';
import type { EventsService } from '../events/events.service.ts';
import { supplyOf } from '../purchasing/purchasing.reads.ts';
import type { StockService } from '../stock/stock.service.ts';
import { createExpectations } from './backorders.expectations.ts';
import * as repo from './backorders.repository.ts';

/**
 * Backorders: order lines waiting for stock, one queue per (product, warehouse).
 *
 * Locking: callers lock the order row first when the use case is about an order, then every
 * stock level they touch (stock.lockLevelsInTrx, sorted, up front), then backorder rows. The
 * level row is the lock anchor of a queue: every writer of a queue's rows holds it, so the
 * assignment below sees a stable queue.
 *
 * reservedbackorders counts the full open amount of every open backorder (Picqer's "free stock
 * -12" example): every create, shrink, reopen, cancel or process adjusts it here. A composition's
 * parent backorder counts in the virtual product's level, its parts in theirs.
 */

/**
 * When the open backorders of a (product, warehouse) are expected in stock, by idbackorder:
 * open purchase order quantities consumed in queue order. Computed on read from the current queue
 * and the current purchase orders, so it follows every change at once.
 */
async function expectedOf(
  db: Db,
  idaccount: number,
  idproduct: number,
  idwarehouse: number,
): Promise<Map<number, ExpectedAvailability>> {
  const queue = await repo.openQueue(db, { idaccount, idproduct, idwarehouse });
  if (queue.length === 0) return new Map();
  return computeExpected(queue, await supplyOf(db, idaccount, idproduct, idwarehouse));
}

export type BackorderRow = repo.BackorderRow;

/**
 * A backorder as GET /backorders lists it: Picqer's fields (seed 000; date_available only on single
 * answers), then the lifecycle of seed 002 (price in cents, dates as YYYY-MM-DD).
 */
export function backorderView(r: BackorderRow) {
  return {
    idbackorder: r.idbackorder,
    idorder: r.idorder,
    idorder_product: r.idorder_product,
    idproduct: r.idproduct,
    idcustomer: r.idcustomer,
    idwarehouse: r.idwarehouse,
    amount: r.amount,
    amount_available: r.amount_available,
    priority: r.priority,
    // The CHECK constraint of the status column allows these only.
    status: r.status as BackorderStatus,
    has_parts: r.has_parts === 1,
    part_of_idbackorder: r.part_of_idbackorder,
    parts_per_parent: r.parts_per_parent,
    created_at: r.created_at,
    price: r.price_cents,
    priority_level: priorityLevel(r.priority_rank),
    estimated_ship_date: r.estimated_ship_date,
    estimated_delivery_date: r.estimated_delivery_date,
    actual_ship_date: r.actual_ship_date,
    actual_delivery_date: r.actual_delivery_date,
    idpurchaseorder: r.idpurchaseorder,
    idpicklist: r.idpicklist,
    cancelled_at: r.cancelled_at,
    metadata: JSON.parse(r.metadata) as Metadata,
    updated_at: r.updated_at,
  };
}

export type BackorderView = ReturnType<typeof backorderView>;

/**
 * The open backorders of one (product, warehouse) in queue order (rank, priority, created_at, id):
 * what purchasing walks to compute expected dates.
 *
 * @example
 * const queue = await openQueue(db, idaccount, idproduct, idwarehouse);
 */
export function openQueue(db: Db, idaccount: number, idproduct: number, idwarehouse: number) {
  return repo.openQueue(db, { idaccount, idproduct, idwarehouse });
}

export interface NewBackorderInput {
  idorder: number;
  idorder_product: number;
  idproduct: number;
  idcustomer: number | null;
  idwarehouse: number;
  amount: number;
  price: number;
  /** Keeps a place in the queue (a backorder coming back); default: last in the queue. */
  priority?: number | undefined;
  priority_rank?: number | undefined;
  created_at?: string | undefined;
  /** A composition: the parent waits with one backorder per stocked part. */
  parts?:
    | {
        idorder_product: number;
        idproduct: number;
        amount: number;
        parts_per_parent: number;
        price: number;
      }[]
    | null
    | undefined;
  /** A parent whose parts come back separately (settleInTrx). */
  has_parts?: boolean | undefined;
  /** Parts of a parent coming back: attach to this parent. */
  part_of_idbackorder?: number | null | undefined;
  parts_per_parent?: number | null | undefined;
  /** Checked metadata (POST /backorders). */
  metadata?: Metadata | undefined;
  /** The rest of a backorder that partly shipped keeps its promise (estimates, metadata). */
  promise?: repo.BackorderPromise | undefined;
}

export interface LevelKeyPair {
  idproduct: number;
  idwarehouse: number;
}

const pairKey = (k: LevelKeyPair) => `${k.idproduct}:${k.idwarehouse}`;
export const uniqueKeys = (keys: readonly LevelKeyPair[]): LevelKeyPair[] =>
  [
    ...new Map(
      keys.map((k) => [pairKey(k), { idproduct: k.idproduct, idwarehouse: k.idwarehouse }]),
    ).values(),
  ].sort((a, b) => a.idproduct - b.idproduct || a.idwarehouse - b.idwarehouse);

const cents = (price: number) => Math.round(price * 100);

export function createBackordersService(deps: {
  handle: DatabaseHandle;
  clock: Clock;
  events: EventsService;
  stock: StockService;
  /** Days from shipping to delivery, for estimated delivery dates (config TRANSIT_DAYS). */
  transitDays?: number;
}) {
  const { handle, clock, events, stock } = deps;
  const engine = handle.engine;
  const now = () => formatDateTime(clock());
  const expectations = createExpectations({
    handle,
    clock,
    events,
    stock,
    transitDays: deps.transitDays ?? 2,
    view: backorderView,
  });

  async function emit(trx: Trx, idaccount: number, event: string, rows: readonly BackorderRow[]) {
    for (const r of rows)
      await events.emit(trx, idaccount, event, 'backorder', r.idbackorder, backorderView(r));
  }

  async function adjustReserved(trx: Trx, idaccount: number, k: LevelKeyPair, delta: number) {
    if (delta === 0) return;
    await stock.adjustReservedInTrx(
      trx,
      { idaccount, idproduct: k.idproduct, idwarehouse: k.idwarehouse },
      { reserved_backorders: delta },
    );
  }

  /**
   * Hands the stock of one (product, warehouse) to its open backorders in queue order:
   * pool = stock - reserved_picklists. Reads only the head of the queue (until the pool is used
   * up) plus the rows holding stock now, so a stock change on a product with 10,000 waiting
   * backorders reads a handful of rows. Writes only the rows whose amount_available changes.
   */
  async function assignInTrx(
    trx: Trx,
    idaccount: number,
    idproduct: number,
    idwarehouse: number,
  ): Promise<void> {
    const key = { idaccount, idproduct, idwarehouse };
    const level = (await stock.lockLevelsInTrx(trx, idaccount, [{ idproduct, idwarehouse }])).get(
      `${idproduct}:${idwarehouse}`,
    )!;
    // reservedbackorders counts every open backorder of the queue: at 0 nothing waits here, so
    // there is nothing to assign and no estimate to refresh (both read open rows only).
    if (level.reserved_backorders === 0) return;
    // Whatever changed the queue may move its expected dates: refreshed once before the commit.
    expectations.changedInTrx(trx, idaccount, idproduct, idwarehouse);
    const pool = assignablePool(level);
    const held = await repo.holders(trx, engine, key);
    if (pool === 0 && held.length === 0) return;
    const head: BackorderRow[] = [];
    let covered = 0;
    for (let chunk = 16; covered < pool; chunk = Math.min(chunk * 4, 1000)) {
      const rows = await repo.queueSlice(trx, engine, key, head.length, chunk);
      head.push(...rows);
      for (const r of rows) covered += r.amount;
      if (rows.length < chunk) break;
    }
    const inHead = new Set(head.map((r) => r.idbackorder));
    const queue = [...head, ...held.filter((r) => !inHead.has(r.idbackorder))].sort(compareQueue);
    const changes = assignmentChanges(pool, queue);
    if (changes.length === 0) return;
    const at = now();
    await repo.setAvailable(
      trx,
      engine,
      idaccount,
      changes.map((c) => ({ idbackorder: c.idbackorder, amount_available: c.to })),
      at,
    );
    // The rows were read whole under the lock: the events need no second read.
    const byId = new Map(queue.map((r) => [r.idbackorder, r]));
    await emit(
      trx,
      idaccount,
      'backorders.inventory_arrived',
      changes
        .filter((c) => c.to > c.from)
        .sort((a, b) => a.idbackorder - b.idbackorder)
        .map((c) => ({ ...byId.get(c.idbackorder)!, amount_available: c.to, updated_at: at })),
    );
    const parents = [
      ...new Set(
        changes
          .map((c) => byId.get(c.idbackorder)!.part_of_idbackorder)
          .filter((p): p is number => p !== null),
      ),
    ];
    await refreshParentsInTrx(trx, idaccount, parents);
    expectations.parentsChangedInTrx(trx, idaccount, parents);
  }

  /**
   * A composition's parent is as available as its scarcest part (whole compositions only). The
   * parents are locked (in id order, after the levels: ADR 0003) before their parts are read: two
   * queues of different parts assigning at once each hold only their own part's level, so without
   * this lock each would read the other's part as it was before and both would leave the parent at
   * 0. Locked, the second waits for the first to commit and then reads its part as committed.
   */
  async function refreshParentsInTrx(trx: Trx, idaccount: number, parentIds: readonly number[]) {
    if (parentIds.length === 0) return;
    const parents = (await repo.lockBackorders(trx, engine, idaccount, parentIds)).filter((p) =>
      isOpenBackorderStatus(p.status),
    );
    const parts = (await repo.partsOf(trx, idaccount, parentIds)).filter((p) =>
      isOpenBackorderStatus(p.status),
    );
    const at = now();
    for (const p of parents) {
      const mine = parts.filter((x) => x.part_of_idbackorder === p.idbackorder);
      const available = parentAvailable(
        p.amount,
        mine.map((x) => ({
          amount_available: x.amount_available,
          parts_per_parent: x.parts_per_parent ?? 1,
        })),
      );
      if (available === p.amount_available) continue;
      await repo.updateBackorder(trx, idaccount, p.idbackorder, {
        amount_available: available,
        updated_at: at,
      });
      if (available > p.amount_available)
        await emit(trx, idaccount, 'backorders.inventory_arrived', [{ ...p, amount_available: available }]);
    }
  }

  /**
   * Assignment after processing, for many queues at once. Processing takes only assigned units (they
   * move from amount_available onto picklist reservations, pool and queue shrink alike), so a queue
   * that was assigned before is still assigned as the rule wants: what its rows hold adds up to
   * min(pool, what waits). One read sums what the rows of every queue hold; only a queue where that
   * sum disagrees is assigned again (and its estimates refreshed). The others keep their expected
   * dates as well: stock-covered amounts consume no purchase-order supply
   * (domain/expected-dates.ts), so the rows left waiting need exactly what they needed before.
   */
  async function assignAfterProcessingInTrx(
    trx: Trx,
    idaccount: number,
    keys: readonly LevelKeyPair[],
  ): Promise<void> {
    const levels = [...(await stock.lockLevelsInTrx(trx, idaccount, keys)).values()].filter(
      (l) => l.reserved_backorders > 0,
    );
    const held = new Map(
      (await repo.heldStock(trx, engine, idaccount, [...new Set(levels.map((l) => l.idproduct))])).map(
        (h) => [pairKey(h), h.held],
      ),
    );
    await assignKeysInTrx(
      trx,
      idaccount,
      levels.filter(
        (l) => (held.get(pairKey(l)) ?? 0) !== Math.min(assignablePool(l), l.reserved_backorders),
      ),
    );
  }

  /** Assignment for several (product, warehouse) pairs, in lock order. */
  async function assignKeysInTrx(trx: Trx, idaccount: number, keys: readonly LevelKeyPair[]): Promise<void> {
    for (const k of uniqueKeys(keys)) await assignInTrx(trx, idaccount, k.idproduct, k.idwarehouse);
  }

  /**
   * Creates an open backorder (and, for a composition, one per stocked part) at the end of its
   * queue unless a priority is given. The caller has locked the levels and runs the assignment
   * afterwards (assignKeysInTrx), once for everything it changed.
   */
  async function createInTrx(trx: Trx, idaccount: number, input: NewBackorderInput): Promise<BackorderRow[]> {
    const at = now();
    const insert = async (row: {
      idorder_product: number;
      idproduct: number;
      amount: number;
      price: number;
      priority?: number | undefined;
      has_parts: boolean;
      part_of_idbackorder: number | null;
      parts_per_parent: number | null;
    }) => {
      const k = { idaccount, idproduct: row.idproduct, idwarehouse: input.idwarehouse };
      const priority = row.priority ?? nextPriority((await repo.priorityBounds(trx, k)).max);
      const id = await repo.insertBackorder(trx, {
        idaccount,
        idorder: input.idorder,
        idorder_product: row.idorder_product,
        idproduct: row.idproduct,
        idcustomer: input.idcustomer,
        idwarehouse: input.idwarehouse,
        amount: row.amount,
        amount_available: 0,
        priority,
        priority_rank: input.priority_rank ?? STANDARD_PRIORITY_RANK,
        status: 'pending',
        price_cents: cents(row.price),
        has_parts: row.has_parts ? 1 : 0,
        part_of_idbackorder: row.part_of_idbackorder,
        parts_per_parent: row.parts_per_parent,
        idpicklist: null,
        created_at: input.created_at ?? at,
        updated_at: at,
        metadata:
          row.part_of_idbackorder === null && input.metadata ? JSON.stringify(input.metadata) : undefined,
        promise: input.promise,
      });
      await adjustReserved(trx, idaccount, k, row.amount);
      return id;
    };
    const parts = input.parts ?? null;
    const parentId = await insert({
      idorder_product: input.idorder_product,
      idproduct: input.idproduct,
      amount: input.amount,
      price: input.price,
      priority: input.priority,
      has_parts: parts !== null || input.has_parts === true,
      part_of_idbackorder: input.part_of_idbackorder ?? null,
      parts_per_parent: input.parts_per_parent ?? null,
    });
    const ids = [parentId];
    for (const p of parts ?? [])
      ids.push(
        await insert({
          idorder_product: p.idorder_product,
          idproduct: p.idproduct,
          amount: p.amount,
          price: p.price,
          priority: input.priority,
          has_parts: false,
          part_of_idbackorder: parentId,
          parts_per_parent: p.parts_per_parent,
        }),
      );
    const rows = await repo.findBackorders(trx, idaccount, ids);
    await emit(trx, idaccount, 'backorders.created', rows);
    return rows;
  }

  /**
   * Moves units of open backorders onto picklists (`take` units of each `row`, onto `idpicklist`).
   * The whole backorder: the row itself becomes 'processed'. Part of it: a new 'processed' row
   * with the taken amount splits off (same order line, priority and creation time) and the
   * original keeps waiting with the rest. Answers the processed row's id per backorder (the
   * picklist lines point at them). Made for batches: whole takes in one statement. The
   * reservedbackorders of the stocked levels are answered, not written: the caller writes them in
   * the statement that reserves the picklist lines (picklists.fillManyInTrx), one write per level.
   */
  async function takeManyInTrx(
    trx: Trx,
    idaccount: number,
    takes: readonly { row: BackorderRow; take: number; idpicklist: number }[],
  ): Promise<{
    processed: Map<number, number>;
    reservedBackorders: { idproduct: number; idwarehouse: number; reserved_backorders: number }[];
  }> {
    const at = now();
    const processed = new Map<number, number>();
    const whole = takes.filter((t) => t.take >= t.row.amount);
    await repo.setProcessed(
      trx,
      engine,
      idaccount,
      whole.map((t) => ({ idbackorder: t.row.idbackorder, idpicklist: t.idpicklist })),
      at,
    );
    for (const t of whole) processed.set(t.row.idbackorder, t.row.idbackorder);
    for (const { row, take, idpicklist } of takes.filter((t) => t.take < t.row.amount)) {
      await repo.shrinkBackorder(trx, idaccount, row.idbackorder, take, at);
      const id = await repo.insertBackorder(trx, {
        idaccount,
        idorder: row.idorder,
        idorder_product: row.idorder_product,
        idproduct: row.idproduct,
        idcustomer: row.idcustomer,
        idwarehouse: row.idwarehouse,
        amount: take,
        amount_available: 0,
        priority: row.priority,
        priority_rank: row.priority_rank,
        status: 'processed',
        price_cents: row.price_cents,
        has_parts: row.has_parts,
        part_of_idbackorder: row.part_of_idbackorder,
        parts_per_parent: row.parts_per_parent,
        idpicklist,
        created_at: row.created_at,
        updated_at: at,
        promise: repo.promiseOf(row),
      });
      processed.set(row.idbackorder, id);
    }
    // The units move from reservedbackorders to reservedpicklists in this transaction (the
    // caller reserves the picklist lines, and writes these deltas with them): free stock does not
    // change, and the stock core emits no free stock event for a net change of 0. A composition's
    // parent reserves nothing on a picklist: its level's free stock does change, written here.
    const perLevel = new Map<string, { key: LevelKeyPair; delta: number }>();
    for (const { row, take } of takes) {
      const taken = Math.min(take, row.amount);
      if (row.has_parts === 1) {
        await adjustReserved(trx, idaccount, row, -taken);
        continue;
      }
      const k = pairKey(row);
      const key = { idproduct: row.idproduct, idwarehouse: row.idwarehouse };
      perLevel.set(k, { key, delta: (perLevel.get(k)?.delta ?? 0) - taken });
    }
    return {
      processed,
      reservedBackorders: [...perLevel.values()].map(({ key, delta }) => ({
        ...key,
        reserved_backorders: delta,
      })),
    };
  }

  /** A processed backorder waits again (its picklist was cancelled, or closed without picking it). */
  async function reopenInTrx(trx: Trx, idaccount: number, rows: readonly BackorderRow[]): Promise<void> {
    const at = now();
    for (const r of rows) {
      await repo.updateBackorder(trx, idaccount, r.idbackorder, {
        status: 'pending',
        idpicklist: null,
        amount_available: 0,
        actual_ship_date: null,
        updated_at: at,
      });
      await adjustReserved(trx, idaccount, r, r.amount);
    }
    await emit(
      trx,
      idaccount,
      'backorders.created',
      await repo.findBackorders(
        trx,
        idaccount,
        rows.map((r) => r.idbackorder),
      ),
    );
  }

  /**
   * A processed backorder after its picklist closed with `picked` of it picked: all picked ->
   * 'fulfilled'; nothing -> waits again; part -> the row keeps the picked amount ('fulfilled') and
   * the rest waits as a new open backorder with the same place in the queue. Returns that new row.
   */
  async function settleInTrx(
    trx: Trx,
    idaccount: number,
    row: BackorderRow,
    picked: number,
    partOf: number | null = row.part_of_idbackorder,
  ): Promise<BackorderRow | undefined> {
    const at = now();
    const fulfil = async (amount: number) => {
      await repo.updateBackorder(trx, idaccount, row.idbackorder, {
        status: 'fulfilled',
        amount,
        amount_available: 0,
        actual_ship_date: formatDate(clock()),
        updated_at: at,
      });
      await emit(
        trx,
        idaccount,
        'backorders.fulfilled',
        await repo.findBackorders(trx, idaccount, [row.idbackorder]),
      );
    };
    if (picked >= row.amount) {
      await fulfil(row.amount);
      return undefined;
    }
    if (picked <= 0) {
      await reopenInTrx(trx, idaccount, [row]);
      return undefined;
    }
    await fulfil(picked);
    const [rest] = await createInTrx(trx, idaccount, {
      idorder: row.idorder,
      idorder_product: row.idorder_product,
      idproduct: row.idproduct,
      idcustomer: row.idcustomer,
      idwarehouse: row.idwarehouse,
      amount: row.amount - picked,
      price: row.price_cents / 100,
      priority: row.priority,
      priority_rank: row.priority_rank,
      created_at: row.created_at,
      has_parts: row.has_parts === 1,
      part_of_idbackorder: partOf,
      parts_per_parent: row.parts_per_parent,
      promise: repo.promiseOf(row),
    });
    return rest;
  }

  /**
   * Cancels backorders (DELETE, order cancelled): kept as 'cancelled', retrievable by id. Open ones
   * stop counting in reservedbackorders; processed ones (on a picklist of a cancelled order) reserve
   * nothing any more. DELETE emits backorders.deleted; every other cancellation (the cancel action,
   * a cancelled order) backorders.cancelled with the amount to refund (price x amount, in cents).
   */
  async function cancelInTrx(
    trx: Trx,
    idaccount: number,
    rows: readonly BackorderRow[],
    cause: 'delete' | 'cancel' = 'cancel',
  ): Promise<BackorderRow[]> {
    const at = now();
    const open = rows.filter((r) => isOpenBackorderStatus(r.status) || r.status === 'processed');
    for (const r of open) {
      await repo.updateBackorder(trx, idaccount, r.idbackorder, {
        status: 'cancelled',
        cancelled_at: at,
        amount_available: 0,
        updated_at: at,
      });
      if (isOpenBackorderStatus(r.status)) await adjustReserved(trx, idaccount, r, -r.amount);
    }
    const cancelled = await repo.findBackorders(
      trx,
      idaccount,
      open.map((r) => r.idbackorder),
    );
    if (cause === 'delete') await emit(trx, idaccount, 'backorders.deleted', cancelled);
    else
      for (const r of cancelled)
        await events.emit(trx, idaccount, 'backorders.cancelled', 'backorder', r.idbackorder, {
          ...backorderView(r),
          refund_amount_cents: r.price_cents * r.amount,
        });
    return cancelled;
  }

  /**
   * Puts an order's open backorders first in every queue they wait in: priority = one below the
   * current first of that queue (it may reach 0 or go negative; only the order matters), then
   * hands the stock out again. The caller holds the order row.
   */
  async function prioritiseInTrx(trx: Trx, idaccount: number, idorder: number): Promise<void> {
    const unlocked = await repo.openOfOrder(trx, undefined, idaccount, idorder);
    const keys = uniqueKeys(unlocked);
    await stock.lockLevelsInTrx(trx, idaccount, keys);
    const rows = await repo.openOfOrder(trx, engine, idaccount, idorder);
    const at = now();
    for (const k of uniqueKeys(rows)) {
      const { min } = await repo.priorityBounds(trx, { idaccount, ...k });
      const priority = frontPriority(min);
      for (const r of rows.filter((r) => r.idproduct === k.idproduct && r.idwarehouse === k.idwarehouse))
        await repo.updateBackorder(trx, idaccount, r.idbackorder, { priority, updated_at: at });
    }
    await assignKeysInTrx(trx, idaccount, keys);
  }

  async function withExpected(db: Db, idaccount: number, rows: readonly BackorderRow[]) {
    const byKey = new Map<string, Map<number, ExpectedAvailability>>();
    const out = [];
    for (const r of rows) {
      const k = pairKey(r);
      if (!byKey.has(k)) byKey.set(k, await expectedOf(db, idaccount, r.idproduct, r.idwarehouse));
      const e = byKey.get(k)!.get(r.idbackorder);
      out.push({
        ...backorderView(r),
        date_available: e?.date_available ?? null,
        is_purchased: e?.is_purchased ?? false,
      });
    }
    return out;
  }

  // The stock core publishes every change of stock or picklist reservations of a (product,
  // warehouse), in its transaction; the free stock goes to that queue's waiting backorders at once.
  // Subscribed here, by the module above stock, so that stock never imports backorders (ADR 0017).
  stock.onStockChange(assignInTrx);

  return {
    assignInTrx,
    assignKeysInTrx,
    createInTrx,
    takeManyInTrx,
    assignAfterProcessingInTrx,
    reopenInTrx,
    settleInTrx,
    cancelInTrx,
    prioritiseInTrx,
    refreshParentsInTrx,
    openQueue,

    find: (db: Db, idaccount: number, idbackorder: number) => repo.findBackorder(db, idaccount, idbackorder),
    findMany: (db: Db, idaccount: number, ids: readonly number[]) => repo.findBackorders(db, idaccount, ids),
    lockMany: (trx: Trx, idaccount: number, ids: readonly number[]) =>
      repo.lockBackorders(trx, engine, idaccount, ids),
    partsOf: (db: Db, idaccount: number, parentIds: readonly number[]) =>
      repo.partsOf(db, idaccount, parentIds),
    /** Open backorders of an order; locked when inside a transaction (levels first!). */
    openOfOrder: (db: Db, idaccount: number, idorder: number, lock: boolean) =>
      repo.openOfOrder(db, lock ? engine : undefined, idaccount, idorder),
    /** Open backorders of several orders, by id; locked when inside a transaction (levels first!). */
    openOfOrders: (db: Db, idaccount: number, idorders: readonly number[], lock: boolean) =>
      repo.openOfOrders(db, engine, idaccount, idorders, lock),
    /** The (product, warehouse) levels of the open backorders of orders (unlocked, to lock them). */
    openLevelsOfOrders: (db: Db, idaccount: number, idorders: readonly number[]) =>
      repo.openLevelsOfOrders(db, idaccount, idorders),
    ofPicklist: (db: Db, idaccount: number, idpicklist: number) => repo.ofPicklist(db, idaccount, idpicklist),
    heldStock: (db: Db, idaccount: number, idproducts: readonly number[]) =>
      repo.heldStock(db, engine, idaccount, idproducts),
    ordersWithAvailable: (db: Db, idaccount: number, afterIdorder: number, limit: number) =>
      repo.ordersWithAvailable(db, idaccount, afterIdorder, limit),

    /** GET /backorders: the waiting ones unless a status is asked for; sincedate is strictly after. */
    async list(
      db: Db,
      idaccount: number,
      q: {
        offset?: number | undefined;
        idorder?: number | undefined;
        idproduct?: number | undefined;
        idcustomer?: number | undefined;
        sinceid?: number | undefined;
        sincedate?: string | undefined;
        status?: string | undefined;
        idwarehouse?: number | undefined;
        search?: string | undefined;
      },
      limit: number,
    ): Promise<BackorderView[]> {
      let sincedate: string | undefined;
      if (q.sincedate !== undefined) {
        sincedate = normaliseDateTime(q.sincedate);
        if (!sincedate) throw invalid(`sincedate "${q.sincedate}" is not a date: use YYYY-MM-DD HH:MM:SS`);
      }
      const rows = await repo.listBackorders(db, idaccount, {
        idorder: q.idorder,
        idproduct: q.idproduct,
        idcustomer: q.idcustomer,
        sinceid: q.sinceid,
        sincedate,
        statuses: q.status === undefined ? undefined : [q.status],
        idwarehouse: q.idwarehouse,
        search: q.search,
        offset: q.offset ?? 0,
        limit,
      });
      return rows.map(backorderView);
    },

    /** One backorder with its expected date (any status: cancelled ones stay retrievable). */
    async get(db: Db, idaccount: number, idbackorder: number) {
      const row = await repo.findBackorder(db, idaccount, idbackorder);
      if (!row) throw notFound('Backorder', idbackorder);
      return (await withExpected(db, idaccount, [row]))[0]!;
    },

    /** The open backorders of an order, with expected dates. */
    async listOfOrder(db: Db, idaccount: number, idorder: number) {
      return withExpected(db, idaccount, await repo.openOfOrder(db, undefined, idaccount, idorder));
    },

    /** Open backorders of one order line. */
    openOfLine: (db: Db, idaccount: number, idorder_product: number) =>
      repo.openOfLine(db, idaccount, idorder_product),
    /** Writes lifecycle fields of a backorder the caller has locked (levels first). */
    updateInTrx: (trx: Trx, idaccount: number, idbackorder: number, patch: repo.BackorderPatch) =>
      repo.updateBackorder(trx, idaccount, idbackorder, patch),
    /** Emits a backorder event with the backorder as it is now (and extra fields). */
    async emitInTrx(trx: Trx, idaccount: number, event: string, idbackorder: number, extra: object = {}) {
      const [r] = await repo.findBackorders(trx, idaccount, [idbackorder]);
      await events.emit(trx, idaccount, event, 'backorder', idbackorder, { ...backorderView(r!), ...extra });
    },
    /** Moves reservedbackorders of a locked level by delta (an open backorder's amount changed). */
    adjustReservedInTrx: (trx: Trx, idaccount: number, k: LevelKeyPair, delta: number) =>
      adjustReserved(trx, idaccount, k, delta),

    // Estimates (backorders.expectations.ts)
    expectationsChangedInTrx: expectations.changedInTrx,
    flushExpectationsInTrx: expectations.flushInTrx,
    noticeMissedDates: expectations.noticeMissedDates,
    handle,
  };
}

export type BackordersService = ReturnType<typeof createBackordersService>;
