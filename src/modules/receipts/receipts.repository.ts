import { sql, type Insertable, type Updateable } from 'kysely';
import type { Engine } from '../../db/engine.ts';
import type { ReceiptProductsTable, ReceiptsTable } from '../../db/schema.ts';
import { containsAny } from '../../db/search.ts';
import { forNoKeyUpdate, type Db, type Trx } from '../../db/transaction.ts';

/**
 * SQL of receipts and their received products. Reads for views join the supplier and purchase
 * order (names and numbers), the product (code, name), the location (name) and the purchase order
 * line (ordered amount).
 */

const receiptColumns = [
  'r.idaccount',
  'r.idreceipt',
  'r.receiptid',
  'r.idwarehouse',
  'r.idpurchaseorder',
  'r.idsupplier',
  'r.status',
  'r.version',
  'r.completed_at',
  'r.created',
  'r.updated',
] as const;

function receiptsQuery(db: Db, idaccount: number) {
  return db
    .selectFrom('receipts as r')
    .leftJoin('suppliers as s', (j) =>
      j.onRef('s.idaccount', '=', 'r.idaccount').onRef('s.idsupplier', '=', 'r.idsupplier'),
    )
    .leftJoin('purchaseorders as po', (j) =>
      j.onRef('po.idaccount', '=', 'r.idaccount').onRef('po.idpurchaseorder', '=', 'r.idpurchaseorder'),
    )
    .select([...receiptColumns, 's.name as supplier_name', 'po.purchaseorderid'])
    .where('r.idaccount', '=', idaccount);
}

export type ReceiptRow = NonNullable<Awaited<ReturnType<typeof findReceipt>>>;

export async function findReceipt(db: Db, idaccount: number, idreceipt: number) {
  return receiptsQuery(db, idaccount).where('r.idreceipt', '=', idreceipt).executeTakeFirst();
}

export async function lockReceipt(trx: Trx, engine: Engine, idaccount: number, idreceipt: number) {
  return forNoKeyUpdate(
    engine,
    trx
      .selectFrom('receipts')
      .select(['idreceipt', 'receiptid', 'status', 'idpurchaseorder', 'idsupplier', 'idwarehouse'])
      .where('idaccount', '=', idaccount)
      .where('idreceipt', '=', idreceipt),
  ).executeTakeFirst();
}

export interface ReceiptFilter {
  status?: string | undefined;
  idpurchaseorder?: number | undefined;
  idsupplier?: number | undefined;
  updatedAfter?: string | undefined;
  receiptid?: string | undefined;
  completedAfter?: string | undefined;
  search?: string | undefined;
  offset: number;
  limit: number;
}

export async function listReceipts(db: Db, idaccount: number, f: ReceiptFilter) {
  let q = receiptsQuery(db, idaccount);
  if (f.status) q = q.where('r.status', '=', f.status);
  if (f.idpurchaseorder) q = q.where('r.idpurchaseorder', '=', f.idpurchaseorder);
  if (f.idsupplier) q = q.where('r.idsupplier', '=', f.idsupplier);
  if (f.updatedAfter) q = q.where('r.updated', '>', f.updatedAfter);
  if (f.receiptid !== undefined) q = q.where('r.receiptid', '=', f.receiptid);
  if (f.completedAfter !== undefined) q = q.where('r.completed_at', '>', f.completedAfter);
  if (f.search !== undefined) {
    const term = f.search;
    q = q.where(() => containsAny(['r.receiptid', 's.name', 'po.purchaseorderid'], term));
  }
  return q.orderBy('r.idreceipt').offset(f.offset).limit(f.limit).execute();
}

export async function insertReceipt(trx: Trx, row: Insertable<ReceiptsTable>): Promise<number> {
  const r = await trx.insertInto('receipts').values(row).returning('idreceipt').executeTakeFirstOrThrow();
  return Number(r.idreceipt);
}

export async function updateReceipt(
  trx: Trx,
  idaccount: number,
  idreceipt: number,
  set: Updateable<ReceiptsTable>,
): Promise<void> {
  await trx
    .updateTable('receipts')
    .set(set)
    .where('idaccount', '=', idaccount)
    .where('idreceipt', '=', idreceipt)
    .execute();
}

export async function deleteReceipt(trx: Trx, idaccount: number, idreceipt: number): Promise<void> {
  await trx
    .deleteFrom('receipts')
    .where('idaccount', '=', idaccount)
    .where('idreceipt', '=', idreceipt)
    .execute();
}

export async function insertReceiptProduct(trx: Trx, row: Insertable<ReceiptProductsTable>): Promise<number> {
  const r = await trx
    .insertInto('receipt_products')
    .values(row)
    .returning('idreceipt_product')
    .executeTakeFirstOrThrow();
  return Number(r.idreceipt_product);
}

export type ReceiptProductRow = Awaited<ReturnType<typeof productsOf>>[number];

/** Received products of receipts, with names, in id order. */
export async function productsOf(db: Db, idaccount: number, idreceipts: readonly number[]) {
  if (idreceipts.length === 0) return [];
  return db
    .selectFrom('receipt_products as rp')
    .innerJoin('products as p', (j) =>
      j.onRef('p.idaccount', '=', 'rp.idaccount').onRef('p.idproduct', '=', 'rp.idproduct'),
    )
    .leftJoin('locations as loc', (j) =>
      j.onRef('loc.idaccount', '=', 'rp.idaccount').onRef('loc.idlocation', '=', 'rp.idlocation'),
    )
    .leftJoin('purchaseorder_products as l', (j) =>
      j
        .onRef('l.idaccount', '=', 'rp.idaccount')
        .onRef('l.idpurchaseorder_product', '=', 'rp.idpurchaseorder_product'),
    )
    .select([
      'rp.idreceipt_product',
      'rp.idreceipt',
      'rp.idpurchaseorder',
      'rp.idpurchaseorder_product',
      'rp.idproduct',
      'rp.amount',
      'rp.idlocation',
      'rp.added_by_receipt',
      'rp.created_at',
      'rp.reverted_at',
      'p.productcode',
      'p.name',
      'loc.name as location_name',
      'l.amount as amount_ordered',
    ])
    .where('rp.idaccount', '=', idaccount)
    .where('rp.idreceipt', 'in', [...idreceipts])
    .orderBy('rp.idreceipt_product')
    .execute();
}

export async function findReceiptProduct(db: Db, idaccount: number, idreceipt_product: number) {
  return db
    .selectFrom('receipt_products')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idreceipt_product', '=', idreceipt_product)
    .executeTakeFirst();
}

/** Marks a received product reverted; false when it already was (the condition makes it once only). */
export async function markReverted(trx: Trx, idaccount: number, idreceipt_product: number, at: string) {
  const r = await trx
    .updateTable('receipt_products')
    .set({ reverted_at: at })
    .where('idaccount', '=', idaccount)
    .where('idreceipt_product', '=', idreceipt_product)
    .where('reverted_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The order a supplier receipt created for goods nobody ordered, if it did. */
export async function overflowOrderOf(db: Db, idaccount: number, idreceipt: number) {
  const r = await db
    .selectFrom('receipt_products as rp')
    .innerJoin('purchaseorders as po', (j) =>
      j.onRef('po.idaccount', '=', 'rp.idaccount').onRef('po.idpurchaseorder', '=', 'rp.idpurchaseorder'),
    )
    .select('rp.idpurchaseorder')
    .where('rp.idaccount', '=', idaccount)
    .where('rp.idreceipt', '=', idreceipt)
    .where('rp.added_by_receipt', '=', 1)
    .orderBy('rp.idreceipt_product')
    .executeTakeFirst();
  return r?.idpurchaseorder ?? undefined;
}

export async function countProducts(db: Db, idaccount: number, idreceipt: number): Promise<number> {
  const r = await db
    .selectFrom('receipt_products')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('idaccount', '=', idaccount)
    .where('idreceipt', '=', idreceipt)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function lineHasReceipts(db: Db, idaccount: number, idpurchaseorder_product: number) {
  const r = await db
    .selectFrom('receipt_products')
    .select(sql<number>`1`.as('x'))
    .where('idaccount', '=', idaccount)
    .where('idpurchaseorder_product', '=', idpurchaseorder_product)
    .executeTakeFirst();
  return r !== undefined;
}
