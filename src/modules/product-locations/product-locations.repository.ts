import type { Db, Trx } from '../../db/transaction.ts';

/**
 * SQL of product-location links. A product is linked to a location when it has a stock slot there
 * (location_stock, slot = idlocation): booking stock on a location creates the slot, so stock
 * changes, moves and receipts link it without a second write (docs/adr/0015-*.md).
 */

export async function locationsOfProduct(db: Db, idaccount: number, idproduct: number) {
  return db
    .selectFrom('location_stock as ls')
    .innerJoin('locations as l', (j) =>
      j.onRef('l.idaccount', '=', 'ls.idaccount').onRef('l.idlocation', '=', 'ls.slot'),
    )
    .select([
      'l.idlocation',
      'l.idwarehouse',
      'l.parent_idlocation',
      'l.name',
      'l.remarks',
      'l.is_bulk_location',
      'ls.stock',
      'ls.reserved_picklists',
    ])
    .where('ls.idaccount', '=', idaccount)
    .where('ls.idproduct', '=', idproduct)
    .where('ls.slot', '>', 0)
    .orderBy('l.idlocation')
    .execute();
}

export async function productsOnLocation(
  db: Db,
  idaccount: number,
  idlocation: number,
  page: { offset: number; limit: number },
) {
  return db
    .selectFrom('location_stock as ls')
    .innerJoin('products as p', (j) =>
      j.onRef('p.idaccount', '=', 'ls.idaccount').onRef('p.idproduct', '=', 'ls.idproduct'),
    )
    .select(['p.idproduct', 'p.productcode', 'p.name', 'p.barcode', 'ls.stock', 'ls.reserved_picklists'])
    .where('ls.idaccount', '=', idaccount)
    .where('ls.slot', '=', idlocation)
    .orderBy('p.idproduct')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

/**
 * Removes an empty slot (no stock, no reservations), with the spent pick-location rows of closed
 * picklists that still name it (amount 0). Call with the level and its slots locked.
 */
export async function deleteEmptySlot(
  trx: Trx,
  key: { idaccount: number; idproduct: number; idwarehouse: number },
  slot: number,
): Promise<boolean> {
  await trx
    .deleteFrom('picklist_locations')
    .where('idaccount', '=', key.idaccount)
    .where('idproduct', '=', key.idproduct)
    .where('idwarehouse', '=', key.idwarehouse)
    .where('slot', '=', slot)
    .where('amount', '=', 0)
    .execute();
  const r = await trx
    .deleteFrom('location_stock')
    .where('idaccount', '=', key.idaccount)
    .where('idproduct', '=', key.idproduct)
    .where('idwarehouse', '=', key.idwarehouse)
    .where('slot', '=', slot)
    .where('stock', '=', 0)
    .where('reserved_picklists', '=', 0)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
