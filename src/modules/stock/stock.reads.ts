import type { Engine } from '../../db/engine.ts';
import type { Db } from '../../db/transaction.ts';
import { invalid, notFound } from '../../domain/errors.ts';
import { warehouseStock, type WarehouseStock } from '../../domain/stock.ts';
import { normaliseDateTime } from '../../domain/time.ts';
import * as catalogRepo from '../catalog/catalog.repository.ts';
import * as repo from './stock.repository.ts';

/**
 * Reads of stock that need no service: plain functions of the database handle, outside the unit
 * of work. The catalog imports them (product answers carry their stock; a location or a product
 * type may only change while nothing is stocked), so they import repositories only (ADR 0017).
 */

export const emptyLevel = (idproduct: number, idwarehouse: number): repo.LevelRow => ({
  idproduct,
  idwarehouse,
  stock: 0,
  reserved_picklists: 0,
  reserved_backorders: 0,
  reserved_allocations: 0,
});

/** A located slot as GET /products/{id}/stock/{idwarehouse} lists it. */
export function locationView(
  idwarehouse: number,
  s: {
    slot: number;
    name: string;
    stock: number;
    reserved_picklists: number;
    is_bulk_location: number | null;
  },
) {
  return {
    idlocation: s.slot,
    idwarehouse,
    name: s.name,
    stock: s.stock,
    reserved_picklists: s.reserved_picklists,
    free_stock: s.stock - s.reserved_picklists,
    is_bulk_location: s.is_bulk_location === 1,
  };
}

/** GET /products/{id}/stock/{idwarehouse}: the level and its located slots. */
export type WarehouseDetail = WarehouseStock & { locations: ReturnType<typeof locationView>[] };

/** A ledger row as the API shows it: Picqer's fields plus our per-location ones and the reference. */
function historyView(r: NonNullable<Awaited<ReturnType<typeof repo.getHistory>>>) {
  return {
    idproduct_stock_history: r.idproduct_stock_history,
    idproduct: r.idproduct,
    idwarehouse: r.idwarehouse,
    idlocation: r.idlocation,
    iduser: null,
    old_stock: r.old_stock,
    stock_change: r.stock_change,
    new_stock: r.new_stock,
    reason: r.reason,
    change_type: r.change_type,
    changed_at: r.changed_at,
    location_old_stock: r.location_old_stock,
    location_stock_change: r.location_stock_change,
    location_new_stock: r.location_new_stock,
    reference_type: r.reference_type,
    reference_id: r.reference_id,
  };
}

/**
 * The stock of products per warehouse: one entry for EVERY warehouse of the account (active or
 * not, ordered by idwarehouse), zeros where the product has no level row yet. Product answers and
 * GET /products/{id}/stock both use this, so they always agree.
 *
 * @example
 * const stock = (await stockOfProducts(db, idaccount, [idproduct])).get(idproduct);
 */
export async function stockOfProducts(
  db: Db,
  idaccount: number,
  idproducts: number[],
): Promise<Map<number, WarehouseStock[]>> {
  if (idproducts.length === 0) return new Map();
  const warehouses = await catalogRepo.warehouseIds(db, idaccount);
  const levels = new Map(
    (await repo.levelsOfProducts(db, idaccount, idproducts)).map((l) => [
      `${l.idproduct}:${l.idwarehouse}`,
      l,
    ]),
  );
  return new Map(
    idproducts.map((idproduct) => [
      idproduct,
      warehouses.map((idwarehouse) =>
        warehouseStock(levels.get(`${idproduct}:${idwarehouse}`) ?? emptyLevel(idproduct, idwarehouse)),
      ),
    ]),
  );
}

export async function productStock(db: Db, idaccount: number, idproduct: number): Promise<WarehouseStock[]> {
  return (await stockOfProducts(db, idaccount, [idproduct])).get(idproduct) ?? [];
}

/** True when the product has stock or reservations in any warehouse. */
export const productHoldsStock = (db: Db, idaccount: number, idproduct: number): Promise<boolean> =>
  repo.productHoldsStock(db, idaccount, idproduct);

/** True when any product has stock or picklist reservations on the location. */
export const locationHoldsStock = (db: Db, idaccount: number, idlocation: number): Promise<boolean> =>
  repo.slotHoldsStock(db, idaccount, repo.locationToSlot(idlocation));

/**
 * GET /products/{id}/stock/{idwarehouse}: the level and its locations as of one moment, read in
 * one statement outside any transaction (a statement is its own snapshot on both engines; on
 * SQLite no write lock is taken for a read).
 */
export async function readWarehouseDetail(
  db: Db,
  engine: Engine,
  idaccount: number,
  idproduct: number,
  idwarehouse: number,
): Promise<WarehouseDetail> {
  const rows = await repo.warehouseDetailRows(db, engine, { idaccount, idproduct, idwarehouse });
  const first = rows[0]!;
  if (first.product_found === null) throw notFound('Product', idproduct);
  if (first.warehouse_found === null) throw notFound('Warehouse', idwarehouse);
  const level =
    first.stock === null
      ? emptyLevel(idproduct, idwarehouse)
      : {
          idproduct,
          idwarehouse,
          stock: first.stock,
          reserved_picklists: first.reserved_picklists!,
          reserved_backorders: first.reserved_backorders!,
          reserved_allocations: first.reserved_allocations!,
        };
  const locations = rows
    .filter((r) => r.slot !== null && r.name !== null)
    .map((r) =>
      locationView(idwarehouse, {
        slot: r.slot!,
        name: r.name!,
        stock: r.slot_stock!,
        reserved_picklists: r.slot_reserved_picklists!,
        is_bulk_location: r.is_bulk_location,
      }),
    );
  return { ...warehouseStock(level), locations };
}

/** GET /warehouses/{id}/stock: every product with stock or reservations in the warehouse. */
export async function warehouseProducts(
  db: Db,
  idaccount: number,
  idwarehouse: number,
  offset: number,
  limit: number,
) {
  if (!(await catalogRepo.findWarehouse(db, idaccount, idwarehouse)))
    throw notFound('Warehouse', idwarehouse);
  const rows = await repo.levelsOfWarehouse(db, idaccount, idwarehouse, offset, limit);
  return rows.map((r) => ({
    idproduct: r.idproduct,
    productcode: r.productcode,
    stock: warehouseStock(r),
  }));
}

/**
 * GET /stockhistory. sincedate/untildate take "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]"; a bare
 * untildate includes that whole day.
 */
export async function history(db: Db, idaccount: number, f: repo.HistoryFilter) {
  const moment = (name: string, value: string | undefined, endOfDay: boolean) => {
    if (value === undefined) return undefined;
    const normal = normaliseDateTime(value.trim());
    if (!normal) throw invalid(`${name} "${value}" is not a date: use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS`);
    return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? `${normal.slice(0, 10)} 23:59:59` : normal;
  };
  const rows = await repo.listHistory(db, idaccount, {
    ...f,
    sincedate: moment('sincedate', f.sincedate, false),
    untildate: moment('untildate', f.untildate, true),
  });
  return rows.map(historyView);
}

export async function historyEntry(db: Db, idaccount: number, id: number) {
  const row = await repo.getHistory(db, idaccount, id);
  if (!row) throw notFound('Stock history entry', id);
  return historyView(row);
}
