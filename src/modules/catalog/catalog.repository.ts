import type { Db } from '../../db/transaction.ts';

/** SQL of the catalog: warehouses, locations, products and their parts, customers, suppliers. */

export async function findWarehouse(db: Db, idaccount: number, idwarehouse: number) {
  return db
    .selectFrom('warehouses')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idwarehouse', '=', idwarehouse)
    .executeTakeFirst();
}

export async function findLocation(db: Db, idaccount: number, idlocation: number) {
  return db
    .selectFrom('locations')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idlocation', '=', idlocation)
    .executeTakeFirst();
}

export async function findProduct(db: Db, idaccount: number, idproduct: number) {
  return db
    .selectFrom('products')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idproduct', '=', idproduct)
    .executeTakeFirst();
}

export type ProductRow = NonNullable<Awaited<ReturnType<typeof findProduct>>>;
export type WarehouseRow = NonNullable<Awaited<ReturnType<typeof findWarehouse>>>;
export type LocationRow = NonNullable<Awaited<ReturnType<typeof findLocation>>>;

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
