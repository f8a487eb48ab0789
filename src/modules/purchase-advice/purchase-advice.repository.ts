import { sql } from 'kysely';
import type { Db } from '../../db/transaction.ts';

/**
 * The read model of purchase advice, one query per input: the (product, warehouse) pairs that may
 * need ordering (an order level set, or backorders waiting), and what open purchase orders bring.
 * It reads the catalog's, stock's and purchasing's tables directly: advice is a report over them and
 * writes nothing (the action creates purchase orders through the purchasing service).
 */

export interface AdviceFilter {
  idwarehouse?: number | undefined;
  idsupplier?: number | undefined;
}

/** Active products that hold stock, per active warehouse, with a level set or backorders waiting. */
export async function candidates(db: Db, idaccount: number, f: AdviceFilter) {
  let q = db
    .selectFrom('products as p')
    .innerJoin('warehouses as w', (j) => j.onRef('w.idaccount', '=', 'p.idaccount'))
    .leftJoin('stock_levels as sl', (j) =>
      j
        .onRef('sl.idaccount', '=', 'p.idaccount')
        .onRef('sl.idproduct', '=', 'p.idproduct')
        .onRef('sl.idwarehouse', '=', 'w.idwarehouse'),
    )
    .leftJoin('product_warehouses as pw', (j) =>
      j
        .onRef('pw.idaccount', '=', 'p.idaccount')
        .onRef('pw.idproduct', '=', 'p.idproduct')
        .onRef('pw.idwarehouse', '=', 'w.idwarehouse'),
    )
    .leftJoin('suppliers as s', (j) =>
      j.onRef('s.idaccount', '=', 'p.idaccount').onRef('s.idsupplier', '=', 'p.idsupplier'),
    )
    .select([
      'p.idproduct',
      'p.productcode',
      'p.name',
      'p.idsupplier',
      's.name as supplier_name',
      'p.minimum_purchase_quantity',
      'p.purchase_in_quantities_of',
      'w.idwarehouse',
      sql<number>`coalesce(sl.stock, 0)`.as('stock'),
      sql<number>`coalesce(sl.reserved_picklists, 0)`.as('reservedpicklists'),
      sql<number>`coalesce(sl.reserved_backorders, 0)`.as('reservedbackorders'),
      sql<number>`coalesce(sl.reserved_allocations, 0)`.as('reservedallocations'),
      sql<number>`coalesce(pw.stock_level_order, 0)`.as('stock_level_order'),
      sql<number>`coalesce(pw.stock_level_desired, 0)`.as('stock_level_desired'),
      sql<number>`coalesce(pw.stock_level_maximum, 0)`.as('stock_level_maximum'),
    ])
    .where('p.idaccount', '=', idaccount)
    .where('p.active', '=', 1)
    .where('p.type', 'in', ['normal', 'composition_with_stock'])
    .where('w.active', '=', 1)
    .where((eb) => eb.or([eb('pw.stock_level_order', '>', 0), eb('sl.reserved_backorders', '>', 0)]));
  if (f.idwarehouse !== undefined) q = q.where('w.idwarehouse', '=', f.idwarehouse);
  if (f.idsupplier !== undefined) q = q.where('p.idsupplier', '=', f.idsupplier);
  const rows = await q
    // Products without a supplier first on both engines (PostgreSQL sorts NULL last).
    .orderBy(sql`coalesce(p.idsupplier, 0)`)
    .orderBy('w.idwarehouse')
    .orderBy('p.idproduct')
    .execute();
  // PostgreSQL answers coalesce() of integers as numbers; bigint sums would be strings.
  return rows.map((r) => ({
    ...r,
    stock: Number(r.stock),
    reservedpicklists: Number(r.reservedpicklists),
    reservedbackorders: Number(r.reservedbackorders),
    reservedallocations: Number(r.reservedallocations),
    stock_level_order: Number(r.stock_level_order),
    stock_level_desired: Number(r.stock_level_desired),
    stock_level_maximum: Number(r.stock_level_maximum),
  }));
}

/**
 * What open purchase orders (concept and purchased) still bring, per (product, warehouse). Concept
 * orders count too: they are orders about to be placed (the advice action makes them), and counting
 * them keeps a second run from advising the same units again.
 */
export async function incoming(db: Db, idaccount: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('purchaseorder_products as l')
    .innerJoin('purchaseorders as po', (j) =>
      j.onRef('po.idaccount', '=', 'l.idaccount').onRef('po.idpurchaseorder', '=', 'l.idpurchaseorder'),
    )
    .select([
      'l.idproduct',
      'po.idwarehouse',
      sql<string | number>`sum(l.amount - l.amountreceived)`.as('open'),
    ])
    .where('l.idaccount', '=', idaccount)
    .where('po.status', 'in', ['concept', 'purchased'])
    .whereRef('l.amount', '>', 'l.amountreceived')
    .groupBy(['l.idproduct', 'po.idwarehouse'])
    .execute();
  return new Map(rows.map((r) => [`${r.idproduct}:${r.idwarehouse}`, Number(r.open)]));
}
