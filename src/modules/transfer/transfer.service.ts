import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { withTransaction, type Db, type Trx } from '../../db/transaction.ts';
import { DomainError } from '../../domain/errors.ts';
import { formatDateTime } from '../../domain/time.ts';
import { productsByCodes, upsertProductsInTrx, type ProductBatchRow } from '../catalog/catalog.batch.ts';
import { PRODUCT_TYPES } from '../catalog/catalog.schemas.ts';
import { STOCKED_TYPES } from '../catalog/catalog.service.ts';
import type { DatabaseHandle } from '../../db/connection.ts';
import type { Clock } from '../../domain/time.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { EventsService } from '../events/events.service.ts';
import type { StockService } from '../stock/stock.service.ts';
import {
  cell,
  readCsv,
  RowProblem,
  type ImportSummary,
  type Progress,
  type RowError,
} from './transfer.csv.ts';
import * as repo from './transfer.repository.ts';

export const PRODUCT_COLUMNS = [
  'productcode',
  'name',
  'price',
  'fixedstockprice',
  'idsupplier',
  'productcode_supplier',
  'type',
  'active',
  'barcode',
  'weight',
  'description',
] as const;
export const STOCK_COLUMNS = ['productcode', 'idwarehouse', 'location', 'stock'] as const;
const BACKORDER_COLUMNS = [
  'idbackorder',
  'idorder',
  'productcode',
  'idwarehouse',
  'amount',
  'amount_available',
  'status',
  'priority',
  'created_at',
] as const;

/** Rows written per transaction statement batch, and per progress report. */
const CHUNK = 1000;

export interface ImportOptions {
  /** Apply the good rows and report the bad ones (default: a bad row applies nothing). */
  partial?: boolean;
  onProgress?: Progress;
}

/** Thrown inside the import's transaction to roll it back when a row fails and partial is off. */
class Refused extends Error {}

const summary = (rows: number, errors: RowError[]): ImportSummary => ({
  rows,
  created: 0,
  updated: 0,
  unchanged: 0,
  skipped: 0,
  applied: false,
  errors,
});

const byLine = (a: RowError, b: RowError) => a.line - b.line;

/** Keyset pages of `page` as one stream of records. */
function pages<T, K>(first: K, page: (after: K) => Promise<T[]>, next: (last: T) => K): Readable {
  return Readable.from(
    (async function* () {
      let after = first;
      for (;;) {
        const rows = await page(after);
        for (const r of rows) yield r;
        if (rows.length === 0) return;
        after = next(rows[rows.length - 1]!);
      }
    })(),
  );
}

/**
 * CSV import and export (docs/adr/0016-operations.md). Imports read the whole file first (rows
 * streamed in, checked line by line), then apply it in ONE transaction: a bad row applies nothing
 * unless `partial`, and applying the same file twice changes nothing the second time. Products go
 * through the catalog's batch upsert; stock counts through the stock service's change that sets a
 * slot to an amount under the level lock, with a reason, so the ledger has every count.
 */
export function createTransferService(
  services: {
    handle: DatabaseHandle;
    clock: Clock;
    events: EventsService;
    catalog: CatalogService;
    stock: StockService;
  },
) {
  const { handle, clock, events, catalog, stock } = services;
  const tx = <T>(fn: (trx: Trx) => Promise<T>) => withTransaction(handle, fn);

  async function importProducts(
    idaccount: number,
    input: Readable | string,
    options: ImportOptions = {},
  ): Promise<ImportSummary> {
    const rows: ProductBatchRow[] = [];
    const seen = new Map<string, number>();
    const errors: RowError[] = [];
    errors.push(
      ...(await readCsv(input, { known: PRODUCT_COLUMNS, required: ['productcode'] }, ({ line, cells }) => {
        try {
          const productcode = cell.text(cells, 'productcode', 100);
          if (productcode === undefined) throw new RowProblem('productcode', 'productcode is required');
          const first = seen.get(productcode);
          if (first !== undefined)
            throw new RowProblem('productcode', `productcode ${productcode} is on line ${first} already`);
          seen.set(productcode, line);
          rows.push({
            line,
            productcode,
            fields: {
              name: cell.text(cells, 'name', 255),
              price: cell.number(cells, 'price', 0, 1e12),
              fixedstockprice: cell.number(cells, 'fixedstockprice', 0, 1e12),
              idsupplier: cell.integer(cells, 'idsupplier', 1, 2147483647),
              productcode_supplier: cell.text(cells, 'productcode_supplier', 100),
              type: cell.oneOf(cells, 'type', PRODUCT_TYPES),
              active: cell.bool(cells, 'active'),
              barcode: cell.text(cells, 'barcode', 100),
              weight: cell.integer(cells, 'weight', 0, 1_000_000_000),
              description: cell.text(cells, 'description', 10_000),
            },
          });
        } catch (err) {
          if (!(err instanceof RowProblem)) throw err;
          errors.push({ line, column: err.column, message: err.message });
        }
      })),
    );
    const total = rows.length + errors.filter((e) => e.line > 1).length;
    if (errors.some((e) => e.line <= 1) || (errors.length > 0 && !options.partial))
      return summary(total, errors.sort(byLine));
    const result = summary(total, errors);
    try {
      await tx(async (trx) => {
        const now = formatDateTime(clock());
        const out = { created: 0, updated: 0, unchanged: 0 };
        for (let i = 0; i < rows.length; i += CHUNK) {
          const o = await upsertProductsInTrx(
            trx,
            { engine: handle.engine, events, now, stockOfProducts: stock.stockOfProducts },
            idaccount,
            rows.slice(i, i + CHUNK),
          );
          out.created += o.created;
          out.updated += o.updated;
          out.unchanged += o.unchanged;
          result.errors.push(...o.refused);
          if (o.refused.length > 0 && !options.partial) throw new Refused();
          await options.onProgress?.(Math.min(i + CHUNK, rows.length), rows.length);
        }
        Object.assign(result, out);
      });
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
      return { ...result, created: 0, updated: 0, unchanged: 0, errors: result.errors.sort(byLine) };
    }
    result.skipped = result.errors.length;
    result.applied = true;
    result.errors.sort(byLine);
    return result;
  }

  interface CountRow {
    line: number;
    productcode: string;
    idwarehouse: number;
    location: string | undefined;
    stock: number;
  }

  async function importStock(
    idaccount: number,
    input: Readable | string,
    options: ImportOptions & { reason?: string } = {},
  ): Promise<ImportSummary> {
    const rows: CountRow[] = [];
    const errors: RowError[] = [];
    const seen = new Map<string, number>();
    errors.push(
      ...(await readCsv(
        input,
        { known: STOCK_COLUMNS, required: ['productcode', 'idwarehouse', 'stock'] },
        ({ line, cells }) => {
          try {
            const productcode = cell.text(cells, 'productcode', 100);
            if (productcode === undefined) throw new RowProblem('productcode', 'productcode is required');
            const idwarehouse = cell.integer(cells, 'idwarehouse', 1, 2147483647);
            if (idwarehouse === undefined) throw new RowProblem('idwarehouse', 'idwarehouse is required');
            const amount = cell.integer(cells, 'stock', 0, 1_000_000_000);
            if (amount === undefined) throw new RowProblem('stock', 'stock is required (0 or more)');
            const location = cell.text(cells, 'location', 255);
            const key = `${productcode}\n${idwarehouse}\n${location ?? ''}`;
            const first = seen.get(key);
            if (first !== undefined)
              throw new RowProblem('productcode', `This product and place are on line ${first} already`);
            seen.set(key, line);
            rows.push({ line, productcode, idwarehouse, location, stock: amount });
          } catch (err) {
            if (!(err instanceof RowProblem)) throw err;
            errors.push({ line, column: err.column, message: err.message });
          }
        },
      )),
    );
    const total = rows.length + errors.filter((e) => e.line > 1).length;
    if (errors.some((e) => e.line <= 1) || (errors.length > 0 && !options.partial))
      return summary(total, errors.sort(byLine));
    const result = summary(total, errors);
    const reason = (options.reason?.trim() || 'Stock count (CSV import)').slice(0, 1000);
    try {
      await tx(async (trx) => {
        const refuse = (row: CountRow, column: string, message: string) => {
          result.errors.push({ line: row.line, column, message });
          if (!options.partial) throw new Refused();
        };
        const products = await productsByCodes(trx, idaccount, [...new Set(rows.map((r) => r.productcode))]);
        const warehouses = new Map<number, Map<string, number[]>>();
        for (const id of new Set(rows.map((r) => r.idwarehouse))) {
          const w = await catalog.getWarehouse(trx, idaccount, id).catch((err: unknown) => {
            if (err instanceof DomainError && err.code === 'not_found') return undefined;
            throw err;
          });
          if (!w) continue;
          const names = new Map<string, number[]>();
          for (const l of await catalog.locationsOfWarehouse(trx, idaccount, id))
            names.set(l.name, [...(names.get(l.name) ?? []), l.idlocation]);
          warehouses.set(id, names);
        }
        // Resolve every row first, then lock in the global order: products (shared), locations
        // (shared), levels; only then change, so a count never waits holding a level.
        const planned: { row: CountRow; idproduct: number; slot: number }[] = [];
        for (const row of rows) {
          const p = products.get(row.productcode);
          if (!p) {
            refuse(row, 'productcode', `No product with productcode ${row.productcode}`);
            continue;
          }
          if (!STOCKED_TYPES.includes(p.type)) {
            refuse(row, 'productcode', `Product ${row.productcode} is of type ${p.type} and has no stock`);
            continue;
          }
          if (p.active !== 1) {
            refuse(row, 'productcode', `Product ${row.productcode} is inactive: activate it first`);
            continue;
          }
          const names = warehouses.get(row.idwarehouse);
          if (!names) {
            refuse(row, 'idwarehouse', `Warehouse ${row.idwarehouse} does not exist`);
            continue;
          }
          let slot = 0;
          if (row.location !== undefined) {
            const ids = names.get(row.location) ?? [];
            if (ids.length !== 1) {
              refuse(
                row,
                'location',
                ids.length === 0
                  ? `No location "${row.location}" in warehouse ${row.idwarehouse}`
                  : `Location name "${row.location}" is used ${ids.length} times in warehouse ${row.idwarehouse}`,
              );
              continue;
            }
            slot = ids[0]!;
          }
          planned.push({ row, idproduct: p.idproduct, slot });
        }
        for (const id of [...new Set(planned.map((x) => x.idproduct))].sort((a, b) => a - b))
          await catalog.lockProductShared(trx, idaccount, id);
        for (const id of [...new Set(planned.map((x) => x.slot))]
          .filter((s) => s !== 0)
          .sort((a, b) => a - b))
          await catalog.lockLocationShared(trx, idaccount, id);
        planned.sort(
          (a, b) => a.idproduct - b.idproduct || a.row.idwarehouse - b.row.idwarehouse || a.slot - b.slot,
        );
        for (let i = 0; i < planned.length; i += CHUNK) {
          const chunk = planned.slice(i, i + CHUNK);
          await stock.lockLevelsInTrx(
            trx,
            idaccount,
            chunk.map((x) => ({ idproduct: x.idproduct, idwarehouse: x.row.idwarehouse })),
          );
          for (const x of chunk) {
            try {
              const booked = await stock.changeInTrx(trx, idaccount, {
                idproduct: x.idproduct,
                idwarehouse: x.row.idwarehouse,
                slot: x.slot,
                change: 0,
                setTo: x.row.stock,
                reason,
                changeType: 'import',
              });
              if (booked === undefined) result.unchanged++;
              else result.updated++;
            } catch (err) {
              if (!(err instanceof DomainError)) throw err;
              refuse(x.row, 'stock', err.message);
            }
          }
          await options.onProgress?.(Math.min(i + CHUNK, planned.length), planned.length);
        }
      });
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
      return { ...result, updated: 0, unchanged: 0, errors: result.errors.sort(byLine) };
    }
    result.skipped = result.errors.length;
    result.applied = true;
    result.errors.sort(byLine);
    return result;
  }

  const csv = (columns: readonly string[]) => stringify({ header: true, columns: [...columns] });

  return {
    importProducts,
    importStock,

    /** Every product of the account (active or not), as a CSV that importProducts reads back. */
    exportProducts(db: Db, idaccount: number): Readable {
      return pages(
        0,
        (after) => repo.productsPage(db, idaccount, after, CHUNK),
        (p) => p.idproduct,
      )
        .map((p: Awaited<ReturnType<typeof repo.productsPage>>[number]) => ({
          ...p,
          active: p.active === 1 ? 'true' : 'false',
        }))
        .pipe(csv(PRODUCT_COLUMNS));
    },

    /** Stock per location slot of one warehouse, as a CSV that importStock reads back. */
    async exportStock(db: Db, idaccount: number, idwarehouse: number): Promise<Readable> {
      await catalog.requireWarehouse(db, idaccount, idwarehouse);
      return pages(
        { idproduct: 0, slot: -1 },
        (after) => repo.stockPage(db, idaccount, idwarehouse, after, CHUNK),
        (r) => ({ idproduct: r.idproduct, slot: r.slot }),
      )
        .map((r: Awaited<ReturnType<typeof repo.stockPage>>[number]) => ({
          productcode: r.productcode,
          idwarehouse,
          location: r.slot === 0 ? '' : r.location,
          stock: r.stock,
        }))
        .pipe(csv(STOCK_COLUMNS));
    },

    /** Open backorders of the account, oldest first. */
    exportBackorders(db: Db, idaccount: number): Readable {
      return pages(
        0,
        (after) => repo.openBackordersPage(db, idaccount, after, CHUNK),
        (b) => b.idbackorder,
      ).pipe(csv(BACKORDER_COLUMNS));
    },
  };
}

export type TransferService = ReturnType<typeof createTransferService>;
