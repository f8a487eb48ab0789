import type { DatabaseHandle } from '../../db/connection.ts';
import { formatRunningNumber, nextNumber } from '../../db/counters.ts';
import { dateTimeParam } from '../../db/search.ts';
import { withTransaction, type Db, type Trx } from '../../db/transaction.ts';
import { DomainError, invalid, invalidState, notFound } from '../../domain/errors.ts';
import { formatDateTime, normaliseDateTime, type Clock } from '../../domain/time.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { EventsService } from '../events/events.service.ts';
import type { PurchasingService } from '../purchasing/purchasing.service.ts';
import type { StockService } from '../stock/stock.service.ts';
import * as repo from './receipts.repository.ts';
import type {
  ExpectedProductView,
  ReceiptCreate,
  ReceiptProductView,
  ReceiptQuery,
  ReceiptUpdate,
  ReceiptView,
  ReceiveProduct,
} from './receipts.schemas.ts';

/**
 * Receipts (version 2): received products go into stock at once, through the stock core, and onto
 * purchase order lines, through the purchasing service. A received product is immutable; a revert
 * takes it back out.
 *
 * Lock order of receiving and reverting: the stock level of (product, warehouse) first (the global
 * first lock, so all receiving of one product in one warehouse queues there), then the receipt row,
 * then purchase orders and their lines (purchasing), then the location slots and backorders (stock
 * core and its listeners).
 */
export function createReceiptsService(deps: {
  handle: DatabaseHandle;
  clock: Clock;
  events: EventsService;
  catalog: CatalogService;
  stock: StockService;
  purchasing: PurchasingService;
}) {
  const { handle, clock, events, catalog, stock, purchasing } = deps;
  const engine = handle.engine;
  const now = () => formatDateTime(clock());
  const tx = <T>(fn: (trx: Trx) => Promise<T>) => withTransaction(handle, fn);

  function productView(p: repo.ReceiptProductRow): ReceiptProductView {
    return {
      idreceipt_product: p.idreceipt_product,
      idreceipt: p.idreceipt,
      idpurchaseorder_product: p.idpurchaseorder_product,
      idpurchaseorder: p.idpurchaseorder,
      idproduct: p.idproduct,
      productcode: p.productcode,
      name: p.name,
      amount: p.amount,
      amount_ordered: p.added_by_receipt === 1 ? null : (p.amount_ordered ?? null),
      added_by_receipt: p.added_by_receipt === 1,
      location: p.idlocation !== null ? { idlocation: p.idlocation, name: p.location_name ?? '' } : null,
      created_at: p.created_at,
      received_by_iduser: null,
      reverted_at: p.reverted_at,
      reverted_by_iduser: null,
    };
  }

  async function views(db: Db, idaccount: number, rows: repo.ReceiptRow[]): Promise<ReceiptView[]> {
    const products = await repo.productsOf(
      db,
      idaccount,
      rows.map((r) => r.idreceipt),
    );
    return rows.map((r) => {
      const own = products.filter((p) => p.idreceipt === r.idreceipt);
      return {
        idreceipt: r.idreceipt,
        idwarehouse: r.idwarehouse,
        version: r.version,
        supplier: r.idsupplier !== null ? { idsupplier: r.idsupplier, name: r.supplier_name ?? '' } : null,
        purchaseorder:
          r.idpurchaseorder !== null
            ? { idpurchaseorder: r.idpurchaseorder, purchaseorderid: r.purchaseorderid ?? '' }
            : null,
        receiptid: r.receiptid,
        status: r.status as ReceiptView['status'],
        completed_by: null,
        amount_received: own.filter((p) => p.reverted_at === null).reduce((s, p) => s + p.amount, 0),
        completed_at: r.completed_at,
        created: r.created,
        updated: r.updated,
        products: own.map(productView),
      };
    });
  }

  async function requireReceipt(db: Db, idaccount: number, idreceipt: number) {
    const r = await repo.findReceipt(db, idaccount, idreceipt);
    if (!r) throw notFound('Receipt', idreceipt);
    return r;
  }

  async function view(db: Db, idaccount: number, idreceipt: number): Promise<ReceiptView> {
    const [v] = await views(db, idaccount, [await requireReceipt(db, idaccount, idreceipt)]);
    return v!;
  }

  async function productViewsOf(db: Db, idaccount: number, idreceipt: number, ids: readonly number[]) {
    const wanted = new Set(ids);
    return (await repo.productsOf(db, idaccount, [idreceipt]))
      .filter((p) => wanted.has(p.idreceipt_product))
      .map(productView);
  }

  /** The receipt, locked, and refused when it takes no more products. */
  async function lockOpenReceipt(trx: Trx, idaccount: number, idreceipt: number) {
    const r = await repo.lockReceipt(trx, engine, idaccount, idreceipt);
    if (!r) throw notFound('Receipt', idreceipt);
    return r;
  }

  return {
    get: view,

    async list(db: Db, idaccount: number, q: ReceiptQuery, limit: number): Promise<ReceiptView[]> {
      let updatedAfter: string | undefined;
      if (q.updated_after !== undefined) {
        updatedAfter = normaliseDateTime(q.updated_after);
        if (!updatedAfter)
          throw invalid(`updated_after ${q.updated_after} is not a date and time; use YYYY-MM-DD HH:MM:SS`);
      }
      const rows = await repo.listReceipts(db, idaccount, {
        status: q.status,
        idpurchaseorder: q.idpurchaseorder,
        idsupplier: q.idsupplier,
        updatedAfter,
        receiptid: q.receiptid,
        completedAfter: dateTimeParam('completed_after', q.completed_after),
        search: q.search,
        offset: q.offset ?? 0,
        limit,
      });
      return views(db, idaccount, rows);
    },

    create(idaccount: number, input: ReceiptCreate): Promise<ReceiptView> {
      return tx(async (trx) => {
        if (input.version !== undefined && input.version !== 2)
          throw invalid(
            'Only version 2 receipts are supported: products go into stock when they are received',
          );
        let idpurchaseorder: number | null = null;
        let idsupplier: number | null = null;
        let idwarehouse: number;
        if (input.idpurchaseorder !== undefined && input.idpurchaseorder !== null) {
          const po = await purchasing
            .requirePurchaseOrder(trx, idaccount, input.idpurchaseorder)
            .catch((err: unknown) => {
              if (err instanceof DomainError && err.code === 'not_found')
                throw invalid(`Purchase order ${input.idpurchaseorder} does not exist`);
              throw err;
            });
          if (po.status !== 'purchased')
            throw invalidState(
              `Purchase order ${po.purchaseorderid} is ${po.status}; only purchased purchase orders can be received` +
                (po.status === 'concept' ? ' (mark it as purchased first)' : ''),
            );
          if (input.idsupplier != null && input.idsupplier !== po.idsupplier)
            throw invalid(`Purchase order ${po.purchaseorderid} is not from supplier ${input.idsupplier}`);
          if (input.idwarehouse != null && input.idwarehouse !== po.idwarehouse)
            throw invalid(
              `Purchase order ${po.purchaseorderid} is for warehouse ${po.idwarehouse}; leave idwarehouse out or use that one`,
            );
          idpurchaseorder = po.idpurchaseorder;
          idsupplier = po.idsupplier;
          idwarehouse = po.idwarehouse;
        } else if (input.idsupplier !== undefined && input.idsupplier !== null) {
          await purchasing.supplierRef(trx, idaccount, input.idsupplier);
          idsupplier = input.idsupplier;
          if (input.idwarehouse != null) {
            await purchasing.warehouseRef(trx, idaccount, input.idwarehouse);
            idwarehouse = input.idwarehouse;
          } else {
            // Purchase orders' default: the warehouse with the highest priority that accepts orders.
            const w = await purchasing.defaultWarehouse(trx, idaccount);
            if (w === undefined) throw invalid('No active warehouse accepts orders; give idwarehouse');
            idwarehouse = w;
          }
        } else {
          throw invalid(
            'Give idpurchaseorder to receive a purchase order, or idsupplier to receive from a supplier',
          );
        }
        const n = await nextNumber(trx, idaccount, 'receiptid');
        const id = await repo.insertReceipt(trx, {
          idaccount,
          receiptid: formatRunningNumber(clock().getUTCFullYear(), n),
          idwarehouse,
          idpurchaseorder,
          idsupplier,
          status: 'processing',
          version: 2,
          completed_at: null,
          created: now(),
          updated: now(),
        });
        const v = await view(trx, idaccount, id);
        await events.emit(trx, idaccount, 'receipts.created', 'receipt', id, v);
        return v;
      });
    },

    update(idaccount: number, idreceipt: number, input: ReceiptUpdate): Promise<ReceiptView> {
      return tx(async (trx) => {
        const r = await lockOpenReceipt(trx, idaccount, idreceipt);
        if (input.status === undefined || input.status === r.status) {
          if (input.status === 'completed') throw invalidState(`Receipt ${r.receiptid} is completed already`);
          return view(trx, idaccount, idreceipt);
        }
        if (input.status === 'processing')
          throw invalidState(
            `Receipt ${r.receiptid} is completed and cannot be reopened; create a new receipt`,
          );
        await repo.updateReceipt(trx, idaccount, idreceipt, {
          status: 'completed',
          completed_at: now(),
          updated: now(),
        });
        const v = await view(trx, idaccount, idreceipt);
        await events.emit(trx, idaccount, 'receipts.completed', 'receipt', idreceipt, v);
        return v;
      });
    },

    remove(idaccount: number, idreceipt: number): Promise<void> {
      return tx(async (trx) => {
        const r = await lockOpenReceipt(trx, idaccount, idreceipt);
        if ((await repo.countProducts(trx, idaccount, idreceipt)) > 0)
          throw invalidState(`Receipt ${r.receiptid} has received products, so it stays for the record`);
        await repo.deleteReceipt(trx, idaccount, idreceipt);
      });
    },

    async expectedProducts(db: Db, idaccount: number, idreceipt: number): Promise<ExpectedProductView[]> {
      const r = await requireReceipt(db, idaccount, idreceipt);
      const lines = await purchasing.receivableLines(
        db,
        idaccount,
        r.idpurchaseorder !== null
          ? { idpurchaseorder: r.idpurchaseorder }
          : { idsupplier: r.idsupplier!, idwarehouse: r.idwarehouse },
      );
      return lines.map((l) => ({
        idproduct: l.idproduct,
        productcode: l.productcode,
        name: l.name,
        idpurchaseorder: l.idpurchaseorder,
        purchaseorderid: l.purchaseorderid,
        idpurchaseorder_product: l.idpurchaseorder_product,
        amount_ordered: l.amount,
        amount_received: l.amountreceived,
        amount_expected: l.amount - l.amountreceived,
        delivery_date: l.delivery_date,
      }));
    },

    /**
     * Receives a product: books the stock at the location at once (change type `receipt`), raises
     * amountreceived on the purchase order lines it fills, and lets the stock core's listeners hand
     * the new stock to waiting backorders. Answers the received product rows (several when the
     * amount split across purchase orders).
     */
    receiveProduct(
      idaccount: number,
      idreceipt: number,
      input: ReceiveProduct,
    ): Promise<ReceiptProductView[]> {
      return tx(async (trx) => {
        const r = await requireReceipt(trx, idaccount, idreceipt);
        // Products before levels (ADR 0003): shared, so its type cannot change under the receipt.
        await purchasing.lockProductForReceipt(trx, idaccount, input.idproduct);
        const idlocation = input.idlocation ?? null;
        if (idlocation !== null) {
          const loc = await catalog.findLocation(trx, idaccount, idlocation);
          if (!loc || loc.idwarehouse !== r.idwarehouse)
            throw invalid(
              `Location ${idlocation} is not a location of warehouse ${r.idwarehouse}, where this receipt books`,
            );
        }
        await stock.lockLevelsInTrx(trx, idaccount, [
          { idproduct: input.idproduct, idwarehouse: r.idwarehouse },
        ]);
        const locked = await lockOpenReceipt(trx, idaccount, idreceipt);
        if (locked.status !== 'processing')
          throw invalidState(
            `Receipt ${r.receiptid} is completed and takes no more products; create a new receipt`,
          );
        const booked = await purchasing.receiveInTrx(trx, idaccount, {
          idproduct: input.idproduct,
          idwarehouse: r.idwarehouse,
          amount: input.amount,
          target:
            r.idpurchaseorder !== null
              ? { idpurchaseorder: r.idpurchaseorder }
              : { idsupplier: r.idsupplier! },
          idpurchaseorder_product: input.idpurchaseorder_product ?? undefined,
          overflowIdpurchaseorder:
            r.idpurchaseorder === null ? await repo.overflowOrderOf(trx, idaccount, idreceipt) : undefined,
          receiptid: r.receiptid,
        });
        const ids: number[] = [];
        for (const b of booked) {
          const id = await repo.insertReceiptProduct(trx, {
            idaccount,
            idreceipt,
            idpurchaseorder: b.idpurchaseorder,
            idpurchaseorder_product: b.idpurchaseorder_product,
            idproduct: input.idproduct,
            amount: b.amount,
            idlocation,
            added_by_receipt: b.added_by_receipt ? 1 : 0,
            created_at: now(),
            reverted_at: null,
          });
          ids.push(id);
          await stock.changeInTrx(trx, idaccount, {
            idproduct: input.idproduct,
            idwarehouse: r.idwarehouse,
            slot: stock.locationToSlot(idlocation),
            change: b.amount,
            reason: `Receipt ${r.receiptid}`,
            changeType: 'receipt',
            referenceType: 'receipt',
            referenceId: idreceipt,
          });
        }
        await repo.updateReceipt(trx, idaccount, idreceipt, { updated: now() });
        const rows = await productViewsOf(trx, idaccount, idreceipt, ids);
        for (const row of rows)
          await events.emit(trx, idaccount, 'receipts.product_received', 'receipt', idreceipt, row);
        return rows;
      });
    },

    /** Takes a received product back out of stock and off its purchase order line. */
    revertProduct(
      idaccount: number,
      idreceipt: number,
      idreceipt_product: number,
    ): Promise<ReceiptProductView> {
      return tx(async (trx) => {
        const r = await requireReceipt(trx, idaccount, idreceipt);
        const first = await repo.findReceiptProduct(trx, idaccount, idreceipt_product);
        if (!first || first.idreceipt !== idreceipt)
          throw notFound(`Product of receipt ${r.receiptid}`, idreceipt_product);
        await stock.lockLevelsInTrx(trx, idaccount, [
          { idproduct: first.idproduct, idwarehouse: r.idwarehouse },
        ]);
        await lockOpenReceipt(trx, idaccount, idreceipt);
        const rp = (await repo.findReceiptProduct(trx, idaccount, idreceipt_product))!;
        if (rp.reverted_at !== null)
          throw invalidState(`This received product was reverted already (at ${rp.reverted_at})`);
        if (rp.idpurchaseorder_product !== null)
          await purchasing.revertInTrx(trx, idaccount, {
            idpurchaseorder_product: rp.idpurchaseorder_product,
            amount: rp.amount,
          });
        await stock.changeInTrx(trx, idaccount, {
          idproduct: rp.idproduct,
          idwarehouse: r.idwarehouse,
          slot: stock.locationToSlot(rp.idlocation),
          change: -rp.amount,
          reason: `Revert of receipt ${r.receiptid}`,
          changeType: 'receipt',
          referenceType: 'receipt',
          referenceId: idreceipt,
        });
        if (!(await repo.markReverted(trx, idaccount, idreceipt_product, now())))
          throw invalidState('This received product was reverted already');
        await repo.updateReceipt(trx, idaccount, idreceipt, { updated: now() });
        const [row] = await productViewsOf(trx, idaccount, idreceipt, [idreceipt_product]);
        await events.emit(trx, idaccount, 'receipts.product_reverted', 'receipt', idreceipt, row);
        return row!;
      });
    },
  };
}

export type ReceiptsService = ReturnType<typeof createReceiptsService>;
