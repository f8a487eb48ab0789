import { sql, type Insertable, type Updateable } from 'kysely';
import type { Engine } from '../../db/engine.ts';
import type {
  CustomersTable,
  LocationsTable,
  ProductsTable,
  SuppliersTable,
  WarehousesTable,
} from '../../db/schema.ts';
import type { Db, Trx } from '../../db/transaction.ts';
import { readInChunks } from '../../db/values.ts';

/** SQL of the catalog: warehouses, locations, products and their parts, customers, suppliers. */

type Patch<T> = Omit<Updateable<T>, 'idaccount' | 'created'>;

/**
 * Row locks on PostgreSQL (SQLite's write transaction already excludes everyone else):
 * `update` before a delete; `no key update` before an update (it still lets other transactions
 * insert rows that reference this one); `share` to keep the row as read until commit.
 */
type LockMode = 'update' | 'no key update' | 'share';
function lockClause(engine: Engine, mode: LockMode) {
  if (engine !== 'postgres') return sql``;
  return sql.raw(` for ${mode}`);
}

/** A LIKE pattern matching `term` anywhere, with LIKE's wildcards escaped (used with `escape '\'`). */
const containsPattern = (term: string) => `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

// Warehouses

export async function findWarehouse(db: Db, idaccount: number, idwarehouse: number) {
  return db
    .selectFrom('warehouses')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idwarehouse', '=', idwarehouse)
    .executeTakeFirst();
}

export async function listWarehouses(db: Db, idaccount: number, offset: number, limit: number) {
  return db
    .selectFrom('warehouses')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .orderBy('idwarehouse')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function warehouseIds(db: Db, idaccount: number): Promise<number[]> {
  const rows = await db
    .selectFrom('warehouses')
    .select('idwarehouse')
    .where('idaccount', '=', idaccount)
    .orderBy('idwarehouse')
    .execute();
  return rows.map((r) => r.idwarehouse);
}

export async function insertWarehouse(trx: Trx, row: Omit<WarehousesTable, 'idwarehouse'>): Promise<number> {
  const r = await trx.insertInto('warehouses').values(row).returning('idwarehouse').executeTakeFirstOrThrow();
  return r.idwarehouse;
}

export async function updateWarehouse(
  trx: Trx,
  idaccount: number,
  idwarehouse: number,
  patch: Patch<WarehousesTable>,
): Promise<void> {
  await trx
    .updateTable('warehouses')
    .set(patch)
    .where('idaccount', '=', idaccount)
    .where('idwarehouse', '=', idwarehouse)
    .execute();
}

// Locations

export async function findLocation(db: Db, idaccount: number, idlocation: number) {
  return db
    .selectFrom('locations')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idlocation', '=', idlocation)
    .executeTakeFirst();
}

/** Reads and locks a location row; a stock change holds it shared so a delete cannot slip in between. */
export async function lockLocation(
  trx: Trx,
  engine: Engine,
  mode: LockMode,
  idaccount: number,
  idlocation: number,
) {
  const q = trx
    .selectFrom('locations')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idlocation', '=', idlocation);
  return q.modifyEnd(lockClause(engine, mode)).executeTakeFirst();
}

export async function listLocations(
  db: Db,
  idaccount: number,
  f: {
    idwarehouse?: number | undefined;
    name?: string | undefined;
    onlyAvailable?: boolean | undefined;
    offset: number;
    limit: number;
  },
) {
  let q = db.selectFrom('locations').selectAll().where('idaccount', '=', idaccount);
  if (f.idwarehouse !== undefined) q = q.where('idwarehouse', '=', f.idwarehouse);
  if (f.name !== undefined) q = q.where('name', '=', f.name);
  // A product is linked to a location by its stock slot there (product-locations.repository.ts).
  if (f.onlyAvailable)
    q = q.where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('location_stock as ls')
            .select('ls.slot')
            .whereRef('ls.idaccount', '=', 'locations.idaccount')
            .whereRef('ls.slot', '=', 'locations.idlocation'),
        ),
      ),
    );
  return q.orderBy('idlocation').limit(f.limit).offset(f.offset).execute();
}

/** Locations of a warehouse by id, for naming slots in stock answers. */
export async function locationsOfWarehouse(db: Db, idaccount: number, idwarehouse: number) {
  return db
    .selectFrom('locations')
    .select(['idlocation', 'idwarehouse', 'name', 'is_bulk_location'])
    .where('idaccount', '=', idaccount)
    .where('idwarehouse', '=', idwarehouse)
    .orderBy('idlocation')
    .execute();
}

export async function insertLocation(trx: Trx, row: Omit<LocationsTable, 'idlocation'>): Promise<number> {
  const r = await trx.insertInto('locations').values(row).returning('idlocation').executeTakeFirstOrThrow();
  return r.idlocation;
}

export async function updateLocation(
  trx: Trx,
  idaccount: number,
  idlocation: number,
  patch: Patch<LocationsTable>,
): Promise<void> {
  await trx
    .updateTable('locations')
    .set(patch)
    .where('idaccount', '=', idaccount)
    .where('idlocation', '=', idlocation)
    .execute();
}

export async function deleteLocation(trx: Trx, idaccount: number, idlocation: number): Promise<void> {
  await trx
    .deleteFrom('locations')
    .where('idaccount', '=', idaccount)
    .where('idlocation', '=', idlocation)
    .execute();
}

export async function countChildLocations(db: Db, idaccount: number, idlocation: number): Promise<number> {
  const r = await db
    .selectFrom('locations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('idaccount', '=', idaccount)
    .where('parent_idlocation', '=', idlocation)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// Products

export async function findProduct(db: Db, idaccount: number, idproduct: number) {
  return db
    .selectFrom('products')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idproduct', '=', idproduct)
    .executeTakeFirst();
}

/** Several products by id (those that exist), for answers that show many. */
export async function findProducts(db: Db, idaccount: number, idproducts: readonly number[]) {
  return readInChunks(idproducts, (ids) =>
    db
      .selectFrom('products')
      .selectAll()
      .where('idaccount', '=', idaccount)
      .where('idproduct', 'in', ids)
      .execute(),
  );
}

/** The product codes of several products (what picklist answers show of them). */
export async function productCodes(db: Db, idaccount: number, idproducts: readonly number[]) {
  return readInChunks(idproducts, (ids) =>
    db
      .selectFrom('products')
      .select(['idproduct', 'productcode'])
      .where('idaccount', '=', idaccount)
      .where('idproduct', 'in', ids)
      .execute(),
  );
}

/** Reads and locks a product row: shared by stock changes, for no key update by a change of its type. */
export async function lockProduct(
  trx: Trx,
  engine: Engine,
  mode: LockMode,
  idaccount: number,
  idproduct: number,
) {
  return trx
    .selectFrom('products')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idproduct', '=', idproduct)
    .modifyEnd(lockClause(engine, mode))
    .executeTakeFirst();
}

/**
 * A stock change's first statement: the product locked shared, and whether the warehouse exists
 * (warehouse_found null when not). Undefined for an unknown product.
 */
export async function lockProductSharedWithWarehouse(
  trx: Trx,
  engine: Engine,
  idaccount: number,
  idproduct: number,
  idwarehouse: number,
) {
  const q = trx
    .selectFrom('products')
    .leftJoin('warehouses', (j) =>
      j
        .onRef('warehouses.idaccount', '=', 'products.idaccount')
        .on('warehouses.idwarehouse', '=', idwarehouse),
    )
    .selectAll('products')
    .select('warehouses.idwarehouse as warehouse_found')
    .where('products.idaccount', '=', idaccount)
    .where('products.idproduct', '=', idproduct);
  return (engine === 'postgres' ? q.forShare('products') : q).executeTakeFirst();
}

/** Locks product rows shared in id order, in one statement (no lock on SQLite: see lockClause). */
export async function lockProductsShared(
  trx: Trx,
  engine: Engine,
  idaccount: number,
  idproducts: readonly number[],
) {
  if (idproducts.length === 0) return [];
  return trx
    .selectFrom('products')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where(
      'idproduct',
      'in',
      [...new Set(idproducts)].sort((a, b) => a - b),
    )
    .orderBy('idproduct')
    .modifyEnd(lockClause(engine, 'share'))
    .execute();
}

export async function findProductByCode(db: Db, idaccount: number, productcode: string) {
  return db
    .selectFrom('products')
    .select('idproduct')
    .where('idaccount', '=', idaccount)
    .where('productcode', '=', productcode)
    .executeTakeFirst();
}

export interface ProductFilter {
  productcode?: string | undefined;
  search?: string | undefined;
  type?: string | undefined;
  idsupplier?: number | undefined;
  /** Only these products (idproducts=1,2). */
  idproducts?: readonly number[] | undefined;
  includeInactive: boolean;
  offset: number;
  limit: number;
}

export async function listProducts(db: Db, idaccount: number, f: ProductFilter) {
  let q = db.selectFrom('products').selectAll().where('idaccount', '=', idaccount);
  if (!f.includeInactive) q = q.where('active', '=', 1);
  if (f.productcode !== undefined) q = q.where('productcode', '=', f.productcode);
  if (f.type !== undefined) q = q.where('type', '=', f.type);
  if (f.idsupplier !== undefined) q = q.where('idsupplier', '=', f.idsupplier);
  if (f.idproducts !== undefined) {
    if (f.idproducts.length === 0) return [];
    q = q.where('idproduct', 'in', f.idproducts);
  }
  if (f.search !== undefined) {
    const pattern = containsPattern(f.search);
    q = q.where(
      (eb) =>
        sql<boolean>`(lower(${eb.ref('name')}) like ${pattern} escape '\\' or lower(${eb.ref('productcode')}) like ${pattern} escape '\\' or lower(coalesce(${eb.ref('barcode')}, '')) like ${pattern} escape '\\')`,
    );
  }
  return q.orderBy('idproduct').limit(f.limit).offset(f.offset).execute();
}

export async function insertProduct(trx: Trx, row: Insertable<ProductsTable>): Promise<number> {
  const r = await trx.insertInto('products').values(row).returning('idproduct').executeTakeFirstOrThrow();
  return r.idproduct;
}

export async function updateProduct(
  trx: Trx,
  idaccount: number,
  idproduct: number,
  patch: Patch<ProductsTable>,
): Promise<void> {
  await trx
    .updateTable('products')
    .set(patch)
    .where('idaccount', '=', idaccount)
    .where('idproduct', '=', idproduct)
    .execute();
}

export type ProductRow = NonNullable<Awaited<ReturnType<typeof findProduct>>>;
export type WarehouseRow = NonNullable<Awaited<ReturnType<typeof findWarehouse>>>;
export type LocationRow = NonNullable<Awaited<ReturnType<typeof findLocation>>>;

// Composition parts

const partColumns = [
  'product_parts.idproduct_part',
  'product_parts.idproduct',
  'product_parts.amount',
  'products.productcode',
  'products.name',
  'products.type',
] as const;

function partsQuery(db: Db, idaccount: number) {
  return db
    .selectFrom('product_parts')
    .innerJoin('products', (j) =>
      j
        .onRef('products.idaccount', '=', 'product_parts.idaccount')
        .onRef('products.idproduct', '=', 'product_parts.idproduct'),
    )
    .select(partColumns)
    .where('product_parts.idaccount', '=', idaccount);
}

export async function listParts(db: Db, idaccount: number, idparent: number) {
  return partsQuery(db, idaccount)
    .where('product_parts.idparent', '=', idparent)
    .orderBy('product_parts.idproduct_part')
    .execute();
}

export async function findPart(db: Db, idaccount: number, idparent: number, idproduct_part: number) {
  return partsQuery(db, idaccount)
    .where('product_parts.idparent', '=', idparent)
    .where('product_parts.idproduct_part', '=', idproduct_part)
    .executeTakeFirst();
}

export type PartRow = NonNullable<Awaited<ReturnType<typeof findPart>>>;

export async function findPartByProduct(db: Db, idaccount: number, idparent: number, idproduct: number) {
  return db
    .selectFrom('product_parts')
    .select('idproduct_part')
    .where('idaccount', '=', idaccount)
    .where('idparent', '=', idparent)
    .where('idproduct', '=', idproduct)
    .executeTakeFirst();
}

/** How many compositions use the product as a part. */
export async function countCompositionsUsing(db: Db, idaccount: number, idproduct: number): Promise<number> {
  const r = await db
    .selectFrom('product_parts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('idaccount', '=', idaccount)
    .where('idproduct', '=', idproduct)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function countParts(db: Db, idaccount: number, idparent: number): Promise<number> {
  const r = await db
    .selectFrom('product_parts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('idaccount', '=', idaccount)
    .where('idparent', '=', idparent)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertPart(
  trx: Trx,
  row: { idaccount: number; idparent: number; idproduct: number; amount: number },
): Promise<number> {
  const r = await trx
    .insertInto('product_parts')
    .values(row)
    .returning('idproduct_part')
    .executeTakeFirstOrThrow();
  return r.idproduct_part;
}

export async function updatePartAmount(
  trx: Trx,
  idaccount: number,
  idproduct_part: number,
  amount: number,
): Promise<void> {
  await trx
    .updateTable('product_parts')
    .set({ amount })
    .where('idaccount', '=', idaccount)
    .where('idproduct_part', '=', idproduct_part)
    .execute();
}

export async function deletePart(trx: Trx, idaccount: number, idproduct_part: number): Promise<void> {
  await trx
    .deleteFrom('product_parts')
    .where('idaccount', '=', idaccount)
    .where('idproduct_part', '=', idproduct_part)
    .execute();
}

// Customers and suppliers (the same columns in two tables)

export interface PartyFilter {
  search?: string | undefined;
  /** Customers only: the customer number, exactly. */
  customerid?: string | undefined;
  offset: number;
  limit: number;
}

export async function findCustomer(db: Db, idaccount: number, idcustomer: number) {
  return db
    .selectFrom('customers')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idcustomer', '=', idcustomer)
    .executeTakeFirst();
}

export async function listCustomers(db: Db, idaccount: number, f: PartyFilter) {
  let q = db.selectFrom('customers').selectAll().where('idaccount', '=', idaccount);
  if (f.customerid !== undefined) q = q.where('customerid', '=', f.customerid);
  if (f.search !== undefined) {
    const pattern = containsPattern(f.search);
    q = q.where(
      (eb) =>
        sql<boolean>`(lower(${eb.ref('name')}) like ${pattern} escape '\\' or lower(coalesce(${eb.ref('emailaddress')}, '')) like ${pattern} escape '\\' or lower(coalesce(${eb.ref('customerid')}, '')) like ${pattern} escape '\\')`,
    );
  }
  return q.orderBy('idcustomer').limit(f.limit).offset(f.offset).execute();
}

export async function insertCustomer(trx: Trx, row: Omit<CustomersTable, 'idcustomer'>): Promise<number> {
  const r = await trx.insertInto('customers').values(row).returning('idcustomer').executeTakeFirstOrThrow();
  return r.idcustomer;
}

export async function updateCustomer(
  trx: Trx,
  idaccount: number,
  idcustomer: number,
  patch: Patch<CustomersTable>,
): Promise<void> {
  await trx
    .updateTable('customers')
    .set(patch)
    .where('idaccount', '=', idaccount)
    .where('idcustomer', '=', idcustomer)
    .execute();
}

export async function findSupplier(db: Db, idaccount: number, idsupplier: number) {
  return db
    .selectFrom('suppliers')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idsupplier', '=', idsupplier)
    .executeTakeFirst();
}

export async function listSuppliers(db: Db, idaccount: number, f: PartyFilter) {
  let q = db.selectFrom('suppliers').selectAll().where('idaccount', '=', idaccount);
  if (f.search !== undefined) {
    const pattern = containsPattern(f.search);
    q = q.where((eb) => sql<boolean>`lower(${eb.ref('name')}) like ${pattern} escape '\\'`);
  }
  return q.orderBy('idsupplier').limit(f.limit).offset(f.offset).execute();
}

export async function insertSupplier(trx: Trx, row: Omit<SuppliersTable, 'idsupplier'>): Promise<number> {
  const r = await trx.insertInto('suppliers').values(row).returning('idsupplier').executeTakeFirstOrThrow();
  return r.idsupplier;
}

export async function updateSupplier(
  trx: Trx,
  idaccount: number,
  idsupplier: number,
  patch: Patch<SuppliersTable>,
): Promise<void> {
  await trx
    .updateTable('suppliers')
    .set(patch)
    .where('idaccount', '=', idaccount)
    .where('idsupplier', '=', idsupplier)
    .execute();
}

export type CustomerRow = NonNullable<Awaited<ReturnType<typeof findCustomer>>>;
export type SupplierRow = NonNullable<Awaited<ReturnType<typeof findSupplier>>>;

/**
 * Products of the account with these productcodes, locked against other writers (PostgreSQL: FOR
 * NO KEY UPDATE, in idproduct order, the order every product lock follows); for batch imports.
 */
export async function lockProductsByCodes(
  trx: Trx,
  engine: Engine,
  idaccount: number,
  productcodes: readonly string[],
) {
  if (productcodes.length === 0) return [];
  const q = trx
    .selectFrom('products')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('productcode', 'in', productcodes)
    .orderBy('idproduct');
  return (engine === 'postgres' ? q.forNoKeyUpdate() : q).execute();
}

/** The ids among these that are suppliers of the account. */
export async function existingSupplierIds(db: Db, idaccount: number, ids: readonly number[]) {
  if (ids.length === 0) return new Set<number>();
  const rows = await db
    .selectFrom('suppliers')
    .select('idsupplier')
    .where('idaccount', '=', idaccount)
    .where('idsupplier', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.idsupplier));
}

/** Changes to a product's own fields (batch imports build them field by field). */
export type ProductPatch = Omit<Patch<ProductsTable>, 'idproduct' | 'productcode' | 'updated' | 'type'>;

/** Products of the account with these productcodes (unlocked reads; at most a few thousand codes). */
export async function findProductsByCodes(db: Db, idaccount: number, productcodes: readonly string[]) {
  if (productcodes.length === 0) return [];
  return db
    .selectFrom('products')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('productcode', 'in', productcodes)
    .execute();
}

/** Inserts many products in one statement; answers their ids in the order given. */
export async function insertProducts(
  trx: Trx,
  rows: readonly Insertable<ProductsTable>[],
): Promise<number[]> {
  if (rows.length === 0) return [];
  const inserted = await trx
    .insertInto('products')
    .values(rows)
    .returning(['idproduct', 'productcode'])
    .execute();
  const ids = new Map(inserted.map((r) => [r.productcode, r.idproduct]));
  return rows.map((r) => ids.get(r.productcode)!);
}
