import type { Selectable } from 'kysely';
import type { Engine } from '../../db/engine.ts';
import type { OrderProductsTable, OrdersTable } from '../../db/schema.ts';
import { containsAny } from '../../db/search.ts';
import { forNoKeyUpdate, type Db, type Trx } from '../../db/transaction.ts';

/** All SQL of orders, order lines and stock allocations. */

export type OrderRow = Omit<Selectable<OrdersTable>, 'idaccount'>;
export type OrderLineRow = Omit<Selectable<OrderProductsTable>, 'idaccount'>;

const columns = [
  'idorder',
  'orderid',
  'idcustomer',
  'status',
  'partialdelivery',
  'warehouses',
  'reference',
  'emailaddress',
  'language',
  'deliveryname',
  'deliverycontactname',
  'deliveryaddress',
  'deliveryaddress2',
  'deliveryzipcode',
  'deliverycity',
  'deliveryregion',
  'deliverycountry',
  'allocated',
  'processed_at',
  'completed_at',
  'cancelled_at',
  'created',
  'updated',
] as const;

const lineColumns = [
  'idorder_product',
  'idorder',
  'idproduct',
  'name',
  'remarks',
  'price',
  'amount',
  'amount_cancelled',
  'has_parts',
  'partof_idorder_product',
] as const;

export async function insertOrder(trx: Trx, row: Omit<OrdersTable, 'idorder'>): Promise<number> {
  const r = await trx.insertInto('orders').values(row).returning('idorder').executeTakeFirstOrThrow();
  return r.idorder;
}

export async function findOrder(db: Db, idaccount: number, idorder: number): Promise<OrderRow | undefined> {
  return db
    .selectFrom('orders')
    .select(columns)
    .where('idaccount', '=', idaccount)
    .where('idorder', '=', idorder)
    .executeTakeFirst();
}

export async function findOrders(db: Db, idaccount: number, ids: readonly number[]): Promise<OrderRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('orders')
    .select(columns)
    .where('idaccount', '=', idaccount)
    .where('idorder', 'in', ids)
    .orderBy('idorder')
    .execute();
}

export async function lockOrder(
  trx: Trx,
  engine: Engine,
  idaccount: number,
  idorder: number,
): Promise<OrderRow | undefined> {
  return forNoKeyUpdate(
    engine,
    trx
      .selectFrom('orders')
      .select(columns)
      .where('idaccount', '=', idaccount)
      .where('idorder', '=', idorder),
  ).executeTakeFirst();
}

/**
 * Locks several order rows in id order (a locking SELECT with ORDER BY locks in its output order on
 * PostgreSQL), so batches that share orders queue instead of deadlocking.
 */
export async function lockOrders(
  trx: Trx,
  engine: Engine,
  idaccount: number,
  idorders: readonly number[],
): Promise<OrderRow[]> {
  if (idorders.length === 0) return [];
  return forNoKeyUpdate(
    engine,
    trx
      .selectFrom('orders')
      .select(columns)
      .where('idaccount', '=', idaccount)
      .where('idorder', 'in', idorders)
      .orderBy('idorder'),
  ).execute();
}

export interface OrderFilter {
  status?: string | undefined;
  idcustomer?: number | undefined;
  sinceid?: number | undefined;
  /** Strictly after this datetime. */
  sincedate?: string | undefined;
  reference?: string | undefined;
  orderid?: string | undefined;
  search?: string | undefined;
  beforeid?: number | undefined;
  /** Strictly before this datetime. */
  untildate?: string | undefined;
  emailaddress?: string | undefined;
  offset: number;
  limit: number;
}

export async function listOrders(db: Db, idaccount: number, f: OrderFilter): Promise<OrderRow[]> {
  let q = db.selectFrom('orders').select(columns).where('idaccount', '=', idaccount);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  if (f.idcustomer !== undefined) q = q.where('idcustomer', '=', f.idcustomer);
  if (f.sinceid !== undefined) q = q.where('idorder', '>', f.sinceid);
  if (f.sincedate !== undefined) q = q.where('created', '>', f.sincedate);
  if (f.reference !== undefined) q = q.where('reference', '=', f.reference);
  if (f.orderid !== undefined) q = q.where('orderid', '=', f.orderid);
  if (f.beforeid !== undefined) q = q.where('idorder', '<', f.beforeid);
  if (f.untildate !== undefined) q = q.where('created', '<', f.untildate);
  if (f.emailaddress !== undefined) q = q.where('emailaddress', '=', f.emailaddress);
  if (f.search !== undefined) {
    const term = f.search;
    q = q.where(() => containsAny(['orderid', 'reference', 'deliveryname', 'emailaddress'], term));
  }
  return q.orderBy('idorder').limit(f.limit).offset(f.offset).execute();
}

export async function updateOrder(
  trx: Trx,
  idaccount: number,
  idorder: number,
  patch: Partial<Omit<OrdersTable, 'idaccount' | 'idorder' | 'orderid'>>,
): Promise<void> {
  await trx
    .updateTable('orders')
    .set(patch)
    .where('idaccount', '=', idaccount)
    .where('idorder', '=', idorder)
    .execute();
}

export async function insertLine(
  trx: Trx,
  row: Omit<OrderProductsTable, 'idorder_product'>,
): Promise<number> {
  const r = await trx
    .insertInto('order_products')
    .values(row)
    .returning('idorder_product')
    .executeTakeFirstOrThrow();
  return r.idorder_product;
}

/**
 * Lines of orders, by id. Sorted here, not by ORDER BY: SQLite without statistics would satisfy
 * `order by idorder_product` by walking every line of the account in its (idaccount, id) key
 * instead of searching (idaccount, idorder).
 */
export async function linesOf(
  db: Db,
  idaccount: number,
  idorders: readonly number[],
): Promise<OrderLineRow[]> {
  if (idorders.length === 0) return [];
  const rows = await db
    .selectFrom('order_products')
    .select(lineColumns)
    .where('idaccount', '=', idaccount)
    .where('idorder', 'in', idorders)
    .execute();
  return rows.sort((a, b) => a.idorder_product - b.idorder_product);
}

export async function findLine(
  db: Db,
  idaccount: number,
  idorder_product: number,
): Promise<OrderLineRow | undefined> {
  return db
    .selectFrom('order_products')
    .select(lineColumns)
    .where('idaccount', '=', idaccount)
    .where('idorder_product', '=', idorder_product)
    .executeTakeFirst();
}

export async function updateLine(
  trx: Trx,
  idaccount: number,
  idorder_product: number,
  patch: Partial<Pick<OrderProductsTable, 'amount' | 'price' | 'remarks' | 'has_parts' | 'name'>>,
): Promise<void> {
  // A PUT without fields changes nothing here (an empty SET is an SQL syntax error).
  if (Object.keys(patch).length === 0) return;
  await trx
    .updateTable('order_products')
    .set(patch)
    .where('idaccount', '=', idaccount)
    .where('idorder_product', '=', idorder_product)
    .execute();
}

export async function addCancelled(trx: Trx, idaccount: number, idorder_product: number, amount: number) {
  await trx
    .updateTable('order_products')
    .set((eb) => ({ amount_cancelled: eb('amount_cancelled', '+', amount) }))
    .where('idaccount', '=', idaccount)
    .where('idorder_product', '=', idorder_product)
    .execute();
}

export async function deleteLine(trx: Trx, idaccount: number, idorder_product: number): Promise<void> {
  await trx
    .deleteFrom('order_products')
    .where('idaccount', '=', idaccount)
    .where('idorder_product', '=', idorder_product)
    .execute();
}

export async function allocationsOf(db: Db, idaccount: number, idorder: number) {
  return db
    .selectFrom('allocations')
    .select(['idproduct', 'idwarehouse', 'amount'])
    .where('idaccount', '=', idaccount)
    .where('idorder', '=', idorder)
    .orderBy('idproduct')
    .orderBy('idwarehouse')
    .execute();
}

export async function insertAllocation(
  trx: Trx,
  row: { idaccount: number; idorder: number; idproduct: number; idwarehouse: number; amount: number },
): Promise<void> {
  await trx
    .insertInto('allocations')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['idaccount', 'idorder', 'idproduct', 'idwarehouse']).doUpdateSet((eb) => ({
        amount: eb('allocations.amount', '+', eb.ref('excluded.amount')),
      })),
    )
    .execute();
}

export async function deleteAllocations(trx: Trx, idaccount: number, idorder: number): Promise<void> {
  await trx
    .deleteFrom('allocations')
    .where('idaccount', '=', idaccount)
    .where('idorder', '=', idorder)
    .execute();
}
