import { sql } from 'kysely';
import type { Engine } from '../../db/engine.ts';
import type { PicklistLocationsTable } from '../../db/schema.ts';
import { integerValues, ROWS_PER_STATEMENT } from '../../db/values.ts';
import type { Db, Trx } from '../../db/transaction.ts';
import { forNoKeyUpdate } from '../../db/transaction.ts';
import { run, statement } from '../../db/statement.ts';
import type { SlotLevel } from '../../domain/stock.ts';

/** All SQL of stock levels, location stock, picklist reservations at locations and the ledger. */

/** Slot 0 of location_stock is "no specific location" (idlocation null in the API): ADR 0003. */
export const slotToLocation = (slot: number): number | null => (slot === 0 ? null : slot);
export const locationToSlot = (idlocation: number | null): number => idlocation ?? 0;

export interface LevelKey {
  idaccount: number;
  idproduct: number;
  idwarehouse: number;
}

export interface LevelRow {
  idproduct: number;
  idwarehouse: number;
  stock: number;
  reserved_picklists: number;
  reserved_backorders: number;
  reserved_allocations: number;
}

export interface LevelDeltas {
  stock?: number;
  reserved_picklists?: number;
  reserved_backorders?: number;
  reserved_allocations?: number;
}

export async function ensureSlot(trx: Trx, key: LevelKey, slot: number): Promise<void> {
  await trx
    .insertInto('location_stock')
    .values({ ...key, slot, stock: 0, reserved_picklists: 0 })
    .onConflict((oc) => oc.columns(['idaccount', 'idproduct', 'idwarehouse', 'slot']).doNothing())
    .execute();
}

const levelColumns = [
  'idproduct',
  'idwarehouse',
  'stock',
  'reserved_picklists',
  'reserved_backorders',
  'reserved_allocations',
] as const;

/**
 * Creates the missing (product, warehouse) rows and their slot 0, in one statement each; never
 * overwrites. Keys in the fixed order, so concurrent creators queue instead of deadlocking.
 */
export async function ensureLevels(
  trx: Trx,
  idaccount: number,
  keys: readonly { idproduct: number; idwarehouse: number }[],
  now: string,
): Promise<void> {
  for (const chunk of chunks(sortKeys(keys))) {
    await trx
      .insertInto('stock_levels')
      .values(
        chunk.map((k) => ({
          idaccount,
          idproduct: k.idproduct,
          idwarehouse: k.idwarehouse,
          stock: 0,
          reserved_picklists: 0,
          reserved_backorders: 0,
          reserved_allocations: 0,
          updated: now,
        })),
      )
      .onConflict((oc) => oc.columns(['idaccount', 'idproduct', 'idwarehouse']).doNothing())
      .execute();
    await trx
      .insertInto('location_stock')
      .values(
        chunk.map((k) => ({
          idaccount,
          idproduct: k.idproduct,
          idwarehouse: k.idwarehouse,
          slot: 0,
          stock: 0,
          reserved_picklists: 0,
        })),
      )
      .onConflict((oc) => oc.columns(['idaccount', 'idproduct', 'idwarehouse', 'slot']).doNothing())
      .execute();
  }
}

type PairKey = { idproduct: number; idwarehouse: number };

const sortKeys = <K extends PairKey>(keys: readonly K[]): K[] =>
  [...keys].sort((a, b) => a.idproduct - b.idproduct || a.idwarehouse - b.idwarehouse);

/** Statements stay well below the engines' parameter limits (SQLite 32,766). */
const KEYS_PER_STATEMENT = 2000;

function chunks<T>(items: readonly T[], size = KEYS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `(idwarehouse = w and idproduct in (...)) or ...` on stock_levels or location_stock: exactly the
 * given keys, one index range per warehouse.
 */
function whereKeys(keys: readonly PairKey[], table: 'stock_levels' | 'location_stock') {
  const byWarehouse = new Map<number, number[]>();
  for (const k of keys) {
    const products = byWarehouse.get(k.idwarehouse);
    if (products) products.push(k.idproduct);
    else byWarehouse.set(k.idwarehouse, [k.idproduct]);
  }
  return sql<boolean>`(${sql.join(
    [...byWarehouse].map(
      ([idwarehouse, idproducts]) =>
        sql`(${sql.ref(`${table}.idwarehouse`)} = ${idwarehouse} and ${sql.ref(`${table}.idproduct`)} in (${sql.join(idproducts)}))`,
    ),
    sql` or `,
  )})`;
}

/**
 * Locks (product, warehouse) rows in the fixed order: idproduct, then idwarehouse. Returns the rows
 * that exist. One statement per chunk of keys (chunks in key order): on PostgreSQL a locking SELECT
 * with ORDER BY sorts first and locks the rows in that order (the LockRows step runs on the sorted
 * output), so the order is the same as one statement per row, in one round trip.
 */
export async function lockLevels(
  trx: Trx,
  engine: Engine,
  idaccount: number,
  keys: readonly PairKey[],
): Promise<LevelRow[]> {
  const rows: LevelRow[] = [];
  for (const chunk of chunks(sortKeys(keys)))
    rows.push(
      ...(await forNoKeyUpdate(
        engine,
        trx
          .selectFrom('stock_levels')
          .select(levelColumns)
          .where('idaccount', '=', idaccount)
          .where(whereKeys(chunk, 'stock_levels'))
          .orderBy('idproduct')
          .orderBy('idwarehouse'),
      ).execute()),
    );
  return rows;
}

/** Locks every slot of one (product, warehouse) in slot order. Call after locking the level. */
export async function lockSlots(trx: Trx, engine: Engine, key: LevelKey): Promise<SlotLevel[]> {
  return forNoKeyUpdate(
    engine,
    trx
      .selectFrom('location_stock')
      .select(['slot', 'stock', 'reserved_picklists'])
      .where('idaccount', '=', key.idaccount)
      .where('idproduct', '=', key.idproduct)
      .where('idwarehouse', '=', key.idwarehouse)
      .orderBy('slot'),
  ).execute();
}

/**
 * Every slot of the given (product, warehouse) levels, ordered by (product, warehouse, slot), with
 * its location's name and bulk flag (none for slot 0, or when the location is gone). Locked when an
 * engine is given: in that order, which is the fixed lock order of slots (their levels first).
 */
export async function slotsWithLocations(
  db: Db,
  engine: Engine | undefined,
  idaccount: number,
  keys: readonly PairKey[],
) {
  const rows = [];
  for (const chunk of chunks(sortKeys(keys))) {
    const q = db
      .selectFrom('location_stock')
      .leftJoin('locations', (j) =>
        j
          .onRef('locations.idaccount', '=', 'location_stock.idaccount')
          .onRef('locations.idlocation', '=', 'location_stock.slot'),
      )
      .select([
        'location_stock.idproduct',
        'location_stock.idwarehouse',
        'location_stock.slot',
        'location_stock.stock',
        'location_stock.reserved_picklists',
        'locations.idwarehouse as location_idwarehouse',
        'locations.name',
        'locations.is_bulk_location',
      ])
      .where('location_stock.idaccount', '=', idaccount)
      .where(whereKeys(chunk, 'location_stock'))
      .orderBy('location_stock.idproduct')
      .orderBy('location_stock.idwarehouse')
      .orderBy('location_stock.slot');
    // Only the slot rows: the location rows stay free for others.
    rows.push(...(await (engine === 'postgres' ? q.forNoKeyUpdate('location_stock') : q).execute()));
  }
  return rows;
}

/**
 * Relative update of the warehouse counters; CHECK constraints are the last line of defence.
 * Answers the row as it is now (RETURNING), which spares a read after the update.
 */
export async function adjustLevel(trx: Trx, key: LevelKey, d: LevelDeltas, now: string): Promise<LevelRow> {
  return trx
    .updateTable('stock_levels')
    .set((eb) => ({
      stock: eb('stock', '+', d.stock ?? 0),
      reserved_picklists: eb('reserved_picklists', '+', d.reserved_picklists ?? 0),
      reserved_backorders: eb('reserved_backorders', '+', d.reserved_backorders ?? 0),
      reserved_allocations: eb('reserved_allocations', '+', d.reserved_allocations ?? 0),
      updated: now,
    }))
    .where('idaccount', '=', key.idaccount)
    .where('idproduct', '=', key.idproduct)
    .where('idwarehouse', '=', key.idwarehouse)
    .returning(levelColumns)
    .executeTakeFirstOrThrow();
}

/**
 * The rows an `update ... from d` of levels or slots may touch. SQLite without statistics walks
 * every level (or slot) of the account against a bloom filter of d when d is long; naming d's
 * products as a list makes it search (idaccount, idproduct) for each. PostgreSQL plans the join on
 * its own.
 */
const amongProducts = (engine: Engine, table: 'stock_levels' | 'location_stock') =>
  engine === 'sqlite' ? sql`and ${sql.ref(`${table}.idproduct`)} in (select idproduct from d)` : sql``;

/** A relative change of one level, for adjustLevels. */
export interface LevelChange extends LevelDeltas {
  idproduct: number;
  idwarehouse: number;
}

/**
 * Relative updates of many levels in one statement per chunk (UPDATE ... FROM a VALUES list),
 * each key at most once; answers the rows as they are now. CHECK constraints as in adjustLevel.
 */
export async function adjustLevels(
  trx: Trx,
  engine: Engine,
  idaccount: number,
  changes: readonly LevelChange[],
  now: string,
): Promise<LevelRow[]> {
  const rows: LevelRow[] = [];
  for (const chunk of chunks(sortKeys(changes), ROWS_PER_STATEMENT)) {
    const d = integerValues(
      chunk.map((c) => [
        c.idproduct,
        c.idwarehouse,
        c.stock ?? 0,
        c.reserved_picklists ?? 0,
        c.reserved_backorders ?? 0,
        c.reserved_allocations ?? 0,
      ]),
    );
    const r = await sql<LevelRow>`
      with d (idproduct, idwarehouse, stock, reserved_picklists, reserved_backorders, reserved_allocations) as ${d}
      update stock_levels set
        stock = stock_levels.stock + d.stock,
        reserved_picklists = stock_levels.reserved_picklists + d.reserved_picklists,
        reserved_backorders = stock_levels.reserved_backorders + d.reserved_backorders,
        reserved_allocations = stock_levels.reserved_allocations + d.reserved_allocations,
        updated = ${now}
      from d
      where stock_levels.idaccount = ${idaccount} ${amongProducts(engine, 'stock_levels')}
        and stock_levels.idproduct = d.idproduct and stock_levels.idwarehouse = d.idwarehouse
      returning ${sql.join(levelColumns.map((c) => sql.ref(`stock_levels.${c}`)))}`.execute(trx);
    rows.push(...r.rows);
  }
  return rows;
}

/** A relative change of one slot, for adjustSlots. */
export interface SlotChange {
  idproduct: number;
  idwarehouse: number;
  slot: number;
  stock?: number;
  reserved_picklists?: number;
}

/** Relative updates of many slots in one statement per chunk, each slot at most once. */
export async function adjustSlots(
  trx: Trx,
  engine: Engine,
  idaccount: number,
  changes: readonly SlotChange[],
): Promise<void> {
  for (const chunk of chunks(changes, ROWS_PER_STATEMENT)) {
    const d = integerValues(
      chunk.map((c) => [c.idproduct, c.idwarehouse, c.slot, c.stock ?? 0, c.reserved_picklists ?? 0]),
    );
    await sql`
      with d (idproduct, idwarehouse, slot, stock, reserved_picklists) as ${d}
      update location_stock set
        stock = location_stock.stock + d.stock,
        reserved_picklists = location_stock.reserved_picklists + d.reserved_picklists
      from d
      where location_stock.idaccount = ${idaccount} ${amongProducts(engine, 'location_stock')}
        and location_stock.idproduct = d.idproduct
        and location_stock.idwarehouse = d.idwarehouse and location_stock.slot = d.slot`.execute(trx);
  }
}

export async function adjustSlot(
  trx: Trx,
  key: LevelKey,
  slot: number,
  d: { stock?: number; reserved_picklists?: number },
): Promise<void> {
  await trx
    .updateTable('location_stock')
    .set((eb) => ({
      stock: eb('stock', '+', d.stock ?? 0),
      reserved_picklists: eb('reserved_picklists', '+', d.reserved_picklists ?? 0),
    }))
    .where('idaccount', '=', key.idaccount)
    .where('idproduct', '=', key.idproduct)
    .where('idwarehouse', '=', key.idwarehouse)
    .where('slot', '=', slot)
    .execute();
}

export interface HistoryInsert {
  idaccount: number;
  idproduct: number;
  idwarehouse: number;
  idlocation: number | null;
  old_stock: number;
  stock_change: number;
  new_stock: number;
  location_old_stock: number;
  location_stock_change: number;
  location_new_stock: number;
  reason: string;
  change_type: string;
  reference_type: string | null;
  reference_id: number | null;
  changed_at: string;
}

export async function insertHistory(trx: Trx, row: HistoryInsert): Promise<number> {
  const r = await trx
    .insertInto('stock_history')
    .values(row)
    .returning('idproduct_stock_history')
    .executeTakeFirstOrThrow();
  return r.idproduct_stock_history;
}

const historyColumns = [
  'idproduct_stock_history',
  'idproduct',
  'idwarehouse',
  'idlocation',
  'old_stock',
  'stock_change',
  'new_stock',
  'location_old_stock',
  'location_stock_change',
  'location_new_stock',
  'reason',
  'change_type',
  'reference_type',
  'reference_id',
  'changed_at',
] as const;

export async function getHistory(db: Db, idaccount: number, id: number) {
  return db
    .selectFrom('stock_history')
    .select(historyColumns)
    .where('idaccount', '=', idaccount)
    .where('idproduct_stock_history', '=', id)
    .executeTakeFirst();
}

export interface HistoryFilter {
  idproduct?: number | undefined;
  idwarehouse?: number | undefined;
  sincedate?: string | undefined;
  untildate?: string | undefined;
  offset: number;
  limit: number;
}

export async function listHistory(db: Db, idaccount: number, f: HistoryFilter) {
  let q = db.selectFrom('stock_history').select(historyColumns).where('idaccount', '=', idaccount);
  if (f.idproduct !== undefined) q = q.where('idproduct', '=', f.idproduct);
  if (f.idwarehouse !== undefined) q = q.where('idwarehouse', '=', f.idwarehouse);
  if (f.sincedate !== undefined) q = q.where('changed_at', '>=', f.sincedate);
  if (f.untildate !== undefined) q = q.where('changed_at', '<=', f.untildate);
  return q.orderBy('idproduct_stock_history').limit(f.limit).offset(f.offset).execute();
}

/** Warehouse levels of one product (every warehouse that has a row). */
export async function levelsOfProduct(db: Db, idaccount: number, idproduct: number): Promise<LevelRow[]> {
  return db
    .selectFrom('stock_levels')
    .select(levelColumns)
    .where('idaccount', '=', idaccount)
    .where('idproduct', '=', idproduct)
    .orderBy('idwarehouse')
    .execute();
}

export async function levelOf(db: Db, key: LevelKey): Promise<LevelRow | undefined> {
  return db
    .selectFrom('stock_levels')
    .select(levelColumns)
    .where('idaccount', '=', key.idaccount)
    .where('idproduct', '=', key.idproduct)
    .where('idwarehouse', '=', key.idwarehouse)
    .executeTakeFirst();
}

/**
 * GET /products/{id}/stock/{idwarehouse} in one statement (so one snapshot, with no transaction):
 * whether the product and the warehouse exist, the level, and its slots at locations in this
 * warehouse with their names. Always at least one row; the slot columns are null without slots.
 */
export interface WarehouseDetailRow {
  product_found: number | null;
  warehouse_found: number | null;
  stock: number | null;
  reserved_picklists: number | null;
  reserved_backorders: number | null;
  reserved_allocations: number | null;
  slot: number | null;
  slot_stock: number | null;
  slot_reserved_picklists: number | null;
  name: string | null;
  is_bulk_location: number | null;
}

const warehouseDetailStatement = statement(
  `select p.idproduct as product_found, w.idwarehouse as warehouse_found,
      l.stock, l.reserved_picklists, l.reserved_backorders, l.reserved_allocations,
      s.slot, s.stock as slot_stock, s.reserved_picklists as slot_reserved_picklists,
      loc.name, loc.is_bulk_location
    from (select 1 as one) as one
    left join products p on p.idaccount = ? and p.idproduct = ?
    left join warehouses w on w.idaccount = ? and w.idwarehouse = ?
    left join stock_levels l on l.idaccount = ? and l.idproduct = ? and l.idwarehouse = ?
    left join location_stock s
      on s.idaccount = l.idaccount and s.idproduct = l.idproduct and s.idwarehouse = l.idwarehouse
      and s.slot <> 0
    left join locations loc
      on loc.idaccount = s.idaccount and loc.idlocation = s.slot and loc.idwarehouse = ?
    order by s.slot`,
);

export async function warehouseDetailRows(db: Db, engine: Engine, key: LevelKey) {
  const { idaccount, idproduct, idwarehouse } = key;
  return run<WarehouseDetailRow>(db, engine, warehouseDetailStatement, [
    idaccount,
    idproduct,
    idaccount,
    idwarehouse,
    idaccount,
    idproduct,
    idwarehouse,
    idwarehouse,
  ]);
}

export async function slotsOf(db: Db, key: LevelKey): Promise<SlotLevel[]> {
  return db
    .selectFrom('location_stock')
    .select(['slot', 'stock', 'reserved_picklists'])
    .where('idaccount', '=', key.idaccount)
    .where('idproduct', '=', key.idproduct)
    .where('idwarehouse', '=', key.idwarehouse)
    .orderBy('slot')
    .execute();
}

/** Levels of a warehouse with stock or reservations (GET /warehouses/{id}/stock). */
export async function levelsOfWarehouse(
  db: Db,
  idaccount: number,
  idwarehouse: number,
  offset: number,
  limit: number,
) {
  return db
    .selectFrom('stock_levels')
    .innerJoin('products', (j) =>
      j
        .onRef('products.idaccount', '=', 'stock_levels.idaccount')
        .onRef('products.idproduct', '=', 'stock_levels.idproduct'),
    )
    .select([
      'stock_levels.idproduct',
      'stock_levels.idwarehouse',
      'stock_levels.stock',
      'stock_levels.reserved_picklists',
      'stock_levels.reserved_backorders',
      'stock_levels.reserved_allocations',
      'products.productcode',
    ])
    .where('stock_levels.idaccount', '=', idaccount)
    .where('stock_levels.idwarehouse', '=', idwarehouse)
    .where((eb) =>
      eb.or([
        eb('stock_levels.stock', '<>', 0),
        eb('stock_levels.reserved_picklists', '<>', 0),
        eb('stock_levels.reserved_backorders', '<>', 0),
        eb('stock_levels.reserved_allocations', '<>', 0),
      ]),
    )
    .orderBy('stock_levels.idproduct')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function pickLocationsOfLine(db: Db, idaccount: number, idpicklist_product: number) {
  return db
    .selectFrom('picklist_locations')
    .select(['idpicklist_product', 'idproduct', 'idwarehouse', 'slot', 'amount'])
    .where('idaccount', '=', idaccount)
    .where('idpicklist_product', '=', idpicklist_product)
    .orderBy('slot')
    .execute();
}

export async function adjustPickLocation(
  trx: Trx,
  idaccount: number,
  idpicklist_product: number,
  slot: number,
  delta: number,
): Promise<void> {
  await trx
    .updateTable('picklist_locations')
    .set((eb) => ({ amount: eb('amount', '+', delta) }))
    .where('idaccount', '=', idaccount)
    .where('idpicklist_product', '=', idpicklist_product)
    .where('slot', '=', slot)
    .execute();
}

export type PickLocationRow = PicklistLocationsTable;

/**
 * Adds to the reservations of picklist lines at slots, several in one statement (per chunk); each
 * (line, slot) at most once per call.
 */
export async function upsertPickLocations(trx: Trx, rows: readonly PickLocationRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000)
    await trx
      .insertInto('picklist_locations')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) =>
        oc.columns(['idaccount', 'idpicklist_product', 'slot']).doUpdateSet((eb) => ({
          amount: eb('picklist_locations.amount', '+', eb.ref('excluded.amount')),
        })),
      )
      .execute();
}

/** Reservations of open picklists on one slot, oldest line first (moved first when stock moves). */
export async function pickReservationsOnSlot(trx: Trx, key: LevelKey, slot: number) {
  return trx
    .selectFrom('picklist_locations')
    .select(['idpicklist_product', 'amount'])
    .where('idaccount', '=', key.idaccount)
    .where('idproduct', '=', key.idproduct)
    .where('idwarehouse', '=', key.idwarehouse)
    .where('slot', '=', slot)
    .where('amount', '>', 0)
    .orderBy('idpicklist_product')
    .execute();
}

/** Warehouse levels of several products, for product answers. */
export async function levelsOfProducts(
  db: Db,
  idaccount: number,
  idproducts: readonly number[],
): Promise<LevelRow[]> {
  if (idproducts.length === 0) return [];
  return db
    .selectFrom('stock_levels')
    .select(levelColumns)
    .where('idaccount', '=', idaccount)
    .where('idproduct', 'in', idproducts)
    .orderBy('idproduct')
    .orderBy('idwarehouse')
    .execute();
}

/** True when the product has stock or any reservation in any warehouse. */
export async function productHoldsStock(db: Db, idaccount: number, idproduct: number): Promise<boolean> {
  const row = await db
    .selectFrom('stock_levels')
    .select('idproduct')
    .where('idaccount', '=', idaccount)
    .where('idproduct', '=', idproduct)
    .where((eb) =>
      eb.or([
        eb('stock', '<>', 0),
        eb('reserved_picklists', '<>', 0),
        eb('reserved_backorders', '<>', 0),
        eb('reserved_allocations', '<>', 0),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** True when any product has stock or picklist reservations on the location (its slot). */
export async function slotHoldsStock(db: Db, idaccount: number, slot: number): Promise<boolean> {
  const row = await db
    .selectFrom('location_stock')
    .select('idproduct')
    .where('idaccount', '=', idaccount)
    .where('slot', '=', slot)
    .where((eb) => eb.or([eb('stock', '<>', 0), eb('reserved_picklists', '<>', 0)]))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

// ---------------------------------------------------------------------------------------------
// The stock change (POST /products/{id}/stock/{idwarehouse}, receipts, imports): its statements
// are SQL text written once (src/db/statement.ts), so no query is built per change.

/** The product, its level and the named location of a stock change, as lockChangeTarget finds them. */
export interface ChangeTargetRow extends LevelRow {
  productcode: string;
  name: string;
  type: string;
  active: number;
  location_idwarehouse: number | null;
}

/** A slot of a level with its location's warehouse, name and bulk flag (none for slot 0). */
export interface LocatedSlotRow extends SlotLevel {
  location_idwarehouse: number | null;
  name: string | null;
  is_bulk_location: number | null;
}

type FootprintRow = ChangeTargetRow & {
  slot: number;
  slot_stock: number;
  slot_reserved_picklists: number;
  slot_location_idwarehouse: number | null;
  slot_name: string | null;
  slot_is_bulk_location: number | null;
};

const FOOTPRINT_COLUMNS = `p.idproduct, p.productcode, p.name, p.type, p.active,
  l.idwarehouse, l.stock, l.reserved_picklists, l.reserved_backorders, l.reserved_allocations,
  s.slot, s.stock as slot_stock, s.reserved_picklists as slot_reserved_picklists,
  loc.idwarehouse as slot_location_idwarehouse, loc.name as slot_name,
  loc.is_bulk_location as slot_is_bulk_location`;
// Slot 0 always exists with its level, so the slots join is an inner one (a locked table may not be
// on the nullable side of an outer join); their locations are joined, not locked.
const FOOTPRINT_LEVEL = `join warehouses w on w.idaccount = p.idaccount and w.idwarehouse = ?
  join stock_levels l on l.idaccount = p.idaccount and l.idproduct = p.idproduct and l.idwarehouse = w.idwarehouse
  join location_stock s on s.idaccount = l.idaccount and s.idproduct = l.idproduct and s.idwarehouse = l.idwarehouse
  left join locations loc on loc.idaccount = s.idaccount and loc.idlocation = s.slot
  where p.idaccount = ? and p.idproduct = ?
  order by s.slot`;
// Each row's locks are taken in the order the locking clauses name the tables (product, location,
// level, slot: the global order of ADR 0012), the rows in slot order.
const footprintAt = statement(
  `select ${FOOTPRINT_COLUMNS}, nl.idwarehouse as location_idwarehouse
   from products p join locations nl on nl.idaccount = p.idaccount and nl.idlocation = ?
   ${FOOTPRINT_LEVEL}`,
  'for share of p, nl for no key update of l, s',
);
const footprintAnywhere = statement(
  `select ${FOOTPRINT_COLUMNS}, null as location_idwarehouse
   from products p ${FOOTPRINT_LEVEL}`,
  'for share of p for no key update of l, s',
);

/**
 * Locks what a stock change of one product in one warehouse needs before it decides, in one
 * statement and in the global order: the product shared (its type and active flag hold until
 * commit), the named location shared (it cannot be deleted meanwhile), the level and its slots for
 * update. Undefined when any of them is missing (unknown product, warehouse or location, or the
 * product's first stock in this warehouse): the caller takes the long way, which says what is
 * missing or creates the level.
 *
 * On PostgreSQL a statement that waited for a row lock reads the locked rows again as they are
 * now, but it does not see rows inserted after it began: a slot the level's previous holder
 * created. Slots only change under their level's lock, and the level counts what its slots hold,
 * so when the slots read do not add up to the level the caller reads them again (lockLocatedSlots);
 * a new slot that holds nothing is harmless (the change's write of a new slot is an upsert).
 */
export async function lockChangeTarget(
  trx: Trx,
  engine: Engine,
  key: LevelKey,
  idlocation: number | null,
): Promise<{ target: ChangeTargetRow; slots: LocatedSlotRow[]; complete: boolean } | undefined> {
  const { idaccount, idproduct, idwarehouse } = key;
  const rows =
    idlocation === null
      ? await run<FootprintRow>(trx, engine, footprintAnywhere, [idwarehouse, idaccount, idproduct])
      : await run<FootprintRow>(trx, engine, footprintAt, [idlocation, idwarehouse, idaccount, idproduct]);
  const first = rows[0];
  if (!first) return undefined;
  const target: ChangeTargetRow = {
    idproduct: first.idproduct,
    productcode: first.productcode,
    name: first.name,
    type: first.type,
    active: first.active,
    idwarehouse: first.idwarehouse,
    stock: first.stock,
    reserved_picklists: first.reserved_picklists,
    reserved_backorders: first.reserved_backorders,
    reserved_allocations: first.reserved_allocations,
    location_idwarehouse: first.location_idwarehouse,
  };
  const slots = rows.map((r): LocatedSlotRow => ({
    slot: r.slot,
    stock: r.slot_stock,
    reserved_picklists: r.slot_reserved_picklists,
    location_idwarehouse: r.slot_location_idwarehouse,
    name: r.slot_name,
    is_bulk_location: r.slot_is_bulk_location,
  }));
  const sum = (f: (s: LocatedSlotRow) => number) => slots.reduce((n, s) => n + f(s), 0);
  const complete =
    sum((s) => s.stock) === target.stock && sum((s) => s.reserved_picklists) === target.reserved_picklists;
  return { target, slots, complete };
}

const slotsOfLevel = statement(
  `select s.slot, s.stock, s.reserved_picklists, loc.idwarehouse as location_idwarehouse, loc.name,
     loc.is_bulk_location
   from location_stock s
   left join locations loc on loc.idaccount = s.idaccount and loc.idlocation = s.slot
   where s.idaccount = ? and s.idproduct = ? and s.idwarehouse = ?
   order by s.slot`,
  'for no key update of s',
);

/**
 * The slots of a level the caller has locked, locked in slot order (the order after their level),
 * with their locations. Read after the level's lock was granted, it sees what the level's previous
 * holder committed (the footprint's slots may not: see lockChangeTarget).
 */
export async function lockLocatedSlots(trx: Trx, engine: Engine, key: LevelKey): Promise<LocatedSlotRow[]> {
  return run<LocatedSlotRow>(trx, engine, slotsOfLevel, [key.idaccount, key.idproduct, key.idwarehouse]);
}

// Under the level's lock the caller knows whether the slot exists: an UPDATE, or an INSERT of a new
// slot, whose change is positive (a negative one on an empty slot breaks the rules). The INSERT is
// an upsert all the same: an empty slot created meanwhile may be missing from the footprint read
// (lockChangeTarget). An upsert with a negative change would fail its proposed row's CHECK.
const SLOT_UPDATE = `update location_stock set stock = stock + ?
  where idaccount = ? and idproduct = ? and idwarehouse = ? and slot = ?`;
const SLOT_INSERT = `insert into location_stock (stock, idaccount, idproduct, idwarehouse, slot, reserved_picklists)
  values (?, ?, ?, ?, ?, 0)
  on conflict (idaccount, idproduct, idwarehouse, slot) do update set stock = location_stock.stock + excluded.stock`;
const LEVEL_UPDATE = `update stock_levels set stock = stock + ?, updated = ?
  where idaccount = ? and idproduct = ? and idwarehouse = ?`;
const HISTORY_INSERT = `insert into stock_history (idaccount, idproduct, idwarehouse, idlocation, old_stock,
    stock_change, new_stock, location_old_stock, location_stock_change, location_new_stock, reason,
    change_type, reference_type, reference_id, changed_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  returning idproduct_stock_history`;
const slotUpdate = statement(SLOT_UPDATE);
const slotInsert = statement(SLOT_INSERT);
const levelUpdate = statement(LEVEL_UPDATE);
const historyInsert = statement(HISTORY_INSERT);
// PostgreSQL: the three writes in one statement (data-modifying WITHs run whether read or not).
const changeWrites = (slotWrite: string) =>
  statement(`with s as (${slotWrite}), l as (${LEVEL_UPDATE}) ${HISTORY_INSERT}`);
const changeWritesUpdate = changeWrites(SLOT_UPDATE);
const changeWritesInsert = changeWrites(SLOT_INSERT);

/**
 * Writes a decided stock change of one slot of a locked level: the slot (created when it is new),
 * the level, and the ledger row, each once. One statement on PostgreSQL, three on SQLite (each a
 * prepared statement in-process). CHECK constraints stay the last line of defence. Answers the
 * ledger row's id.
 */
export async function writeStockChange(
  trx: Trx,
  engine: Engine,
  key: LevelKey,
  slot: { slot: number; isNew: boolean },
  history: HistoryInsert,
  now: string,
): Promise<number> {
  const { idaccount, idproduct, idwarehouse } = key;
  const change = history.stock_change;
  // The same parameters for both slot statements: the change first, then the slot's key.
  const slotParams = [change, idaccount, idproduct, idwarehouse, slot.slot];
  const levelParams = [change, now, idaccount, idproduct, idwarehouse];
  const historyParams = [
    history.idaccount,
    history.idproduct,
    history.idwarehouse,
    history.idlocation,
    history.old_stock,
    history.stock_change,
    history.new_stock,
    history.location_old_stock,
    history.location_stock_change,
    history.location_new_stock,
    history.reason,
    history.change_type,
    history.reference_type,
    history.reference_id,
    history.changed_at,
  ];
  type Id = { idproduct_stock_history: number };
  if (engine === 'postgres')
    return (
      await run<Id>(trx, engine, slot.isNew ? changeWritesInsert : changeWritesUpdate, [
        ...slotParams,
        ...levelParams,
        ...historyParams,
      ])
    )[0]!.idproduct_stock_history;
  await run(trx, engine, slot.isNew ? slotInsert : slotUpdate, slotParams);
  await run(trx, engine, levelUpdate, levelParams);
  return (await run<Id>(trx, engine, historyInsert, historyParams))[0]!.idproduct_stock_history;
}
