import { sql } from 'kysely';
import type { Engine } from '../../db/engine.ts';
import { forNoKeyUpdate, type Db, type Trx } from '../../db/transaction.ts';
import type { Insertable, Updateable } from 'kysely';
import type { PurchaseOrderProductsTable, PurchaseOrdersTable } from '../../db/schema.ts';

/**
 * SQL of purchasing: purchase orders, their lines and comments. Reads of line details join the
 * product (code, name, weight) and of orders the supplier (name), so a page of orders costs two
 * queries whatever its size.
 */

export type PurchaseOrderRow = Awaited<ReturnType<typeof findPurchaseOrder>> & {};
export type LineRow = Awaited<ReturnType<typeof linesOf>>[number];

const poColumns = [
  'po.idaccount',
  'po.idpurchaseorder',
  'po.purchaseorderid',
  'po.idsupplier',
  'po.supplier_name',
  'po.supplier_orderid',
  'po.idwarehouse',
  'po.idtemplate',
  'po.status',
  'po.remarks',
  'po.delivery_date',
  'po.language',
  'po.purchased_at',
  'po.completed_at',
  'po.created',
  'po.updated',
] as const;

export async function findPurchaseOrder(db: Db, idaccount: number, idpurchaseorder: number) {
  return db
    .selectFrom('purchaseorders as po')
    .select(poColumns)
    .where('po.idaccount', '=', idaccount)
    .where('po.idpurchaseorder', '=', idpurchaseorder)
    .executeTakeFirst();
}

/** Locks purchase orders in id order (the lock order inside purchasing: orders, then their lines). */
export async function lockPurchaseOrders(
  trx: Trx,
  engine: Engine,
  idaccount: number,
  ids: readonly number[],
) {
  if (ids.length === 0) return [];
  return forNoKeyUpdate(
    engine,
    trx
      .selectFrom('purchaseorders as po')
      .select(poColumns)
      .where('po.idaccount', '=', idaccount)
      .where('po.idpurchaseorder', 'in', [...ids])
      .orderBy('po.idpurchaseorder'),
  ).execute();
}

/** Locks every line of the given orders, in line id order. */
export async function lockLinesOf(
  trx: Trx,
  engine: Engine,
  idaccount: number,
  idpurchaseorders: readonly number[],
) {
  if (idpurchaseorders.length === 0) return [];
  return forNoKeyUpdate(
    engine,
    trx
      .selectFrom('purchaseorder_products')
      .selectAll()
      .where('idaccount', '=', idaccount)
      .where('idpurchaseorder', 'in', [...idpurchaseorders])
      .orderBy('idpurchaseorder_product'),
  ).execute();
}

export interface PurchaseOrderFilter {
  status?: string | undefined;
  search?: string | undefined;
  updatedAfter?: string | undefined;
  idsupplier?: number | undefined;
  idwarehouse?: number | undefined;
  offset: number;
  limit: number;
}

const likePattern = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function listPurchaseOrders(db: Db, idaccount: number, f: PurchaseOrderFilter) {
  let q = db
    .selectFrom('purchaseorders as po')
    .leftJoin('suppliers as s', (j) =>
      j.onRef('s.idaccount', '=', 'po.idaccount').onRef('s.idsupplier', '=', 'po.idsupplier'),
    )
    .select(poColumns)
    .where('po.idaccount', '=', idaccount);
  if (f.status) q = q.where('po.status', '=', f.status);
  if (f.updatedAfter) q = q.where('po.updated', '>', f.updatedAfter);
  if (f.idsupplier) q = q.where('po.idsupplier', '=', f.idsupplier);
  if (f.idwarehouse) q = q.where('po.idwarehouse', '=', f.idwarehouse);
  if (f.search) {
    const p = likePattern(f.search);
    const like = (col: string) => sql<boolean>`lower(${sql.ref(col)}) like ${p} escape '\\'`;
    q = q.where((eb) =>
      eb.or([
        like('po.purchaseorderid'),
        like('po.supplier_orderid'),
        like('po.supplier_name'),
        like('s.name'),
      ]),
    );
  }
  return q.orderBy('po.idpurchaseorder').offset(f.offset).limit(f.limit).execute();
}

export async function insertPurchaseOrder(trx: Trx, row: Insertable<PurchaseOrdersTable>): Promise<number> {
  const r = await trx
    .insertInto('purchaseorders')
    .values(row)
    .returning('idpurchaseorder')
    .executeTakeFirstOrThrow();
  return Number(r.idpurchaseorder);
}

export async function updatePurchaseOrder(
  trx: Trx,
  idaccount: number,
  idpurchaseorder: number,
  set: Updateable<PurchaseOrdersTable>,
): Promise<void> {
  await trx
    .updateTable('purchaseorders')
    .set(set)
    .where('idaccount', '=', idaccount)
    .where('idpurchaseorder', '=', idpurchaseorder)
    .execute();
}

/** Lines with the product details a purchase order shows, in line id order. */
export async function linesOf(db: Db, idaccount: number, idpurchaseorders: readonly number[]) {
  if (idpurchaseorders.length === 0) return [];
  return db
    .selectFrom('purchaseorder_products as l')
    .innerJoin('products as p', (j) =>
      j.onRef('p.idaccount', '=', 'l.idaccount').onRef('p.idproduct', '=', 'l.idproduct'),
    )
    .select([
      'l.idpurchaseorder_product',
      'l.idpurchaseorder',
      'l.idproduct',
      'l.price',
      'l.amount',
      'l.amountreceived',
      'l.delivery_date',
      'l.added_by_receipt',
      'p.productcode',
      'p.productcode_supplier',
      'p.name',
      'p.weight',
    ])
    .where('l.idaccount', '=', idaccount)
    .where('l.idpurchaseorder', 'in', [...idpurchaseorders])
    .orderBy('l.idpurchaseorder_product')
    .execute();
}

export async function findLine(db: Db, idaccount: number, idpurchaseorder_product: number) {
  return db
    .selectFrom('purchaseorder_products')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idpurchaseorder_product', '=', idpurchaseorder_product)
    .executeTakeFirst();
}

export async function insertLine(trx: Trx, row: Insertable<PurchaseOrderProductsTable>): Promise<number> {
  const r = await trx
    .insertInto('purchaseorder_products')
    .values(row)
    .returning('idpurchaseorder_product')
    .executeTakeFirstOrThrow();
  return Number(r.idpurchaseorder_product);
}

export async function updateLine(
  trx: Trx,
  idaccount: number,
  idpurchaseorder_product: number,
  set: Updateable<PurchaseOrderProductsTable>,
): Promise<void> {
  // A PUT without fields changes nothing here (an empty SET is an SQL syntax error).
  if (Object.keys(set).length === 0) return;
  await trx
    .updateTable('purchaseorder_products')
    .set(set)
    .where('idaccount', '=', idaccount)
    .where('idpurchaseorder_product', '=', idpurchaseorder_product)
    .execute();
}

/**
 * Relative change of what a line received (and, for lines a receipt added, of its amount). The
 * condition keeps amountreceived within 0..amount even if a caller's arithmetic were wrong; the
 * CHECK constraint is the last line of defence. Returns false when the condition refused the change.
 */
export async function adjustReceived(
  trx: Trx,
  idaccount: number,
  idpurchaseorder_product: number,
  received: number,
  amount = 0,
): Promise<boolean> {
  const r = await trx
    .updateTable('purchaseorder_products')
    .set((eb) => ({
      amountreceived: eb('amountreceived', '+', received),
      amount: eb('amount', '+', amount),
    }))
    .where('idaccount', '=', idaccount)
    .where('idpurchaseorder_product', '=', idpurchaseorder_product)
    .where(sql<boolean>`amountreceived + ${received} between 0 and amount + ${amount}`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteLine(
  trx: Trx,
  idaccount: number,
  idpurchaseorder_product: number,
): Promise<void> {
  await trx
    .deleteFrom('purchaseorder_products')
    .where('idaccount', '=', idaccount)
    .where('idpurchaseorder_product', '=', idpurchaseorder_product)
    .execute();
}

/**
 * Open ordered lines of purchased orders for one product in one warehouse: the supply that
 * expected availability consumes. Lines a receipt added are never expected.
 */
export async function supplyFor(db: Db, idaccount: number, idproduct: number, idwarehouse: number) {
  return db
    .selectFrom('purchaseorder_products as l')
    .innerJoin('purchaseorders as po', (j) =>
      j.onRef('po.idaccount', '=', 'l.idaccount').onRef('po.idpurchaseorder', '=', 'l.idpurchaseorder'),
    )
    .select([
      'l.idpurchaseorder',
      'l.idpurchaseorder_product',
      'l.amount',
      'l.amountreceived',
      sql<string | null>`coalesce(l.delivery_date, po.delivery_date)`.as('date'),
    ])
    .where('l.idaccount', '=', idaccount)
    .where('l.idproduct', '=', idproduct)
    .where('po.idwarehouse', '=', idwarehouse)
    .where('po.status', '=', 'purchased')
    .where('l.added_by_receipt', '=', 0)
    .whereRef('l.amountreceived', '<', 'l.amount')
    .execute();
}

/** Open ordered lines of purchased orders of one product in every warehouse. */
export async function openLinesOfProduct(db: Db, idaccount: number, idproduct: number) {
  return openLinesQuery(db, idaccount).where('l.idproduct', '=', idproduct).execute();
}

function openLinesQuery(db: Db, idaccount: number) {
  return db
    .selectFrom('purchaseorder_products as l')
    .innerJoin('purchaseorders as po', (j) =>
      j.onRef('po.idaccount', '=', 'l.idaccount').onRef('po.idpurchaseorder', '=', 'l.idpurchaseorder'),
    )
    .leftJoin('suppliers as s', (j) =>
      j.onRef('s.idaccount', '=', 'po.idaccount').onRef('s.idsupplier', '=', 'po.idsupplier'),
    )
    .select([
      'l.idpurchaseorder',
      'l.idpurchaseorder_product',
      'l.idproduct',
      'l.amount',
      'l.amountreceived',
      'po.purchaseorderid',
      'po.idwarehouse',
      'po.idsupplier',
      sql<string | null>`coalesce(s.name, po.supplier_name)`.as('supplier_name'),
      sql<string | null>`coalesce(l.delivery_date, po.delivery_date)`.as('date'),
    ])
    .where('l.idaccount', '=', idaccount)
    .where('po.status', '=', 'purchased')
    .where('l.added_by_receipt', '=', 0)
    .whereRef('l.amountreceived', '<', 'l.amount')
    .orderBy('l.idpurchaseorder_product');
}

/**
 * Open ordered lines a receipt can fill: of one purchase order, or of every purchased order of a
 * supplier in a warehouse; optionally of one product only. Oldest order first.
 */
export async function receivableLines(
  db: Db,
  idaccount: number,
  target: { idpurchaseorder: number } | { idsupplier: number; idwarehouse: number },
  idproduct?: number,
) {
  let q = db
    .selectFrom('purchaseorder_products as l')
    .innerJoin('purchaseorders as po', (j) =>
      j.onRef('po.idaccount', '=', 'l.idaccount').onRef('po.idpurchaseorder', '=', 'l.idpurchaseorder'),
    )
    .innerJoin('products as p', (j) =>
      j.onRef('p.idaccount', '=', 'l.idaccount').onRef('p.idproduct', '=', 'l.idproduct'),
    )
    .select([
      'l.idpurchaseorder',
      'l.idpurchaseorder_product',
      'l.idproduct',
      'l.amount',
      'l.amountreceived',
      'po.purchaseorderid',
      'p.productcode',
      'p.name',
      sql<string | null>`coalesce(l.delivery_date, po.delivery_date)`.as('delivery_date'),
    ])
    .where('l.idaccount', '=', idaccount)
    .where('l.added_by_receipt', '=', 0)
    .whereRef('l.amountreceived', '<', 'l.amount');
  if ('idpurchaseorder' in target) q = q.where('l.idpurchaseorder', '=', target.idpurchaseorder);
  else
    q = q
      .where('po.idsupplier', '=', target.idsupplier)
      .where('po.idwarehouse', '=', target.idwarehouse)
      .where('po.status', '=', 'purchased');
  if (idproduct !== undefined) q = q.where('l.idproduct', '=', idproduct);
  return q.orderBy('l.idpurchaseorder').orderBy('l.idpurchaseorder_product').execute();
}

/** The line a receipt added for a product on an order, if any. */
export async function addedLineOf(db: Db, idaccount: number, idpurchaseorder: number, idproduct: number) {
  return db
    .selectFrom('purchaseorder_products')
    .select('idpurchaseorder_product')
    .where('idaccount', '=', idaccount)
    .where('idpurchaseorder', '=', idpurchaseorder)
    .where('idproduct', '=', idproduct)
    .where('added_by_receipt', '=', 1)
    .orderBy('idpurchaseorder_product')
    .executeTakeFirst();
}

// Comments (the generic comments table, rows with source_type 'purchaseorder')

export async function insertComment(
  trx: Trx,
  row: { idaccount: number; source_type: string; source_id: number; body: string; created_at: string },
): Promise<number> {
  const r = await trx
    .insertInto('comments')
    .values({ ...row, updated_at: row.created_at })
    .returning('idcomment')
    .executeTakeFirstOrThrow();
  return Number(r.idcomment);
}

export async function commentsOf(db: Db, idaccount: number, source_type: string, source_id: number) {
  return db
    .selectFrom('comments')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('source_type', '=', source_type)
    .where('source_id', '=', source_id)
    .orderBy('idcomment')
    .execute();
}

export async function commentCounts(db: Db, idaccount: number, source_type: string, ids: readonly number[]) {
  if (ids.length === 0) return new Map<number, number>();
  const rows = await db
    .selectFrom('comments')
    .select(['source_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('idaccount', '=', idaccount)
    .where('source_type', '=', source_type)
    .where('source_id', 'in', [...ids])
    .groupBy('source_id')
    .execute();
  return new Map(rows.map((r) => [r.source_id, Number(r.n)]));
}

/** The default warehouse of new purchase orders: the highest priority (lowest number) that accepts orders. */
export async function defaultWarehouse(db: Db, idaccount: number) {
  return db
    .selectFrom('warehouses')
    .select('idwarehouse')
    .where('idaccount', '=', idaccount)
    .where('accept_orders', '=', 1)
    .where('active', '=', 1)
    .orderBy('priority')
    .orderBy('idwarehouse')
    .executeTakeFirst();
}

export async function findSupplier(db: Db, idaccount: number, idsupplier: number) {
  return db
    .selectFrom('suppliers')
    .select(['name', 'language', 'contactname', 'address', 'address2', 'zipcode', 'city', 'country'])
    .where('idaccount', '=', idaccount)
    .where('idsupplier', '=', idsupplier)
    .executeTakeFirst();
}

/** Supplier names for a page of orders. */
export async function supplierNames(db: Db, idaccount: number, ids: readonly number[]) {
  if (ids.length === 0) return new Map<number, string>();
  const rows = await db
    .selectFrom('suppliers')
    .select(['idsupplier', 'name'])
    .where('idaccount', '=', idaccount)
    .where('idsupplier', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.idsupplier, r.name]));
}
