import type { Updateable } from 'kysely';
import type { ProductWarehousesTable } from '../../db/schema.ts';
import type { Db, Trx } from '../../db/transaction.ts';

/** SQL of per-warehouse product settings: a row once any setting is made. */

export async function settingsOfProduct(db: Db, idaccount: number, idproduct: number) {
  return db
    .selectFrom('product_warehouses')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idproduct', '=', idproduct)
    .orderBy('idwarehouse')
    .execute();
}

/**
 * Sets the given fields of one (product, warehouse), creating the row with defaults first: an insert
 * that does nothing on conflict, then an update of only those fields, so concurrent partial updates
 * of different fields never undo each other.
 */
export async function updateSettings(
  trx: Trx,
  key: { idaccount: number; idproduct: number; idwarehouse: number },
  patch: Updateable<ProductWarehousesTable>,
  now: string,
): Promise<void> {
  await trx
    .insertInto('product_warehouses')
    .values({
      ...key,
      stock_level_order: 0,
      stock_level_desired: 0,
      stock_level_maximum: 0,
      stock_location: null,
      updated: now,
    })
    .onConflict((oc) => oc.columns(['idaccount', 'idproduct', 'idwarehouse']).doNothing())
    .execute();
  await trx
    .updateTable('product_warehouses')
    .set({ ...patch, updated: now })
    .where('idaccount', '=', key.idaccount)
    .where('idproduct', '=', key.idproduct)
    .where('idwarehouse', '=', key.idwarehouse)
    .execute();
}
