import type { Engine } from '../../db/engine.ts';
import type { Trx } from '../../db/transaction.ts';
import type { WarehouseStock } from '../../domain/stock.ts';
import type { EventsService } from '../events/events.service.ts';
import * as repo from './catalog.repository.ts';
import type { ProductType } from './catalog.schemas.ts';
import { productView } from './catalog.service.ts';

/** The fields a batch row may give; absent ones stay as they are (or take the create defaults). */
export interface ProductFields {
  name?: string;
  price?: number;
  fixedstockprice?: number;
  idsupplier?: number;
  productcode_supplier?: string;
  type?: ProductType;
  active?: boolean;
  barcode?: string;
  weight?: number;
  description?: string;
}

export interface ProductBatchRow {
  /** Where the row came from (a CSV line), for its errors. */
  line: number;
  productcode: string;
  fields: ProductFields;
}

export interface ProductBatchOutcome {
  created: number;
  updated: number;
  unchanged: number;
  /** Rows refused, with the field at fault. */
  refused: { line: number; column: string; message: string }[];
}

export interface ProductBatchDeps {
  engine: Engine;
  events: EventsService | undefined;
  now: string;
  stockOfProducts: (db: Trx, idaccount: number, ids: number[]) => Promise<Map<number, WarehouseStock[]>>;
}

const bool = (b: boolean): number => (b ? 1 : 0);

/**
 * Creates or updates products by productcode, many at once, inside the caller's transaction (an
 * import is all or nothing). The same rules as POST and PUT /products, in batches: productcodes are
 * locked (PostgreSQL) in idproduct order before they change, unknown suppliers are refused, and a
 * product's type never changes here (PUT /products/{id} checks stock and parts for that). A row
 * equal to the product changes nothing: no write, no event, so importing a file twice is a no-op.
 * Events (products.created, products.changed) carry the product as it is now, like the API's.
 */
export async function upsertProductsInTrx(
  trx: Trx,
  deps: ProductBatchDeps,
  idaccount: number,
  rows: readonly ProductBatchRow[],
): Promise<ProductBatchOutcome> {
  const out: ProductBatchOutcome = { created: 0, updated: 0, unchanged: 0, refused: [] };
  const existing = new Map(
    (
      await repo.lockProductsByCodes(
        trx,
        deps.engine,
        idaccount,
        rows.map((r) => r.productcode),
      )
    ).map((p) => [p.productcode, p]),
  );
  const suppliers = await repo.existingSupplierIds(trx, idaccount, [
    ...new Set(rows.flatMap((r) => (r.fields.idsupplier === undefined ? [] : [r.fields.idsupplier]))),
  ]);
  const toInsert: Parameters<typeof repo.insertProducts>[1][number][] = [];
  const changed: number[] = [];
  for (const row of rows) {
    const f = row.fields;
    if (f.idsupplier !== undefined && !suppliers.has(f.idsupplier)) {
      out.refused.push({
        line: row.line,
        column: 'idsupplier',
        message: `Supplier ${f.idsupplier} does not exist: create it first or leave idsupplier empty`,
      });
      continue;
    }
    const p = existing.get(row.productcode);
    if (!p) {
      if (f.name === undefined) {
        out.refused.push({ line: row.line, column: 'name', message: 'name is required for a new product' });
        continue;
      }
      toInsert.push({
        idaccount,
        productcode: row.productcode,
        name: f.name,
        price: f.price ?? 0,
        fixedstockprice: f.fixedstockprice ?? null,
        idsupplier: f.idsupplier ?? null,
        productcode_supplier: f.productcode_supplier ?? null,
        type: f.type ?? 'normal',
        active: bool(f.active ?? true),
        barcode: f.barcode ?? null,
        weight: f.weight ?? null,
        description: f.description ?? null,
        created: deps.now,
        updated: deps.now,
      });
      continue;
    }
    if (f.type !== undefined && f.type !== p.type) {
      out.refused.push({
        line: row.line,
        column: 'type',
        message: `Product ${row.productcode} is of type ${p.type}; change a type with PUT /products/${p.idproduct}`,
      });
      continue;
    }
    const patch: repo.ProductPatch = {};
    if (f.name !== undefined && f.name !== p.name) patch.name = f.name;
    if (f.price !== undefined && f.price !== p.price) patch.price = f.price;
    if (f.fixedstockprice !== undefined && f.fixedstockprice !== p.fixedstockprice)
      patch.fixedstockprice = f.fixedstockprice;
    if (f.idsupplier !== undefined && f.idsupplier !== p.idsupplier) patch.idsupplier = f.idsupplier;
    if (f.productcode_supplier !== undefined && f.productcode_supplier !== p.productcode_supplier)
      patch.productcode_supplier = f.productcode_supplier;
    if (f.active !== undefined && bool(f.active) !== p.active) patch.active = bool(f.active);
    if (f.barcode !== undefined && f.barcode !== p.barcode) patch.barcode = f.barcode;
    if (f.weight !== undefined && f.weight !== p.weight) patch.weight = f.weight;
    if (f.description !== undefined && f.description !== p.description) patch.description = f.description;
    if (Object.keys(patch).length === 0) {
      out.unchanged++;
      continue;
    }
    await repo.updateProduct(trx, idaccount, p.idproduct, { ...patch, updated: deps.now });
    changed.push(p.idproduct);
  }
  // New products in statements of at most 500 rows (SQLite binds at most 32,766 parameters).
  const created: number[] = [];
  for (let i = 0; i < toInsert.length; i += 500)
    created.push(...(await repo.insertProducts(trx, toInsert.slice(i, i + 500))));
  out.created = created.length;
  out.updated = changed.length;
  if (deps.events) {
    const ids = [...created, ...changed];
    const rowsNow = new Map((await repo.findProducts(trx, idaccount, ids)).map((p) => [p.idproduct, p]));
    const stock = await deps.stockOfProducts(trx, idaccount, ids);
    const emit = async (id: number, event: string) =>
      deps.events!.emit(
        trx,
        idaccount,
        event,
        'product',
        id,
        productView(rowsNow.get(id)!, stock.get(id) ?? []),
      );
    for (const id of created) await emit(id, 'products.created');
    for (const id of changed) await emit(id, 'products.changed');
  }
  return out;
}

/** Products by productcode, for batch work that names products by code (at most a few thousand). */
export async function productsByCodes(trx: Trx, idaccount: number, productcodes: readonly string[]) {
  const found = new Map<string, repo.ProductRow>();
  for (let i = 0; i < productcodes.length; i += 1000)
    for (const p of await repo.findProductsByCodes(trx, idaccount, productcodes.slice(i, i + 1000)))
      found.set(p.productcode, p);
  return found;
}
