import { sql, type Selectable } from 'kysely';
import type { Engine } from '../../db/engine.ts';
import type { BackordersTable } from '../../db/schema.ts';
import { containsAny } from '../../db/search.ts';
import { run, statementPerEngine } from '../../db/statement.ts';
import { forNoKeyUpdate, type Db, type Trx } from '../../db/transaction.ts';
import { integerValues, readInChunks, ROWS_PER_STATEMENT } from '../../db/values.ts';
import { OPEN_BACKORDER_STATUSES } from '../../domain/backorder-assignment.ts';
import type { EstimatePatch } from '../../domain/backorder-lifecycle.ts';

/** All SQL of backorders. */

export type BackorderRow = Omit<Selectable<BackordersTable>, 'idaccount'>;

export interface QueueKeyOf {
  idaccount: number;
  idproduct: number;
  idwarehouse: number;
}

/**
 * "Still waiting" as a literal predicate: the partial indexes of migration 002 repeat it, and the
 * planners (SQLite especially) only use a partial index when the query says the same thing in
 * constants, not bound parameters.
 */
const isOpen = sql<boolean>`status in (${sql.join(OPEN_BACKORDER_STATUSES.map((s) => sql.lit(s)))})`;
const holdsStock = sql<boolean>`amount_available > 0`;

const columns = [
  'idbackorder',
  'idorder',
  'idorder_product',
  'idproduct',
  'idcustomer',
  'idwarehouse',
  'amount',
  'amount_available',
  'priority',
  'priority_rank',
  'status',
  'price_cents',
  'has_parts',
  'part_of_idbackorder',
  'parts_per_parent',
  'idpurchaseorder',
  'idpurchaseorder_manual',
  'idpicklist',
  'estimated_ship_date',
  'estimated_delivery_date',
  'estimate_manual',
  'actual_ship_date',
  'actual_delivery_date',
  'date_available',
  'delay_noticed_date',
  'cancelled_at',
  'metadata',
  'created_at',
  'updated_at',
] as const;

export interface NewBackorder {
  idaccount: number;
  idorder: number;
  idorder_product: number;
  idproduct: number;
  idcustomer: number | null;
  idwarehouse: number;
  amount: number;
  amount_available: number;
  priority: number;
  priority_rank: number;
  status: string;
  price_cents: number;
  has_parts: number;
  part_of_idbackorder: number | null;
  parts_per_parent: number | null;
  idpicklist: number | null;
  created_at: string;
  updated_at: string;
  /** JSON object; default {}. */
  metadata?: string | undefined;
  /** What a row split off another keeps of its promise (default: none yet). */
  promise?: BackorderPromise | undefined;
}

/** The promise a backorder made (seed 002): what a row split off it carries on. */
export type BackorderPromise = Pick<
  BackordersTable,
  | 'metadata'
  | 'estimated_ship_date'
  | 'estimated_delivery_date'
  | 'estimate_manual'
  | 'idpurchaseorder'
  | 'idpurchaseorder_manual'
  | 'date_available'
>;

export const promiseOf = (r: BackorderRow): BackorderPromise => ({
  metadata: r.metadata,
  estimated_ship_date: r.estimated_ship_date,
  estimated_delivery_date: r.estimated_delivery_date,
  estimate_manual: r.estimate_manual,
  idpurchaseorder: r.idpurchaseorder,
  idpurchaseorder_manual: r.idpurchaseorder_manual,
  date_available: r.date_available,
});

export async function insertBackorder(trx: Trx, input: NewBackorder): Promise<number> {
  const { promise, metadata, ...row } = input;
  const r = await trx
    .insertInto('backorders')
    .values({
      idpurchaseorder_manual: 0,
      estimate_manual: 0,
      ...promise,
      ...row,
      metadata: metadata ?? promise?.metadata ?? '{}',
    })
    .returning('idbackorder')
    .executeTakeFirstOrThrow();
  return r.idbackorder;
}

export async function findBackorder(
  db: Db,
  idaccount: number,
  idbackorder: number,
): Promise<BackorderRow | undefined> {
  return db
    .selectFrom('backorders')
    .select(columns)
    .where('idaccount', '=', idaccount)
    .where('idbackorder', '=', idbackorder)
    .executeTakeFirst();
}

export async function findBackorders(
  db: Db,
  idaccount: number,
  ids: readonly number[],
): Promise<BackorderRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('backorders')
    .select(columns)
    .where('idaccount', '=', idaccount)
    .where('idbackorder', 'in', ids)
    .orderBy('idbackorder')
    .execute();
}

/** Locks backorder rows by id (call after locking their levels). */
export async function lockBackorders(
  trx: Trx,
  engine: Engine,
  idaccount: number,
  ids: readonly number[],
): Promise<BackorderRow[]> {
  if (ids.length === 0) return [];
  return forNoKeyUpdate(
    engine,
    trx
      .selectFrom('backorders')
      .select(columns)
      .where('idaccount', '=', idaccount)
      .where('idbackorder', 'in', ids)
      .orderBy('idbackorder'),
  ).execute();
}

export interface BackorderFilter {
  idorder?: number | undefined;
  idproduct?: number | undefined;
  idcustomer?: number | undefined;
  sinceid?: number | undefined;
  /** Strictly after this datetime. */
  sincedate?: string | undefined;
  /** Only these statuses; undefined = the open ones. */
  statuses?: readonly string[] | undefined;
  idwarehouse?: number | undefined;
  search?: string | undefined;
  offset: number;
  limit: number;
}

export async function listBackorders(db: Db, idaccount: number, f: BackorderFilter): Promise<BackorderRow[]> {
  let q = db.selectFrom('backorders').select(columns).where('idaccount', '=', idaccount);
  q = f.statuses ? q.where('status', 'in', f.statuses) : q.where(isOpen);
  if (f.idorder !== undefined) q = q.where('idorder', '=', f.idorder);
  if (f.idproduct !== undefined) q = q.where('idproduct', '=', f.idproduct);
  if (f.idcustomer !== undefined) q = q.where('idcustomer', '=', f.idcustomer);
  if (f.sinceid !== undefined) q = q.where('idbackorder', '>', f.sinceid);
  if (f.sincedate !== undefined) q = q.where('created_at', '>', f.sincedate);
  if (f.idwarehouse !== undefined) q = q.where('idwarehouse', '=', f.idwarehouse);
  if (f.search !== undefined) {
    const term = f.search;
    q = q.where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('products as p')
            .select('p.idproduct')
            .whereRef('p.idaccount', '=', 'backorders.idaccount')
            .whereRef('p.idproduct', '=', 'backorders.idproduct')
            .where(() => containsAny(['p.productcode', 'p.name'], term)),
        ),
        eb.exists(
          eb
            .selectFrom('orders as o')
            .select('o.idorder')
            .whereRef('o.idaccount', '=', 'backorders.idaccount')
            .whereRef('o.idorder', '=', 'backorders.idorder')
            .where(() => containsAny(['o.orderid', 'o.reference'], term)),
        ),
      ]),
    );
  }
  return q.orderBy('idbackorder').limit(f.limit).offset(f.offset).execute();
}

/** Open backorders of an order, by id; locked when a transaction and engine are given. */
export async function openOfOrder(
  db: Db,
  engine: Engine | undefined,
  idaccount: number,
  idorder: number,
): Promise<BackorderRow[]> {
  const q = db
    .selectFrom('backorders')
    .select(columns)
    .where('idaccount', '=', idaccount)
    .where('idorder', '=', idorder)
    .where(isOpen)
    .orderBy('idbackorder');
  return engine ? forNoKeyUpdate(engine, q).execute() : q.execute();
}

/**
 * Open backorders of several orders, by id; locked (in id order) when a transaction and engine are
 * given.
 */
export async function openOfOrders(
  db: Db,
  engine: Engine,
  idaccount: number,
  idorders: readonly number[],
  lock: boolean,
): Promise<BackorderRow[]> {
  const rows: BackorderRow[] = [];
  for (let i = 0; i < idorders.length; i += 5000) {
    const q = db
      .selectFrom('backorders')
      .select(columns)
      .where('idaccount', '=', idaccount)
      .where('idorder', 'in', idorders.slice(i, i + 5000));
    if (engine === 'postgres') {
      // Sorted before FOR UPDATE locks: rows are locked in idbackorder order.
      const open = q.where(isOpen).orderBy('idbackorder');
      rows.push(...(await (lock ? open.forNoKeyUpdate() : open).execute()));
    } else {
      // SQLite without statistics plans ORDER BY idbackorder or the literal status list as a walk
      // of all the account's backorders (by primary key or by status): `+status` keeps the status
      // index out, and the sort happens here, so the search goes by (idaccount, idorder).
      rows.push(...(await q.where(sql<boolean>`+${isOpen}`).execute()));
    }
  }
  return engine === 'postgres' ? rows : rows.sort((a, b) => a.idbackorder - b.idbackorder);
}

/** The distinct (product, warehouse) of the open backorders of several orders, unlocked. */
export async function openLevelsOfOrders(
  db: Db,
  idaccount: number,
  idorders: readonly number[],
): Promise<{ idproduct: number; idwarehouse: number }[]> {
  return readInChunks(idorders, (ids) =>
    db
      .selectFrom('backorders')
      .select(['idproduct', 'idwarehouse'])
      .distinct()
      .where('idaccount', '=', idaccount)
      .where('idorder', 'in', ids)
      .where(isOpen)
      .execute(),
  );
}

export async function allOfOrder(db: Db, idaccount: number, idorder: number): Promise<BackorderRow[]> {
  return db
    .selectFrom('backorders')
    .select(columns)
    .where('idaccount', '=', idaccount)
    .where('idorder', '=', idorder)
    .orderBy('idbackorder')
    .execute();
}

/** Backorders processed into a picklist. */
export async function ofPicklist(db: Db, idaccount: number, idpicklist: number): Promise<BackorderRow[]> {
  return db
    .selectFrom('backorders')
    .select(columns)
    .where('idaccount', '=', idaccount)
    .where('idpicklist', '=', idpicklist)
    .orderBy('idbackorder')
    .execute();
}

/**
 * A slice of the open queue of one (product, warehouse) in queue order, locked, whole rows (the
 * events of the rows that get stock carry them). Composition parents hold no stock of their own and
 * are left out: their availability follows their parts.
 */
export async function queueSlice(
  trx: Trx,
  engine: Engine,
  key: QueueKeyOf,
  offset: number,
  limit: number,
): Promise<BackorderRow[]> {
  return forNoKeyUpdate(
    engine,
    trx
      .selectFrom('backorders')
      .select(columns)
      .where('idaccount', '=', key.idaccount)
      .where('idproduct', '=', key.idproduct)
      .where('idwarehouse', '=', key.idwarehouse)
      .where(isOpen)
      .where('has_parts', '=', 0)
      .orderBy('priority_rank')
      .orderBy('priority')
      .orderBy('created_at')
      .orderBy('idbackorder')
      .limit(limit)
      .offset(offset),
  ).execute();
}

/**
 * SQLite's planner, without statistics, prefers the wider (…, status, …) index of migration 001 and
 * would walk the whole queue; the rows holding stock are few, so name their partial index.
 */
const holdingIndex = (engine: Engine) =>
  engine === 'sqlite' ? sql` indexed by backorders_holding_idx` : sql``;

/** Open backorders of one (product, warehouse) that hold stock now, locked, whole rows. */
export async function holders(trx: Trx, engine: Engine, key: QueueKeyOf): Promise<BackorderRow[]> {
  if (engine === 'sqlite') {
    const r = await sql<BackorderRow>`select ${sql.join(columns.map((c) => sql.ref(c)))}
      from backorders${holdingIndex(engine)}
      where idaccount = ${key.idaccount} and idproduct = ${key.idproduct} and idwarehouse = ${key.idwarehouse}
        and ${holdsStock} and ${isOpen} and has_parts = 0`.execute(trx);
    return r.rows;
  }
  return forNoKeyUpdate(
    engine,
    trx
      .selectFrom('backorders')
      .select(columns)
      .where('idaccount', '=', key.idaccount)
      .where('idproduct', '=', key.idproduct)
      .where('idwarehouse', '=', key.idwarehouse)
      .where(holdsStock)
      .where(isOpen)
      .where('has_parts', '=', 0),
  ).execute();
}

/** The whole open queue of one (product, warehouse), in queue order (unlocked read). */
export async function openQueue(db: Db, key: QueueKeyOf) {
  return db
    .selectFrom('backorders')
    .select(['idbackorder', 'amount', 'amount_available', 'priority_rank', 'priority', 'created_at'])
    .where('idaccount', '=', key.idaccount)
    .where('idproduct', '=', key.idproduct)
    .where('idwarehouse', '=', key.idwarehouse)
    .where(isOpen)
    .orderBy('priority_rank')
    .orderBy('priority')
    .orderBy('created_at')
    .orderBy('idbackorder')
    .execute();
}

export async function priorityBounds(
  db: Db,
  key: QueueKeyOf,
): Promise<{ min: number | null; max: number | null }> {
  const r = await db
    .selectFrom('backorders')
    .select((eb) => [
      eb.fn.min<number | null>('priority').as('min'),
      eb.fn.max<number | null>('priority').as('max'),
    ])
    .where('idaccount', '=', key.idaccount)
    .where('idproduct', '=', key.idproduct)
    .where('idwarehouse', '=', key.idwarehouse)
    .where(isOpen)
    .executeTakeFirst();
  return {
    min: r?.min === null || r?.min === undefined ? null : Number(r.min),
    max: r?.max === null || r?.max === undefined ? null : Number(r.max),
  };
}

/** Stock held by open backorders per (product, warehouse), for the given products. */
export async function heldStock(
  db: Db,
  engine: Engine,
  idaccount: number,
  idproducts: readonly number[],
): Promise<{ idproduct: number; idwarehouse: number; held: number }[]> {
  if (idproducts.length === 0) return [];
  if (engine === 'sqlite') {
    const r = await sql<{ idproduct: number; idwarehouse: number; held: number }>`
      select idproduct, idwarehouse, sum(amount_available) as held
      from backorders${holdingIndex(engine)}
      where idaccount = ${idaccount} and idproduct in (${sql.join(idproducts)})
        and ${holdsStock} and ${isOpen} and has_parts = 0
      group by idproduct, idwarehouse`.execute(db);
    return r.rows.map((x) => ({ ...x, held: Number(x.held) }));
  }
  const rows = await db
    .selectFrom('backorders')
    .select(['idproduct', 'idwarehouse', (eb) => eb.fn.sum<number>('amount_available').as('held')])
    .where('idaccount', '=', idaccount)
    .where('idproduct', 'in', idproducts)
    .where(holdsStock)
    .where(isOpen)
    .where('has_parts', '=', 0)
    .groupBy(['idproduct', 'idwarehouse'])
    .execute();
  return rows.map((r) => ({ idproduct: r.idproduct, idwarehouse: r.idwarehouse, held: Number(r.held) }));
}

export type BackorderPatch = Partial<Omit<BackordersTable, 'idaccount' | 'idbackorder'>>;

export async function updateBackorder(
  trx: Trx,
  idaccount: number,
  idbackorder: number,
  patch: BackorderPatch,
): Promise<void> {
  await trx
    .updateTable('backorders')
    .set(patch)
    .where('idaccount', '=', idaccount)
    .where('idbackorder', '=', idbackorder)
    .execute();
}

/**
 * The rows an `update backorders ... from d` joined by idbackorder may touch. SQLite without
 * statistics walks every backorder of the account (its idaccount index, against a bloom filter of
 * d) whatever the size of d; the ids as an IN list make it search (idaccount, idbackorder) for each.
 * PostgreSQL plans the join on its own.
 */
const amongIds = (engine: Engine, rows: readonly { idbackorder: number }[]) =>
  engine === 'sqlite'
    ? sql`and backorders.idbackorder in (${sql.join(rows.map((r) => r.idbackorder))})`
    : sql``;

/** New amount_available of many backorders (the assignment), one statement per chunk. */
export async function setAvailable(
  trx: Trx,
  engine: Engine,
  idaccount: number,
  rows: readonly { idbackorder: number; amount_available: number }[],
  now: string,
) {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    const d = integerValues(chunk.map((r) => [r.idbackorder, r.amount_available]));
    await sql`with d (idbackorder, amount_available) as ${d}
      update backorders set amount_available = d.amount_available, updated_at = ${now}
      from d
      where backorders.idaccount = ${idaccount} and backorders.idbackorder = d.idbackorder
        ${amongIds(engine, chunk)}`.execute(trx);
  }
}

/**
 * Whole backorders go onto picklists (processing): status processed, nothing assigned any more,
 * pointing at their picklist. Many in one statement per chunk.
 */
export async function setProcessed(
  trx: Trx,
  engine: Engine,
  idaccount: number,
  rows: readonly { idbackorder: number; idpicklist: number }[],
  now: string,
) {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    const d = integerValues(chunk.map((r) => [r.idbackorder, r.idpicklist]));
    await sql`with d (idbackorder, idpicklist) as ${d}
      update backorders set status = 'processed', idpicklist = d.idpicklist, amount_available = 0,
        updated_at = ${now}
      from d
      where backorders.idaccount = ${idaccount} and backorders.idbackorder = d.idbackorder
        ${amongIds(engine, chunk)}`.execute(trx);
  }
}

/** Relative change of amount (and of amount_available with it). */
export async function shrinkBackorder(
  trx: Trx,
  idaccount: number,
  idbackorder: number,
  by: number,
  now: string,
): Promise<void> {
  await trx
    .updateTable('backorders')
    .set((eb) => ({
      amount: eb('amount', '-', by),
      amount_available: eb('amount_available', '-', by),
      updated_at: now,
    }))
    .where('idaccount', '=', idaccount)
    .where('idbackorder', '=', idbackorder)
    .execute();
}

export async function partsOf(
  db: Db,
  idaccount: number,
  parentIds: readonly number[],
): Promise<BackorderRow[]> {
  if (parentIds.length === 0) return [];
  return db
    .selectFrom('backorders')
    .select(columns)
    .where('idaccount', '=', idaccount)
    .where('part_of_idbackorder', 'in', parentIds)
    .orderBy('idbackorder')
    .execute();
}

/**
 * Orders that have open backorders holding stock, after `afterIdorder`, in id order: the only
 * orders processing can ship anything for.
 */
export async function ordersWithAvailable(
  db: Db,
  idaccount: number,
  afterIdorder: number,
  limit: number,
): Promise<number[]> {
  const rows = await db
    .selectFrom('backorders')
    .select('idorder')
    .distinct()
    .where('idaccount', '=', idaccount)
    .where(holdsStock)
    .where(isOpen)
    .where('idorder', '>', afterIdorder)
    .orderBy('idorder')
    .limit(limit)
    .execute();
  return rows.map((r) => r.idorder);
}

// The lifecycle (docs/adr/0010-backorder-lifecycle.md): estimates and delays.

/**
 * Open rows that carry an expected date, a purchase order or an estimate: the partial index of
 * migration 004 holds exactly these (repeat its predicate literally).
 */
const carriesEstimate = sql<boolean>`(date_available is not null or idpurchaseorder is not null or estimated_ship_date is not null)`;
/** Not shipped yet: open or on a picklist. */
const isUnshipped = sql<boolean>`status in (${sql.join(
  [...OPEN_BACKORDER_STATUSES, 'processed'].map((s) => sql.lit(s)),
)})`;
const isUnnoticed = sql<boolean>`estimated_ship_date is not null and (delay_noticed_date is null or delay_noticed_date <> estimated_ship_date)`;

const estimateColumns = [
  'idbackorder',
  'amount',
  'amount_available',
  'priority_rank',
  'priority',
  'created_at',
  'part_of_idbackorder',
  'date_available',
  'idpurchaseorder',
  'idpurchaseorder_manual',
  'estimated_ship_date',
  'estimated_delivery_date',
  'estimate_manual',
] as const;

/** What refreshing an estimate reads of a backorder: its place in the queue and its estimate. */
export type EstimateRow = Pick<BackorderRow, (typeof estimateColumns)[number]>;

/** A place in the queue order: rows strictly after it. */
export type QueueCursor = Pick<EstimateRow, 'priority_rank' | 'priority' | 'created_at' | 'idbackorder'>;

const afterCursor = (c: QueueCursor) =>
  sql<boolean>`(priority_rank, priority, created_at, idbackorder) > (${c.priority_rank}, ${c.priority}, ${c.created_at}, ${c.idbackorder})`;

/**
 * The open queue of one (product, warehouse) in queue order after `after` (from the start when
 * null), parents left out: one range of the queue index per call, however far into the queue.
 */
export async function estimateRows(
  db: Db,
  key: QueueKeyOf,
  after: QueueCursor | null,
  limit: number,
): Promise<EstimateRow[]> {
  let q = db
    .selectFrom('backorders')
    .select(estimateColumns)
    .where('idaccount', '=', key.idaccount)
    .where('idproduct', '=', key.idproduct)
    .where('idwarehouse', '=', key.idwarehouse)
    .where(isOpen)
    .where('has_parts', '=', 0);
  if (after) q = q.where(afterCursor(after));
  return q
    .orderBy('priority_rank')
    .orderBy('priority')
    .orderBy('created_at')
    .orderBy('idbackorder')
    .limit(limit)
    .execute();
}

/**
 * Open rows of one (product, warehouse) after `after` in queue order that carry an expected date,
 * purchase order or estimate (the partial index of migration 004), parents left out.
 */
export async function carryingEstimates(
  db: Db,
  engine: Engine,
  key: QueueKeyOf,
  after: QueueCursor | null,
): Promise<EstimateRow[]> {
  const past = after ? sql`and ${afterCursor(after)}` : sql``;
  // SQLite without statistics prefers the queue indexes; name the small partial one.
  if (engine === 'sqlite') {
    const r = await sql<EstimateRow>`select ${sql.join(estimateColumns.map((c) => sql.ref(c)))}
      from backorders indexed by backorders_estimated_idx
      where idaccount = ${key.idaccount} and idproduct = ${key.idproduct} and idwarehouse = ${key.idwarehouse}
        and ${isOpen} and ${carriesEstimate} and has_parts = 0 ${past}`.execute(db);
    return r.rows;
  }
  let q = db
    .selectFrom('backorders')
    .select(estimateColumns)
    .where('idaccount', '=', key.idaccount)
    .where('idproduct', '=', key.idproduct)
    .where('idwarehouse', '=', key.idwarehouse)
    .where(isOpen)
    .where(carriesEstimate)
    .where('has_parts', '=', 0);
  if (after) q = q.where(afterCursor(after));
  return q.execute();
}

export interface UnnoticedRow {
  idaccount: number;
  idbackorder: number;
  idproduct: number;
  idwarehouse: number;
  estimated_ship_date: string;
}

/**
 * Backorders of every account, not shipped, whose estimated ship date is before `today` and whose
 * passing was not reported yet (the partial index of migration 004), in index order.
 */
export async function unnoticedMissed(
  db: Db,
  today: string,
  limit: number,
  after: UnnoticedRow | null = null,
): Promise<UnnoticedRow[]> {
  let q = db
    .selectFrom('backorders')
    .select(['idaccount', 'idbackorder', 'idproduct', 'idwarehouse', 'estimated_ship_date'])
    .where(isUnshipped)
    .where(isUnnoticed)
    .where('estimated_ship_date', '<', today);
  if (after)
    q = q.where(
      sql<boolean>`(estimated_ship_date, idaccount, idbackorder) > (${after.estimated_ship_date}, ${after.idaccount}, ${after.idbackorder})`,
    );
  const rows = await q
    .orderBy('estimated_ship_date')
    .orderBy('idaccount')
    .orderBy('idbackorder')
    .limit(limit)
    .execute();
  return rows as UnnoticedRow[];
}

/** Open backorders of one order line (what already waits for it). */
export async function openOfLine(
  db: Db,
  idaccount: number,
  idorder_product: number,
): Promise<BackorderRow[]> {
  return db
    .selectFrom('backorders')
    .select(columns)
    .where('idaccount', '=', idaccount)
    .where('idorder_product', '=', idorder_product)
    .where(isOpen)
    .orderBy('idbackorder')
    .execute();
}

/** New estimate columns of one backorder: only those in `patch` change; updated_at when given. */
export interface EstimateUpdate {
  idbackorder: number;
  patch: EstimatePatch;
  updated_at?: string;
}

// The rows travel as one JSON parameter, so the text is one for any number of rows. A column
// changes only where its flag is set: the others keep what they are.
const ESTIMATE_SET = `
  date_available = case when d.set_date then d.date_available else backorders.date_available end,
  idpurchaseorder = case when d.set_po then d.idpurchaseorder else backorders.idpurchaseorder end,
  estimated_ship_date = case when d.set_ship then d.estimated_ship_date else backorders.estimated_ship_date end,
  estimated_delivery_date =
    case when d.set_delivery then d.estimated_delivery_date else backorders.estimated_delivery_date end,
  updated_at = coalesce(d.updated_at, backorders.updated_at)`;
const updateEstimatesStatement = statementPerEngine(
  // Materialized: joined as a subquery, json_each (no index) became the inner loop of a walk over
  // the account's backorders (10,000 rows against 10,000: a minute); as a table the rows drive the
  // search of each backorder by its id.
  `with d as materialized (select value ->> 'idbackorder' as idbackorder, value ->> 'set_date' as set_date,
       value ->> 'date_available' as date_available, value ->> 'set_po' as set_po,
       value ->> 'idpurchaseorder' as idpurchaseorder, value ->> 'set_ship' as set_ship,
       value ->> 'estimated_ship_date' as estimated_ship_date, value ->> 'set_delivery' as set_delivery,
       value ->> 'estimated_delivery_date' as estimated_delivery_date, value ->> 'updated_at' as updated_at
     from json_each(?))
   update backorders set ${ESTIMATE_SET}
   from d
   where backorders.idaccount = ? and backorders.idbackorder = d.idbackorder`,
  `update backorders set ${ESTIMATE_SET}
   from jsonb_to_recordset(?::jsonb) as d(idbackorder integer, set_date boolean, date_available text,
     set_po boolean, idpurchaseorder integer, set_ship boolean, estimated_ship_date text,
     set_delivery boolean, estimated_delivery_date text, updated_at text)
   where backorders.idaccount = ? and backorders.idbackorder = d.idbackorder`,
);

/** Writes the refreshed estimates of many backorders in one statement, each row once. */
export async function updateEstimates(
  trx: Trx,
  engine: Engine,
  idaccount: number,
  updates: readonly EstimateUpdate[],
): Promise<void> {
  if (updates.length === 0) return;
  const rows = updates.map(({ idbackorder, patch, updated_at }) => ({
    idbackorder,
    set_date: 'date_available' in patch,
    date_available: patch.date_available ?? null,
    set_po: 'idpurchaseorder' in patch,
    idpurchaseorder: patch.idpurchaseorder ?? null,
    set_ship: 'estimated_ship_date' in patch,
    estimated_ship_date: patch.estimated_ship_date ?? null,
    set_delivery: 'estimated_delivery_date' in patch,
    estimated_delivery_date: patch.estimated_delivery_date ?? null,
    updated_at: updated_at ?? null,
  }));
  await run(trx, engine, updateEstimatesStatement, [JSON.stringify(rows), idaccount]);
}
