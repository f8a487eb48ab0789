import { OPEN_BACKORDER_STATUSES } from '../../domain/backorder-assignment.ts';
import type { Db } from '../../db/transaction.ts';

/**
 * The reads behind the CSV exports: keyset pages in id order, so an export streams a table of any
 * size in constant memory. Read-only reports over other modules' tables (they write through their
 * services; nothing here writes).
 */

export async function productsPage(db: Db, idaccount: number, afterId: number, limit: number) {
  return db
    .selectFrom('products')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idproduct', '>', afterId)
    .orderBy('idproduct')
    .limit(limit)
    .execute();
}

/** Stock per location slot of one warehouse (slots holding stock), in (idproduct, slot) order. */
export async function stockPage(
  db: Db,
  idaccount: number,
  idwarehouse: number,
  after: { idproduct: number; slot: number },
  limit: number,
) {
  return db
    .selectFrom('location_stock as s')
    .innerJoin('products as p', (j) =>
      j.onRef('p.idaccount', '=', 's.idaccount').onRef('p.idproduct', '=', 's.idproduct'),
    )
    .leftJoin('locations as l', (j) =>
      j.onRef('l.idaccount', '=', 's.idaccount').onRef('l.idlocation', '=', 's.slot'),
    )
    .select([
      's.idproduct',
      's.slot',
      's.stock',
      's.reserved_picklists',
      'p.productcode',
      'l.name as location',
    ])
    .where('s.idaccount', '=', idaccount)
    .where('s.idwarehouse', '=', idwarehouse)
    .where('s.stock', '<>', 0)
    .where((eb) =>
      eb.or([
        eb('s.idproduct', '>', after.idproduct),
        eb.and([eb('s.idproduct', '=', after.idproduct), eb('s.slot', '>', after.slot)]),
      ]),
    )
    .orderBy('s.idproduct')
    .orderBy('s.slot')
    .limit(limit)
    .execute();
}

/** Open backorders with their productcode, in id order. */
export async function openBackordersPage(db: Db, idaccount: number, afterId: number, limit: number) {
  return db
    .selectFrom('backorders as b')
    .innerJoin('products as p', (j) =>
      j.onRef('p.idaccount', '=', 'b.idaccount').onRef('p.idproduct', '=', 'b.idproduct'),
    )
    .select([
      'b.idbackorder',
      'b.idorder',
      'b.idproduct',
      'p.productcode',
      'b.idwarehouse',
      'b.amount',
      'b.amount_available',
      'b.status',
      'b.priority',
      'b.created_at',
    ])
    .where('b.idaccount', '=', idaccount)
    .where('b.status', 'in', [...OPEN_BACKORDER_STATUSES])
    .where('b.idbackorder', '>', afterId)
    .orderBy('b.idbackorder')
    .limit(limit)
    .execute();
}
