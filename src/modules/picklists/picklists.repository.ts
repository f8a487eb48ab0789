import { sql, type Selectable } from 'kysely';
import type { Engine } from '../../db/engine.ts';
import type { PicklistProductsTable, PicklistsTable } from '../../db/schema.ts';
import { containsAny } from '../../db/search.ts';
import { forNoKeyUpdate, type Db, type Trx } from '../../db/transaction.ts';
import { readInChunks } from '../../db/values.ts';

/** All SQL of picklists and their lines. */

export type PicklistRow = Omit<Selectable<PicklistsTable>, 'idaccount'>;
export type PicklistLineRow = Omit<Selectable<PicklistProductsTable>, 'idaccount'>;

/** Picklists that still hold their reservations. */
export const OPEN_PICKLIST_STATUSES = ['new', 'paused', 'snoozed'] as const;

const columns = [
  'idpicklist',
  'picklistid',
  'idorder',
  'idcustomer',
  'idwarehouse',
  'status',
  'closed_at',
  'created',
  'updated',
] as const;

const lineColumns = [
  'idpicklist_product',
  'idpicklist',
  'idorder_product',
  'idproduct',
  'idbackorder',
  'name',
  'price',
  'amount',
  'amount_picked',
  'has_parts',
  'partof_idpicklist_product',
] as const;

/** Rows per multi-row INSERT: well below the engines' parameter limits (SQLite 32,766). */
const ROWS_PER_INSERT = 1000;

/** Inserts several picklists in one statement; answers their ids by picklistid (unique per account). */
export async function insertPicklists(
  trx: Trx,
  rows: readonly Omit<PicklistsTable, 'idpicklist'>[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const out = await trx
      .insertInto('picklists')
      .values(rows.slice(i, i + ROWS_PER_INSERT))
      .returning(['idpicklist', 'picklistid'])
      .execute();
    for (const r of out) ids.set(r.picklistid, r.idpicklist);
  }
  return ids;
}

/** The key of a picklist line in an insert of several: its picklist, order line and backorder. */
export const lineKey = (l: {
  idpicklist: number;
  idorder_product: number | null;
  idbackorder: number | null;
}) => `${l.idpicklist}:${l.idorder_product}:${l.idbackorder ?? ''}`;

/**
 * Inserts several picklist lines in one statement (per chunk); answers their ids by lineKey. The
 * order of RETURNING rows is not guaranteed, hence the key; lines that share a key cannot be told
 * apart (the caller only looks up lines whose key is unique).
 */
export async function insertLines(
  trx: Trx,
  rows: readonly Omit<PicklistProductsTable, 'idpicklist_product'>[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const out = await trx
      .insertInto('picklist_products')
      .values(rows.slice(i, i + ROWS_PER_INSERT))
      .returning(['idpicklist_product', 'idpicklist', 'idorder_product', 'idbackorder'])
      .execute();
    for (const r of out) ids.set(lineKey(r), r.idpicklist_product);
  }
  return ids;
}

export async function findPicklist(
  db: Db,
  idaccount: number,
  idpicklist: number,
): Promise<PicklistRow | undefined> {
  return db
    .selectFrom('picklists')
    .select(columns)
    .where('idaccount', '=', idaccount)
    .where('idpicklist', '=', idpicklist)
    .executeTakeFirst();
}

export async function lockPicklist(
  trx: Trx,
  engine: Engine,
  idaccount: number,
  idpicklist: number,
): Promise<PicklistRow | undefined> {
  return forNoKeyUpdate(
    engine,
    trx
      .selectFrom('picklists')
      .select(columns)
      .where('idaccount', '=', idaccount)
      .where('idpicklist', '=', idpicklist),
  ).executeTakeFirst();
}

export interface PicklistFilter {
  idorder?: number | undefined;
  status?: string | undefined;
  idwarehouse?: number | undefined;
  sinceid?: number | undefined;
  picklistid?: string | undefined;
  assigned_to_iduser?: number | undefined;
  search?: string | undefined;
  beforeid?: number | undefined;
  /** Datetimes as text (YYYY-MM-DD HH:MM:SS); sincedate/untildate on created, strict. */
  sincedate?: string | undefined;
  untildate?: string | undefined;
  closed_after?: string | undefined;
  closed_before?: string | undefined;
  offset: number;
  limit: number;
}

export async function listPicklists(db: Db, idaccount: number, f: PicklistFilter): Promise<PicklistRow[]> {
  let q = db.selectFrom('picklists').select(columns).where('idaccount', '=', idaccount);
  if (f.idorder !== undefined) q = q.where('idorder', '=', f.idorder);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  if (f.idwarehouse !== undefined) q = q.where('idwarehouse', '=', f.idwarehouse);
  if (f.sinceid !== undefined) q = q.where('idpicklist', '>', f.sinceid);
  if (f.picklistid !== undefined) q = q.where('picklistid', '=', f.picklistid);
  if (f.assigned_to_iduser !== undefined) {
    const iduser = f.assigned_to_iduser;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('picklist_details as d')
          .select('d.idpicklist')
          .whereRef('d.idaccount', '=', 'picklists.idaccount')
          .whereRef('d.idpicklist', '=', 'picklists.idpicklist')
          .where('d.assigned_to_iduser', '=', iduser),
      ),
    );
  }
  if (f.beforeid !== undefined) q = q.where('idpicklist', '<', f.beforeid);
  if (f.sincedate !== undefined) q = q.where('created', '>', f.sincedate);
  if (f.untildate !== undefined) q = q.where('created', '<', f.untildate);
  if (f.closed_after !== undefined) q = q.where('closed_at', '>', f.closed_after);
  if (f.closed_before !== undefined) q = q.where('closed_at', '<', f.closed_before);
  if (f.search !== undefined) {
    const term = f.search;
    q = q.where(() => containsAny(['picklistid'], term));
  }
  return q.orderBy('idpicklist').limit(f.limit).offset(f.offset).execute();
}

export async function picklistsOfOrder(
  db: Db,
  engine: Engine | undefined,
  idaccount: number,
  idorder: number,
): Promise<PicklistRow[]> {
  const q = db
    .selectFrom('picklists')
    .select(columns)
    .where('idaccount', '=', idaccount)
    .where('idorder', '=', idorder)
    .orderBy('idpicklist');
  return engine ? forNoKeyUpdate(engine, q).execute() : q.execute();
}

/**
 * Lines of picklists, by id. Sorted here, not by ORDER BY: SQLite without statistics would satisfy
 * `order by idpicklist_product` by walking every picklist line of the account in its (idaccount, id)
 * key instead of searching (idaccount, idpicklist).
 */
export async function linesOf(
  db: Db,
  idaccount: number,
  idpicklists: readonly number[],
): Promise<PicklistLineRow[]> {
  if (idpicklists.length === 0) return [];
  const rows = await db
    .selectFrom('picklist_products')
    .select(lineColumns)
    .where('idaccount', '=', idaccount)
    .where('idpicklist', 'in', idpicklists)
    .execute();
  return rows.sort((a, b) => a.idpicklist_product - b.idpicklist_product);
}

/**
 * Where the lines reserve their stock (a read of the stock core's reservation rows, for the
 * picklist answer; only the stock service writes them).
 */
export async function pickLocationsOf(db: Db, idaccount: number, idlines: readonly number[]) {
  return readInChunks(idlines, (ids) =>
    db
      .selectFrom('picklist_locations')
      .select(['idpicklist_product', 'slot', 'amount'])
      .where('idaccount', '=', idaccount)
      .where('idpicklist_product', 'in', ids)
      .orderBy('idpicklist_product')
      .orderBy('slot')
      .execute(),
  );
}

export async function setPicked(
  trx: Trx,
  idaccount: number,
  idpicklist_product: number,
  amount_picked: number,
): Promise<void> {
  await trx
    .updateTable('picklist_products')
    .set({ amount_picked })
    .where('idaccount', '=', idaccount)
    .where('idpicklist_product', '=', idpicklist_product)
    .execute();
}

export async function updatePicklist(
  trx: Trx,
  idaccount: number,
  idpicklist: number,
  patch: Partial<Pick<PicklistsTable, 'status' | 'closed_at' | 'updated'>>,
): Promise<void> {
  await trx
    .updateTable('picklists')
    .set(patch)
    .where('idaccount', '=', idaccount)
    .where('idpicklist', '=', idpicklist)
    .execute();
}

/** Picked units per order line over the closed picklists of an order. */
export async function pickedOfOrder(db: Db, idaccount: number, idorder: number): Promise<number> {
  const r = await db
    .selectFrom('picklist_products')
    .innerJoin('picklists', (j) =>
      j
        .onRef('picklists.idaccount', '=', 'picklist_products.idaccount')
        .onRef('picklists.idpicklist', '=', 'picklist_products.idpicklist'),
    )
    .select((eb) => eb.fn.sum<number>('picklist_products.amount_picked').as('n'))
    .where('picklists.idaccount', '=', idaccount)
    .where('picklists.idorder', '=', idorder)
    .where('picklists.status', '=', 'closed')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/**
 * Units of an order line that picklists cover: the whole line on open picklists, what was picked
 * on closed ones (their unpicked rest waits again or was cancelled), nothing on cancelled ones.
 */
export async function coveredOfLine(db: Db, idaccount: number, idorder_product: number): Promise<number> {
  const r = await db
    .selectFrom('picklist_products')
    .innerJoin('picklists', (j) =>
      j
        .onRef('picklists.idaccount', '=', 'picklist_products.idaccount')
        .onRef('picklists.idpicklist', '=', 'picklist_products.idpicklist'),
    )
    .select((eb) =>
      eb.fn
        .sum<number>(
          eb
            .case()
            .when('picklists.status', 'in', OPEN_PICKLIST_STATUSES)
            .then(eb.ref('picklist_products.amount'))
            .when('picklists.status', '=', 'closed')
            .then(eb.ref('picklist_products.amount_picked'))
            .else(0)
            .end(),
        )
        .as('n'),
    )
    .where('picklist_products.idaccount', '=', idaccount)
    .where('picklist_products.idorder_product', '=', idorder_product)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/**
 * Fresh planner statistics for the picklist tables (PostgreSQL). Each connection keeps the plans of
 * its foreign-key checks (a picklist line's picklist, a pick location's line) as made for the table
 * sizes of the time, until the next ANALYZE: planned while the tables were nearly empty they stay
 * sequential scans, and a line inserted into 10,000 picklists reads them all. Autovacuum analyzes
 * after growth (when it runs); processing many backorders grows the tables by thousands of rows in
 * seconds, so it asks for this itself. SKIP_LOCKED: an ANALYZE already running elsewhere is enough.
 */
export async function analyzeTables(db: Db): Promise<void> {
  await sql`analyze (skip_locked) picklists, picklist_products, picklist_locations`.execute(db);
}
