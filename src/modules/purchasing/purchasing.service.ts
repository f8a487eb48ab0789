import type { DatabaseHandle } from '../../db/connection.ts';
import { formatRunningNumber, nextNumber } from '../../db/counters.ts';
import { FootprintChanged, withTransaction, type Db, type Trx } from '../../db/transaction.ts';
import { DomainError, invalid, invalidState, notFound } from '../../domain/errors.ts';
import {
  cancel,
  checkLineAmount,
  checkLineDelete,
  close,
  isRefusal,
  linesEditable,
  markPurchased,
  planReceipt,
  statusAfterReceiving,
  type LineState,
  type PurchaseOrderStatus,
  type Refusal,
} from '../../domain/purchase-orders.ts';
import { formatDateTime, isValidDate, normaliseDateTime, type Clock } from '../../domain/time.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { BackordersService } from '../backorders/backorders.service.ts';
import type { EventsService } from '../events/events.service.ts';
import { lineHasReceipts } from '../receipts/receipts.repository.ts';
import type { StockService } from '../stock/stock.service.ts';
import { renderPurchaseOrderPdf } from './purchasing.pdf.ts';
import * as repo from './purchasing.repository.ts';
import type {
  CommentView,
  ExpectedLineView,
  LineUpdate,
  NewLine,
  PurchaseOrderCreate,
  PurchaseOrderProductView,
  PurchaseOrderQuery,
  PurchaseOrderUpdate,
  PurchaseOrderView,
} from './purchasing.schemas.ts';

/** Product types that hold stock, so that purchasing and receiving them means something (seed 003). */
const STOCKED_TYPES = new Set(['normal', 'composition_with_stock']);

/** A line as a receipt booked it. */
export interface ReceivedLine {
  idpurchaseorder: number;
  idpurchaseorder_product: number;
  amount: number;
  added_by_receipt: boolean;
}

export interface ReceiveInput {
  idproduct: number;
  idwarehouse: number;
  amount: number;
  target: { idpurchaseorder: number } | { idsupplier: number };
  /** Receive against this line (Picqer's strategy "purchaseorder_product"); else the oldest open order first. */
  idpurchaseorder_product?: number | undefined;
  /** Supplier receipts: the order this receipt already created for goods nobody ordered. */
  overflowIdpurchaseorder?: number | undefined;
  /** Names the receipt on an order it creates. */
  receiptid: string;
}

const lineState = (l: { amount: number; amountreceived: number; added_by_receipt: number }): LineState => ({
  amount: l.amount,
  amountreceived: l.amountreceived,
  added_by_receipt: l.added_by_receipt === 1,
});

function refuse(r: Refusal | undefined): void {
  if (r) throw invalidState(r.refused);
}

/**
 * Purchase orders, their lines and comments (seed 001), and the line bookkeeping of receipts.
 * Every change of what they expect to arrive marks the backorder queues of its products, whose
 * stored estimates are refreshed before the commit (backorders.expectationsChangedInTrx); the
 * expected availability of backorders is computed by the backorders service from
 * purchasing.reads.ts (reference 11.3).
 *
 * Lock order inside purchasing: purchase order rows by id, then their lines by id. Receiving runs
 * inside the receipts service's transaction after it locked the stock level (the global order:
 * stock_levels, then purchase orders, then location slots and backorders through the stock core).
 */
export function createPurchasingService(deps: {
  handle: DatabaseHandle;
  clock: Clock;
  events: EventsService;
  catalog: CatalogService;
  /** Stock levels are locked before purchase orders (the global lock order), see lockOrder. */
  stock: StockService;
  /** Stored estimates of backorders follow every change of what purchase orders expect. */
  backorders: BackordersService;
}) {
  const { handle, clock, events, catalog, stock, backorders } = deps;
  const engine = handle.engine;
  const now = () => formatDateTime(clock());
  const tx = <T>(fn: (trx: Trx) => Promise<T>) => withTransaction(handle, fn);

  // Views

  function lineView(l: repo.LineRow): PurchaseOrderProductView {
    return {
      idpurchaseorder_product: l.idpurchaseorder_product,
      idproduct: l.idproduct,
      idvatgroup: null,
      productcode: l.productcode,
      productcode_supplier: l.productcode_supplier,
      name: l.name,
      price: Number(l.price),
      amount: l.amount,
      amountreceived: l.amountreceived,
      delivery_date: l.delivery_date,
      weight: l.weight,
      added_by_receipt: l.added_by_receipt === 1,
    };
  }

  async function views(
    db: Db,
    idaccount: number,
    rows: repo.PurchaseOrderRow[],
  ): Promise<PurchaseOrderView[]> {
    const ids = rows.map((r) => r.idpurchaseorder);
    const lines = await repo.linesOf(db, idaccount, ids);
    const counts = await repo.commentCounts(db, idaccount, 'purchaseorder', ids);
    const byOrder = new Map<number, PurchaseOrderProductView[]>();
    for (const l of lines) {
      const list = byOrder.get(l.idpurchaseorder) ?? [];
      list.push(lineView(l));
      byOrder.set(l.idpurchaseorder, list);
    }
    return rows.map((r) => ({
      idpurchaseorder: r.idpurchaseorder,
      idsupplier: r.idsupplier,
      idtemplate: r.idtemplate,
      idwarehouse: r.idwarehouse,
      purchaseorderid: r.purchaseorderid,
      supplier_name: r.supplier_name,
      supplier_orderid: r.supplier_orderid,
      status: r.status as PurchaseOrderStatus,
      remarks: r.remarks,
      delivery_date: r.delivery_date,
      language: r.language,
      purchased_at: r.purchased_at,
      completed_at: r.completed_at,
      comment_count: counts.get(r.idpurchaseorder) ?? 0,
      created: r.created,
      updated: r.updated,
      products: byOrder.get(r.idpurchaseorder) ?? [],
    }));
  }

  async function requirePurchaseOrder(db: Db, idaccount: number, idpurchaseorder: number) {
    const po = await repo.findPurchaseOrder(db, idaccount, idpurchaseorder);
    if (!po) throw notFound('Purchase order', idpurchaseorder);
    return po;
  }

  async function view(db: Db, idaccount: number, idpurchaseorder: number): Promise<PurchaseOrderView> {
    const [v] = await views(db, idaccount, [await requirePurchaseOrder(db, idaccount, idpurchaseorder)]);
    return v!;
  }

  async function lineViewOf(db: Db, idaccount: number, idpurchaseorder: number, idline: number) {
    const line = (await repo.linesOf(db, idaccount, [idpurchaseorder])).find(
      (l) => l.idpurchaseorder_product === idline,
    );
    return lineView(line!);
  }

  // Checks of referenced objects: unknown references in a body are bad input (400), not a 404.

  /**
   * A product that can be on a purchase order line. `lock` (receiving) locks it shared first: its
   * type stays as checked until the commit, since a change of type locks it exclusively and refuses
   * while the product holds stock (so a product never becomes unlimited_stock with stock booked).
   */
  async function productForLine(db: Db, idaccount: number, idproduct: number, lock = false) {
    const read =
      lock && db.isTransaction
        ? catalog.lockProductShared(db as Trx, idaccount, idproduct)
        : catalog.requireProduct(db, idaccount, idproduct);
    const p = await read.catch((err: unknown) => {
      if (err instanceof DomainError && err.code === 'not_found')
        throw new DomainError('unknown_product', `Product ${idproduct} does not exist`);
      throw err;
    });
    if (!STOCKED_TYPES.has(p.type))
      throw invalid(
        `Product ${p.productcode} is of type ${p.type}, which holds no stock of its own; ` +
          'only normal products and compositions with stock can be purchased',
      );
    return p;
  }

  async function checkSupplier(db: Db, idaccount: number, idsupplier: number) {
    const s = await repo.findSupplier(db, idaccount, idsupplier);
    if (!s)
      throw invalid(`Supplier ${idsupplier} does not exist: create it first or give supplier_name instead`);
    return s;
  }

  async function checkWarehouse(db: Db, idaccount: number, idwarehouse: number) {
    await catalog.requireWarehouse(db, idaccount, idwarehouse).catch((err: unknown) => {
      if (err instanceof DomainError && err.code === 'not_found')
        throw invalid(`Warehouse ${idwarehouse} does not exist`);
      throw err;
    });
  }

  function checkDate(field: string, value: string | null | undefined) {
    if (value !== undefined && value !== null && !isValidDate(value))
      throw invalid(`${field} ${value} is not a calendar date; use YYYY-MM-DD`);
  }

  /** What purchase orders expect changed: the queues' stored estimates are refreshed before the commit. */
  function notifyExpected(trx: Trx, idaccount: number, idwarehouse: number, idproducts: Iterable<number>) {
    for (const idproduct of [...new Set(idproducts)].sort((a, b) => a - b))
      backorders.expectationsChangedInTrx(trx, idaccount, idproduct, idwarehouse);
  }

  async function emitChanged(
    trx: Trx,
    idaccount: number,
    idpurchaseorder: number,
    event = 'purchase_orders.changed',
  ) {
    const v = await view(trx, idaccount, idpurchaseorder);
    await events.emit(trx, idaccount, event, 'purchaseorder', idpurchaseorder, v);
    return v;
  }

  /**
   * Locks one order and all its lines (the lock order of purchasing: order, then lines). A use case
   * that changes what the order expects first locks the stock levels of its products (and of
   * `moreProducts`) in its warehouse: listeners refresh the backorder queues there under those
   * locks, and levels come before purchase orders in the global lock order (receipts lock the
   * level, then the order).
   */
  async function lockOrder(
    trx: Trx,
    idaccount: number,
    idpurchaseorder: number,
    levels: { moreProducts?: number[] } | false = {},
  ) {
    const lockedProducts = new Set<number>();
    if (levels) {
      const found = await requirePurchaseOrder(trx, idaccount, idpurchaseorder);
      const products = (await repo.linesOf(trx, idaccount, [idpurchaseorder])).map((l) => l.idproduct);
      for (const p of [...products, ...(levels.moreProducts ?? [])]) lockedProducts.add(p);
      await stock.lockLevelsInTrx(
        trx,
        idaccount,
        [...products, ...(levels.moreProducts ?? [])].map((idproduct) => ({
          idproduct,
          idwarehouse: found.idwarehouse,
        })),
      );
    }
    const [po] = await repo.lockPurchaseOrders(trx, engine, idaccount, [idpurchaseorder]);
    if (!po) throw notFound('Purchase order', idpurchaseorder);
    const lines = await repo.lockLinesOf(trx, engine, idaccount, [idpurchaseorder]);
    // A line added between reading the lines and locking the order has a level this transaction
    // does not hold; taking it now would lock a level after a purchase order (receipts lock the other
    // way round), so the transaction runs again with the new line read first.
    if (levels && lines.some((l) => !lockedProducts.has(l.idproduct)))
      throw new FootprintChanged(`a line was added to purchase order ${idpurchaseorder}`);
    return { po, lines };
  }

  async function insertLine(trx: Trx, idaccount: number, idpurchaseorder: number, line: NewLine) {
    const p = await productForLine(trx, idaccount, line.idproduct);
    // Inactive products are not purchased any more (received goods of them are still booked).
    if (p.active !== 1)
      throw invalid(`Product ${p.productcode} is inactive; activate it before purchasing it`);
    checkDate('delivery_date', line.delivery_date);
    return repo.insertLine(trx, {
      idaccount,
      idpurchaseorder,
      idproduct: line.idproduct,
      // The purchase price: Stockroom's product has no separate purchase price, and its fixed
      // stock (cost) price is what a purchase costs; without one the price is 0, never the sales price.
      price: line.price ?? p.fixedstockprice ?? 0,
      amount: line.amount,
      amountreceived: 0,
      delivery_date: line.delivery_date ?? null,
      added_by_receipt: 0,
    });
  }

  /** Sets the status that receiving or a line edit leads to, with its timestamps. */
  async function settleStatus(
    trx: Trx,
    idaccount: number,
    po: { idpurchaseorder: number; status: string },
    before: readonly LineState[],
  ): Promise<void> {
    const after = (await repo.lockLinesOf(trx, engine, idaccount, [po.idpurchaseorder])).map(lineState);
    const status = po.status as PurchaseOrderStatus;
    const next = statusAfterReceiving(status, before, after);
    await repo.updatePurchaseOrder(trx, idaccount, po.idpurchaseorder, {
      updated: now(),
      ...(next !== status && { status: next, completed_at: next === 'received' ? now() : null }),
    });
  }

  async function transition(
    idaccount: number,
    idpurchaseorder: number,
    decide: (status: PurchaseOrderStatus, lines: LineState[]) => PurchaseOrderStatus | Refusal,
  ): Promise<PurchaseOrderView> {
    return tx(async (trx) => {
      const { po, lines } = await lockOrder(trx, idaccount, idpurchaseorder);
      const next = decide(po.status as PurchaseOrderStatus, lines.map(lineState));
      if (isRefusal(next)) throw invalidState(next.refused);
      await repo.updatePurchaseOrder(trx, idaccount, idpurchaseorder, {
        status: next,
        updated: now(),
        ...(next === 'purchased' && { purchased_at: now() }),
        ...(next === 'received' && { completed_at: now() }),
      });
      const v = await emitChanged(
        trx,
        idaccount,
        idpurchaseorder,
        next === 'purchased' ? 'purchase_orders.purchased' : 'purchase_orders.changed',
      );
      notifyExpected(
        trx,
        idaccount,
        po.idwarehouse,
        lines.map((l) => l.idproduct),
      );
      return v;
    });
  }

  return {
    async list(
      db: Db,
      idaccount: number,
      q: PurchaseOrderQuery,
      limit: number,
    ): Promise<PurchaseOrderView[]> {
      let updatedAfter: string | undefined;
      if (q.updated_after !== undefined) {
        updatedAfter = normaliseDateTime(q.updated_after);
        if (!updatedAfter)
          throw invalid(`updated_after ${q.updated_after} is not a date and time; use YYYY-MM-DD HH:MM:SS`);
      }
      const rows = await repo.listPurchaseOrders(db, idaccount, {
        status: q.status,
        search: q.search?.trim() || undefined,
        updatedAfter,
        idsupplier: q.idsupplier,
        idwarehouse: q.idwarehouse,
        offset: q.offset ?? 0,
        limit,
      });
      return views(db, idaccount, rows);
    },

    get: view,
    requirePurchaseOrder,
    /** A supplier referenced from a body (400 when unknown). */
    supplierRef: checkSupplier,
    /** A warehouse referenced from a body (400 when unknown). */
    warehouseRef: checkWarehouse,
    /** The warehouse with the highest priority (lowest number) that accepts orders, if any. */
    defaultWarehouse: async (db: Db, idaccount: number) =>
      (await repo.defaultWarehouse(db, idaccount))?.idwarehouse,
    /** Products that purchasing and receiving accept (400 when unknown or not holding stock). */
    productRef: productForLine,
    /** The product a receipt books, locked shared until the commit (see productForLine). */
    lockProductForReceipt: (trx: Trx, idaccount: number, idproduct: number) =>
      productForLine(trx, idaccount, idproduct, true),

    create(idaccount: number, input: PurchaseOrderCreate): Promise<PurchaseOrderView> {
      return tx(async (trx) => {
        let supplierName: string | null = null;
        let language = input.language;
        if (input.idsupplier !== undefined && input.idsupplier !== null) {
          const s = await checkSupplier(trx, idaccount, input.idsupplier);
          if (!language && (s.language === 'nl' || s.language === 'en')) language = s.language;
        } else {
          supplierName = input.supplier_name?.trim() || null;
          if (!supplierName)
            throw invalid('Give idsupplier, or supplier_name when the supplier is not in Stockroom');
        }
        let idwarehouse = input.idwarehouse ?? undefined;
        if (idwarehouse !== undefined) await checkWarehouse(trx, idaccount, idwarehouse);
        else {
          const w = await repo.defaultWarehouse(trx, idaccount);
          if (!w) throw invalid('No active warehouse accepts orders; give idwarehouse');
          idwarehouse = w.idwarehouse;
        }
        checkDate('delivery_date', input.delivery_date);
        const n = await nextNumber(trx, idaccount, 'purchaseorderid');
        const id = await repo.insertPurchaseOrder(trx, {
          idaccount,
          purchaseorderid: formatRunningNumber(clock().getUTCFullYear(), n),
          idsupplier: input.idsupplier ?? null,
          supplier_name: supplierName,
          supplier_orderid: input.supplier_orderid ?? null,
          idwarehouse,
          idtemplate: input.idtemplate ?? null,
          status: 'concept',
          remarks: input.remarks ?? null,
          delivery_date: input.delivery_date ?? null,
          language: language ?? 'en',
          purchased_at: null,
          completed_at: null,
          created: now(),
          updated: now(),
        });
        for (const line of input.products) await insertLine(trx, idaccount, id, line);
        return emitChanged(trx, idaccount, id, 'purchase_orders.created');
      });
    },

    update(
      idaccount: number,
      idpurchaseorder: number,
      input: PurchaseOrderUpdate,
    ): Promise<PurchaseOrderView> {
      return tx(async (trx) => {
        const { po, lines } = await lockOrder(trx, idaccount, idpurchaseorder);
        const movesSupply =
          (input.idwarehouse !== undefined && input.idwarehouse !== po.idwarehouse) ||
          (input.idsupplier !== undefined && input.idsupplier !== po.idsupplier);
        if (movesSupply && po.status !== 'concept')
          throw invalidState(
            `The supplier and warehouse can only change while the purchase order is a concept; this one is ${po.status}`,
          );
        if (input.idsupplier !== undefined && input.idsupplier !== null)
          await checkSupplier(trx, idaccount, input.idsupplier);
        if (input.idwarehouse !== undefined) await checkWarehouse(trx, idaccount, input.idwarehouse);
        checkDate('delivery_date', input.delivery_date);
        const idsupplier = input.idsupplier !== undefined ? input.idsupplier : po.idsupplier;
        const supplierName =
          idsupplier !== null
            ? null
            : input.supplier_name !== undefined
              ? input.supplier_name?.trim() || null
              : po.supplier_name;
        if (idsupplier === null && !supplierName)
          throw invalid('A purchase order needs idsupplier or supplier_name; give one of them');
        await repo.updatePurchaseOrder(trx, idaccount, idpurchaseorder, {
          idsupplier,
          supplier_name: supplierName,
          ...(input.idwarehouse !== undefined && { idwarehouse: input.idwarehouse }),
          ...(input.idtemplate !== undefined && { idtemplate: input.idtemplate }),
          ...(input.supplier_orderid !== undefined && { supplier_orderid: input.supplier_orderid }),
          ...(input.remarks !== undefined && { remarks: input.remarks }),
          ...(input.delivery_date !== undefined && { delivery_date: input.delivery_date }),
          ...(input.language !== undefined && { language: input.language }),
          updated: now(),
        });
        const v = await emitChanged(trx, idaccount, idpurchaseorder);
        if (input.delivery_date !== undefined && input.delivery_date !== po.delivery_date)
          notifyExpected(
            trx,
            idaccount,
            po.idwarehouse,
            lines.map((l) => l.idproduct),
          );
        return v;
      });
    },

    markPurchased: (idaccount: number, idpurchaseorder: number) =>
      transition(idaccount, idpurchaseorder, markPurchased),
    cancel: (idaccount: number, idpurchaseorder: number) => transition(idaccount, idpurchaseorder, cancel),
    close: (idaccount: number, idpurchaseorder: number) => transition(idaccount, idpurchaseorder, close),

    // Lines

    async lines(db: Db, idaccount: number, idpurchaseorder: number): Promise<PurchaseOrderProductView[]> {
      return (await view(db, idaccount, idpurchaseorder)).products;
    },

    addLine(idaccount: number, idpurchaseorder: number, input: NewLine): Promise<PurchaseOrderProductView> {
      return tx(async (trx) => {
        await requirePurchaseOrder(trx, idaccount, idpurchaseorder);
        await productForLine(trx, idaccount, input.idproduct);
        const { po, lines } = await lockOrder(trx, idaccount, idpurchaseorder, {
          moreProducts: [input.idproduct],
        });
        refuse(linesEditable(po.status as PurchaseOrderStatus));
        const id = await insertLine(trx, idaccount, idpurchaseorder, input);
        // A new open line reopens nothing: a received order is not editable, so this order stays as it is.
        await settleStatus(trx, idaccount, po, lines.map(lineState));
        await emitChanged(trx, idaccount, idpurchaseorder);
        notifyExpected(trx, idaccount, po.idwarehouse, [input.idproduct]);
        return lineViewOf(trx, idaccount, idpurchaseorder, id);
      });
    },

    updateLine(
      idaccount: number,
      idpurchaseorder: number,
      idline: number,
      input: LineUpdate,
    ): Promise<PurchaseOrderProductView> {
      return tx(async (trx) => {
        const { po, lines } = await lockOrder(trx, idaccount, idpurchaseorder);
        const line = lines.find((l) => l.idpurchaseorder_product === idline);
        if (!line) throw notFound(`Product line on purchase order ${idpurchaseorder}`, idline);
        refuse(linesEditable(po.status as PurchaseOrderStatus));
        if (input.amount !== undefined) refuse(checkLineAmount(input.amount, line.amountreceived));
        checkDate('delivery_date', input.delivery_date);
        await repo.updateLine(trx, idaccount, idline, {
          ...(input.amount !== undefined && { amount: input.amount }),
          ...(input.price !== undefined && { price: input.price }),
          ...(input.delivery_date !== undefined && { delivery_date: input.delivery_date }),
        });
        await settleStatus(trx, idaccount, po, lines.map(lineState));
        await emitChanged(trx, idaccount, idpurchaseorder);
        notifyExpected(trx, idaccount, po.idwarehouse, [line.idproduct]);
        return lineViewOf(trx, idaccount, idpurchaseorder, idline);
      });
    },

    deleteLine(idaccount: number, idpurchaseorder: number, idline: number): Promise<void> {
      return tx(async (trx) => {
        const { po, lines } = await lockOrder(trx, idaccount, idpurchaseorder);
        const line = lines.find((l) => l.idpurchaseorder_product === idline);
        if (!line) throw notFound(`Product line on purchase order ${idpurchaseorder}`, idline);
        refuse(linesEditable(po.status as PurchaseOrderStatus));
        refuse(checkLineDelete(line.amountreceived));
        if (await lineHasReceipts(trx, idaccount, idline))
          throw invalidState(
            'Receipts booked onto this product before (and were reverted), so it stays for the record; ' +
              `lower its amount instead (to at least 1)`,
          );
        await repo.deleteLine(trx, idaccount, idline);
        await settleStatus(trx, idaccount, po, lines.map(lineState));
        await emitChanged(trx, idaccount, idpurchaseorder);
        notifyExpected(trx, idaccount, po.idwarehouse, [line.idproduct]);
      });
    },

    // Comments

    async comments(db: Db, idaccount: number, idpurchaseorder: number): Promise<CommentView[]> {
      const po = await requirePurchaseOrder(db, idaccount, idpurchaseorder);
      const rows = await repo.commentsOf(db, idaccount, 'purchaseorder', idpurchaseorder);
      return rows.map((c) => commentView(c, po));
    },

    addComment(idaccount: number, idpurchaseorder: number, body: string): Promise<CommentView> {
      return tx(async (trx) => {
        const po = await requirePurchaseOrder(trx, idaccount, idpurchaseorder);
        if (!body.trim()) throw invalid('The comment body is empty; write some text');
        const id = await repo.insertComment(trx, {
          idaccount,
          source_type: 'purchaseorder',
          source_id: idpurchaseorder,
          body,
          created_at: now(),
        });
        const c = (await repo.commentsOf(trx, idaccount, 'purchaseorder', idpurchaseorder)).find(
          (r) => r.idcomment === id,
        )!;
        return commentView(c, po);
      });
    },

    /** The purchase order as a PDF document for the supplier, in the order's language. */
    async pdf(
      db: Db,
      idaccount: number,
      idpurchaseorder: number,
    ): Promise<{ filename: string; pdf: Buffer }> {
      const po = await view(db, idaccount, idpurchaseorder);
      const s = po.idsupplier !== null ? await repo.findSupplier(db, idaccount, po.idsupplier) : undefined;
      const w = await catalog.requireWarehouse(db, idaccount, po.idwarehouse);
      const present = (xs: (string | null | undefined)[]) => xs.filter((x): x is string => !!x);
      const pdf = await renderPurchaseOrderPdf(
        po,
        {
          name: s?.name ?? po.supplier_name ?? '',
          lines: s
            ? present([
                s.contactname,
                s.address,
                s.address2,
                present([s.zipcode, s.city]).join(' '),
                s.country,
              ])
            : [],
        },
        { name: w.name, lines: [] },
      );
      return { filename: `purchaseorder-${po.purchaseorderid}.pdf`, pdf };
    },

    // Expected stock

    /** `GET /products/{id}/expected`: open quantities of purchased orders, earliest expected first. */
    async expectedOfProduct(db: Db, idaccount: number, idproduct: number): Promise<ExpectedLineView[]> {
      await catalog.requireProduct(db, idaccount, idproduct);
      const rows = await repo.openLinesOfProduct(db, idaccount, idproduct);
      return rows
        .map((r) => ({
          idpurchaseorder: r.idpurchaseorder,
          purchaseorderid: r.purchaseorderid,
          idpurchaseorder_product: r.idpurchaseorder_product,
          idwarehouse: r.idwarehouse,
          idsupplier: r.idsupplier,
          supplier_name: r.supplier_name,
          amount: r.amount,
          amountreceived: r.amountreceived,
          amount_open: r.amount - r.amountreceived,
          delivery_date: r.date,
        }))
        .sort(
          (a, b) =>
            (a.delivery_date ?? '9999').localeCompare(b.delivery_date ?? '9999') ||
            a.idpurchaseorder - b.idpurchaseorder ||
            a.idpurchaseorder_product - b.idpurchaseorder_product,
        );
    },

    // Receiving (called by the receipts service inside its transaction)

    /** Open ordered lines a receipt expects: of its purchase order, or of its supplier's purchased orders. */
    receivableLines: (
      db: Db,
      idaccount: number,
      target: { idpurchaseorder: number } | { idsupplier: number; idwarehouse: number },
    ) => repo.receivableLines(db, idaccount, target),

    /**
     * Books a received amount onto purchase order lines: the given line, or the open lines of the
     * product oldest order first, splitting across orders; what no line expects goes to a line
     * added by the receipt on the receipt's purchase order (a supplier receipt creates a purchased
     * order of that supplier on first need, and keeps using it).
     * The caller holds the stock level lock of (product, warehouse); this locks the orders, then
     * their lines, and updates amountreceived relatively.
     */
    async receiveInTrx(trx: Trx, idaccount: number, input: ReceiveInput): Promise<ReceivedLine[]> {
      const { idproduct, idwarehouse } = input;
      const product = await productForLine(trx, idaccount, idproduct);

      // 1. Which lines may take the goods, and which order takes what none expects.
      let candidates: { idpurchaseorder: number; idpurchaseorder_product: number }[];
      let overflowTo: number | undefined;
      let strictOrders: number[] = [];
      if (input.idpurchaseorder_product !== undefined) {
        const line = await repo.findLine(trx, idaccount, input.idpurchaseorder_product);
        const po = line && (await repo.findPurchaseOrder(trx, idaccount, line.idpurchaseorder));
        const onReceipt =
          po &&
          ('idpurchaseorder' in input.target
            ? po.idpurchaseorder === input.target.idpurchaseorder
            : po.idsupplier === input.target.idsupplier && po.idwarehouse === idwarehouse);
        if (!line || !onReceipt)
          throw new DomainError(
            'product_not_on_purchaseorder',
            `Purchase order line ${input.idpurchaseorder_product} is not on a purchase order of this receipt`,
          );
        if (line.idproduct !== idproduct)
          throw new DomainError(
            'product_not_on_purchaseorder',
            `Purchase order line ${input.idpurchaseorder_product} is for product ${line.idproduct}, not ${idproduct}`,
          );
        candidates = [line];
        // What the line cannot take goes where any unexpected goods of this receipt go.
        overflowTo = 'idpurchaseorder' in input.target ? line.idpurchaseorder : input.overflowIdpurchaseorder;
        strictOrders = [line.idpurchaseorder];
      } else if ('idpurchaseorder' in input.target) {
        candidates = await repo.receivableLines(trx, idaccount, input.target, idproduct);
        overflowTo = input.target.idpurchaseorder;
        strictOrders = [input.target.idpurchaseorder];
      } else {
        candidates = await repo.receivableLines(
          trx,
          idaccount,
          { idsupplier: input.target.idsupplier, idwarehouse },
          idproduct,
        );
        overflowTo = input.overflowIdpurchaseorder;
      }

      // 2. Lock the orders, then all their lines; decide on the locked values.
      const candidateSet = new Set(candidates.map((c) => c.idpurchaseorder_product));
      const orderIds = new Set<number>([...strictOrders, ...candidates.map((c) => c.idpurchaseorder)]);
      if (overflowTo !== undefined) orderIds.add(overflowTo);
      const orders = await repo.lockPurchaseOrders(trx, engine, idaccount, [...orderIds]);
      const orderById = new Map(orders.map((o) => [o.idpurchaseorder, o]));
      for (const id of strictOrders) {
        const o = orderById.get(id);
        if (!o) throw notFound('Purchase order', id);
        if (o.status !== 'purchased' && o.status !== 'received')
          throw invalidState(
            `Purchase order ${o.purchaseorderid} is ${o.status}; products can only be received on purchased orders`,
          );
      }
      const locked = await repo.lockLinesOf(trx, engine, idaccount, [...orderById.keys()]);
      const before = new Map<number, LineState[]>();
      for (const l of locked)
        before.set(l.idpurchaseorder, [...(before.get(l.idpurchaseorder) ?? []), lineState(l)]);
      const open = locked
        .filter((l) => candidateSet.has(l.idpurchaseorder_product))
        // Supplier receipts serve purchased orders only; an order may have changed before the lock.
        .filter(
          (l) =>
            strictOrders.includes(l.idpurchaseorder) ||
            orderById.get(l.idpurchaseorder)?.status === 'purchased',
        )
        .sort(
          (a, b) =>
            a.idpurchaseorder - b.idpurchaseorder || a.idpurchaseorder_product - b.idpurchaseorder_product,
        )
        .map((l) => ({
          idpurchaseorder: l.idpurchaseorder,
          idpurchaseorder_product: l.idpurchaseorder_product,
          open: l.amount - l.amountreceived,
        }));
      const plan = planReceipt(open, input.amount);

      // 3. Write relative updates.
      const result: ReceivedLine[] = [];
      for (const p of plan.lines) {
        if (!(await repo.adjustReceived(trx, idaccount, p.idpurchaseorder_product, p.amount)))
          throw new Error(`line ${p.idpurchaseorder_product} refused a planned receipt of ${p.amount}`);
        result.push({ ...p, added_by_receipt: false });
      }
      if (plan.overflow > 0) {
        if (overflowTo === undefined) {
          // A supplier receipt's first unexpected goods: a new purchased order of that supplier.
          const idsupplier = (input.target as { idsupplier: number }).idsupplier;
          const s = await checkSupplier(trx, idaccount, idsupplier);
          const n = await nextNumber(trx, idaccount, 'purchaseorderid');
          overflowTo = await repo.insertPurchaseOrder(trx, {
            idaccount,
            purchaseorderid: formatRunningNumber(clock().getUTCFullYear(), n),
            idsupplier,
            supplier_name: null,
            supplier_orderid: null,
            idwarehouse,
            idtemplate: null,
            status: 'purchased',
            remarks: `Created by receipt ${input.receiptid} for received products that were not purchased`,
            delivery_date: null,
            language: s.language === 'nl' ? 'nl' : 'en',
            purchased_at: now(),
            completed_at: null,
            created: now(),
            updated: now(),
          });
          await events.emit(
            trx,
            idaccount,
            'purchase_orders.created',
            'purchaseorder',
            overflowTo,
            await view(trx, idaccount, overflowTo),
          );
          orderById.set(overflowTo, (await repo.findPurchaseOrder(trx, idaccount, overflowTo))!);
          before.set(overflowTo, []);
        }
        const added = locked.find(
          (l) => l.idpurchaseorder === overflowTo && l.idproduct === idproduct && l.added_by_receipt === 1,
        );
        let idline: number;
        if (added) {
          // Fill what reverts left open on the added line first, then grow it.
          const gap = added.amount - added.amountreceived;
          idline = added.idpurchaseorder_product;
          if (
            !(await repo.adjustReceived(
              trx,
              idaccount,
              idline,
              plan.overflow,
              Math.max(0, plan.overflow - gap),
            ))
          )
            throw new Error(`added line ${idline} refused ${plan.overflow}`);
        } else {
          idline = await repo.insertLine(trx, {
            idaccount,
            idpurchaseorder: overflowTo,
            idproduct,
            price: product.fixedstockprice ?? 0,
            amount: plan.overflow,
            amountreceived: plan.overflow,
            delivery_date: null,
            added_by_receipt: 1,
          });
        }
        result.push({
          idpurchaseorder: overflowTo,
          idpurchaseorder_product: idline,
          amount: plan.overflow,
          added_by_receipt: true,
        });
      }

      // 4. Statuses, events and listeners of every order that received something.
      for (const id of new Set(result.map((r) => r.idpurchaseorder))) {
        await settleStatus(trx, idaccount, orderById.get(id)!, before.get(id) ?? []);
        await emitChanged(trx, idaccount, id);
      }
      notifyExpected(trx, idaccount, idwarehouse, [idproduct]);
      return result;
    },

    /** Takes a reverted receipt product off its line (the caller holds the stock level lock). */
    async revertInTrx(
      trx: Trx,
      idaccount: number,
      input: { idpurchaseorder_product: number; amount: number },
    ): Promise<void> {
      const line = await repo.findLine(trx, idaccount, input.idpurchaseorder_product);
      if (!line) throw notFound('Purchase order line', input.idpurchaseorder_product);
      // The receipts service holds the level of this line's product: no more levels here.
      const { po, lines } = await lockOrder(trx, idaccount, line.idpurchaseorder, false);
      if (!(await repo.adjustReceived(trx, idaccount, input.idpurchaseorder_product, -input.amount)))
        throw invalidState(
          `Purchase order line ${input.idpurchaseorder_product} has less than ${input.amount} received; nothing was reverted`,
        );
      await settleStatus(trx, idaccount, po, lines.map(lineState));
      await emitChanged(trx, idaccount, po.idpurchaseorder);
      notifyExpected(trx, idaccount, po.idwarehouse, [line.idproduct]);
    },
  };
}

function commentView(
  c: { idcomment: number; body: string; created_at: string; updated_at: string },
  po: { idpurchaseorder: number; purchaseorderid: string },
): CommentView {
  return {
    idcomment: c.idcomment,
    source_type: 'purchaseorder',
    source: { idpurchaseorder: po.idpurchaseorder, purchaseorderid: po.purchaseorderid },
    // Stockroom has API keys, not users: comments have no author object.
    author_type: null,
    author: null,
    body: c.body,
    mentions: [],
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

export type PurchasingService = ReturnType<typeof createPurchasingService>;
