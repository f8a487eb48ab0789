import type { DatabaseHandle } from '../../db/connection.ts';
import { formatRunningNumber, nextNumber } from '../../db/counters.ts';
import { keyLookupPlans } from '../../db/planner.ts';
import { withTransaction, type Db, type Trx } from '../../db/transaction.ts';
import { groupBy } from '../../domain/collections.ts';
import { planBackorderProcessing } from '../../domain/backorder-processing.ts';
import { DomainError, invalid, invalidState, notFound } from '../../domain/errors.ts';
import {
  availabilityKey,
  planOrderProcessing,
  type CompositionPart,
  type ProcessLine,
} from '../../domain/orders-processing.ts';
import { formatDateTime, normaliseDateTime, type Clock } from '../../domain/time.ts';
import { dateTimeParam } from '../../db/search.ts';
import {
  uniqueKeys,
  type BackorderRow,
  type BackordersService,
  type LevelKeyPair,
} from '../backorders/backorders.service.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { EventsService } from '../events/events.service.ts';
import type { PicklistLineInput, PicklistsService } from '../picklists/picklists.service.ts';
import type { StockService } from '../stock/stock.service.ts';
import * as repo from './orders.repository.ts';
import type {
  OrderCreate,
  OrderLineInput,
  OrderLineUpdate,
  OrderQuery,
  OrderUpdate,
} from './orders.schemas.ts';

/**
 * Orders: concept -> (allocate) -> process -> picklists and backorders -> completed.
 *
 * Lock order of every use case about an order: the order row, then its picklists, then every
 * stock level the use case may touch (stock.lockLevelsInTrx, sorted, once, up front), then
 * location slots, then backorder rows. Locking all levels up front keeps two orders processed at
 * the same time from deadlocking, and lets processing decide on values nobody else can change.
 */

const EDITABLE = ['concept', 'expected'];
const CANCELLABLE = ['concept', 'expected', 'processing', 'paused'];
const STOCKED_TYPES = ['normal', 'composition_with_stock'];

const bool = (b: boolean) => (b ? 1 : 0);

/**
 * POST /backorders/process: orders per transaction (about ten times as many backorders in the
 * benchmark; sized so that a batch holds its locks for a fraction of a second).
 */
const PROCESS_ALL_BATCH = 100;
const lineAmountMessage = 'Amount cannot be changed when order is processed already.';
const lineRemoveMessage = 'Product cannot be removed when order is processed';

interface ProductInfo {
  idproduct: number;
  productcode: string;
  name: string;
  price: number;
  type: string;
  active: number;
}

export function createOrdersService(deps: {
  handle: DatabaseHandle;
  clock: Clock;
  events: EventsService;
  stock: StockService;
  catalog: CatalogService;
  backorders: BackordersService;
  picklists: PicklistsService;
}) {
  const { handle, clock, events, stock, catalog, backorders, picklists } = deps;
  const engine = handle.engine;
  const now = () => formatDateTime(clock());
  const tx = <T>(fn: (trx: Trx) => Promise<T>) => withTransaction(handle, fn);

  // Views

  async function views(db: Db, idaccount: number, rows: readonly repo.OrderRow[]) {
    const lines = await repo.linesOf(
      db,
      idaccount,
      rows.map((o) => o.idorder),
    );
    const codes = new Map<number, string>();
    for (const id of new Set(lines.map((l) => l.idproduct)))
      codes.set(id, (await catalog.requireProduct(db, idaccount, id)).productcode);
    const out = [];
    for (const o of rows)
      out.push({
        idorder: o.idorder,
        orderid: o.orderid,
        idcustomer: o.idcustomer,
        status: o.status,
        partialdelivery: o.partialdelivery === 1,
        warehouses: JSON.parse(o.warehouses) as number[],
        reference: o.reference,
        emailaddress: o.emailaddress,
        language: o.language,
        deliveryname: o.deliveryname,
        deliverycontactname: o.deliverycontactname,
        deliveryaddress: o.deliveryaddress,
        deliveryaddress2: o.deliveryaddress2,
        deliveryzipcode: o.deliveryzipcode,
        deliverycity: o.deliverycity,
        deliveryregion: o.deliveryregion,
        deliverycountry: o.deliverycountry,
        allocated: o.allocated === 1,
        processed_at: o.processed_at,
        completed_at: o.completed_at,
        cancelled_at: o.cancelled_at,
        created: o.created,
        updated: o.updated,
        products: lines
          .filter((l) => l.idorder === o.idorder)
          .map((l) => lineView(l, codes.get(l.idproduct)!)),
        picklists: await picklists.summariesOfOrder(db, idaccount, o.idorder),
      });
    return out;
  }

  const lineView = (l: repo.OrderLineRow, productcode: string) => ({
    idorder_product: l.idorder_product,
    idproduct: l.idproduct,
    productcode,
    name: l.name,
    remarks: l.remarks,
    price: l.price,
    amount: l.amount,
    amount_cancelled: l.amount_cancelled,
    has_parts: l.has_parts === 1,
    partof_idorder_product: l.partof_idorder_product,
  });

  async function viewOf(db: Db, idaccount: number, idorder: number) {
    const o = await repo.findOrder(db, idaccount, idorder);
    if (!o) throw notFound('Order', idorder);
    return (await views(db, idaccount, [o]))[0]!;
  }

  async function emitOrder(trx: Trx, idaccount: number, idorder: number, ...names: string[]) {
    const view = await viewOf(trx, idaccount, idorder);
    for (const name of names) await events.emit(trx, idaccount, name, 'order', idorder, view);
    return view;
  }

  // Shared steps

  async function lockOrderInTrx(trx: Trx, idaccount: number, idorder: number): Promise<repo.OrderRow> {
    const o = await repo.lockOrder(trx, engine, idaccount, idorder);
    if (!o) throw notFound('Order', idorder);
    return o;
  }

  async function product(db: Db, idaccount: number, idproduct: number): Promise<ProductInfo> {
    return catalog.requireProduct(db, idaccount, idproduct);
  }

  /** A product an order line refers to: unknown is Picqer's error 24, inactive a 400. */
  async function orderableProduct(db: Db, idaccount: number, line: OrderLineInput): Promise<ProductInfo> {
    if (line.idproduct === undefined || line.amount === undefined)
      throw new DomainError(
        'order_line_invalid',
        'Idproduct or amount missing from product in an order: every line needs both',
      );
    if (line.amount <= 0)
      throw new DomainError('order_line_invalid', `Amount ${line.amount} is not valid: order at least 1`);
    let p: ProductInfo;
    try {
      p = await product(db, idaccount, line.idproduct);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'not_found')
        throw new DomainError(
          'unknown_product',
          `Product ${line.idproduct} you are trying to order does not exist: create it first`,
        );
      throw err;
    }
    if (p.active !== 1) throw invalid(`Product ${p.idproduct} is inactive: activate it before ordering it`);
    return p;
  }

  async function checkCustomer(db: Db, idaccount: number, idcustomer: number | null | undefined) {
    if (idcustomer === undefined || idcustomer === null) return;
    try {
      await catalog.getCustomer(db, idaccount, idcustomer);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'not_found')
        throw new DomainError(
          'unknown_customer',
          `Customer ${idcustomer} you are making an order for does not exist: create it first or leave idcustomer out`,
        );
      throw err;
    }
  }

  /** The order's warehouses as given (checked), or all that accept orders now. */
  async function warehousesFor(
    db: Db,
    idaccount: number,
    given: readonly number[] | undefined,
  ): Promise<number[]> {
    if (given !== undefined) {
      for (const id of given)
        if (!(await catalog.getWarehouse(db, idaccount, id).catch(() => undefined)))
          throw invalid(`Warehouse ${id} does not exist: list only your own warehouses in warehouses`);
      return [...new Set(given)];
    }
    return (await catalog.listWarehouses(db, idaccount, 0, 10_000))
      .filter((w) => w.accept_orders && w.active)
      .map((w) => w.idwarehouse);
  }

  /** Candidate warehouses for shipping: the order's active ones, best first (priority, then id). */
  async function candidates(db: Db, idaccount: number, order: repo.OrderRow): Promise<number[]> {
    let ids = JSON.parse(order.warehouses) as number[];
    if (ids.length === 0) ids = await warehousesFor(db, idaccount, undefined);
    const rows = [];
    for (const id of ids) rows.push(await catalog.getWarehouse(db, idaccount, id));
    return rows
      .filter((w) => w.active)
      .sort((a, b) => a.priority - b.priority || a.idwarehouse - b.idwarehouse)
      .map((w) => w.idwarehouse);
  }

  /** The stocked leaves of a virtual composition, per one composition (nested compositions flattened). */
  async function leafParts(
    db: Db,
    idaccount: number,
    idproduct: number,
    depth = 0,
  ): Promise<{ idproduct: number; per_parent: number; unlimited: boolean; name: string }[]> {
    if (depth > 10) throw invalid(`Product ${idproduct} nests compositions too deeply`);
    const out = new Map<
      number,
      { idproduct: number; per_parent: number; unlimited: boolean; name: string }
    >();
    for (const part of await catalog.listParts(db, idaccount, idproduct)) {
      const leaves =
        part.type === 'virtual_composition'
          ? (await leafParts(db, idaccount, part.idproduct, depth + 1)).map((l) => ({
              ...l,
              per_parent: l.per_parent * part.amount,
            }))
          : [
              {
                idproduct: part.idproduct,
                per_parent: part.amount,
                unlimited: part.type === 'unlimited_stock',
                name: part.name,
              },
            ];
      for (const l of leaves) {
        const seen = out.get(l.idproduct);
        out.set(l.idproduct, seen ? { ...seen, per_parent: seen.per_parent + l.per_parent } : l);
      }
    }
    return [...out.values()];
  }

  async function releaseAllocationsInTrx(trx: Trx, idaccount: number, idorder: number) {
    const rows = await repo.allocationsOf(trx, idaccount, idorder);
    for (const a of rows)
      await stock.adjustReservedInTrx(
        trx,
        { idaccount, idproduct: a.idproduct, idwarehouse: a.idwarehouse },
        { reserved_allocations: -a.amount },
      );
    await repo.deleteAllocations(trx, idaccount, idorder);
    return rows;
  }

  /**
   * Allocates free stock to a concept/expected order: per product, from its warehouses in order,
   * at most what is free (stock minus every reservation). Allocation only lowers free stock: it
   * never blocks picklists or backorders of other orders. Virtual compositions and unlimited stock
   * cannot be allocated.
   */
  async function allocateInTrx(trx: Trx, idaccount: number, order: repo.OrderRow) {
    const lines = (await repo.linesOf(trx, idaccount, [order.idorder])).filter(
      (l) => l.partof_idorder_product === null,
    );
    const need = new Map<number, number>();
    for (const l of lines) {
      const p = await product(trx, idaccount, l.idproduct);
      if (STOCKED_TYPES.includes(p.type))
        need.set(l.idproduct, (need.get(l.idproduct) ?? 0) + l.amount - l.amount_cancelled);
    }
    const ws = await candidates(trx, idaccount, order);
    const current = await repo.allocationsOf(trx, idaccount, order.idorder);
    const levels = await stock.lockLevelsInTrx(trx, idaccount, [
      ...[...need.keys()].flatMap((idproduct) => ws.map((idwarehouse) => ({ idproduct, idwarehouse }))),
      ...current,
    ]);
    const released = await releaseAllocationsInTrx(trx, idaccount, order.idorder);
    for (const [idproduct, wanted] of need) {
      let left = wanted;
      for (const idwarehouse of ws) {
        if (left <= 0) break;
        const l = levels.get(`${idproduct}:${idwarehouse}`)!;
        const mine =
          released.find((r) => r.idproduct === idproduct && r.idwarehouse === idwarehouse)?.amount ?? 0;
        const free = l.stock - l.reserved_picklists - l.reserved_backorders - (l.reserved_allocations - mine);
        const n = Math.min(left, Math.max(0, free));
        if (n <= 0) continue;
        await repo.insertAllocation(trx, {
          idaccount,
          idorder: order.idorder,
          idproduct,
          idwarehouse,
          amount: n,
        });
        await stock.adjustReservedInTrx(
          trx,
          { idaccount, idproduct, idwarehouse },
          { reserved_allocations: n },
        );
        left -= n;
      }
    }
    await repo.updateOrder(trx, idaccount, order.idorder, { allocated: 1, updated: now() });
  }

  async function setStatusInTrx(
    trx: Trx,
    idaccount: number,
    idorder: number,
    status: string,
    extra: object = {},
  ) {
    await repo.updateOrder(trx, idaccount, idorder, { status, updated: now(), ...extra });
  }

  /**
   * An order is completed when none of its picklists is open and nothing of it waits in
   * backorder; when nothing of it ever shipped and every line was cancelled, it is cancelled.
   * The caller holds the order row.
   */
  async function refreshInTrx(trx: Trx, idaccount: number, idorder: number): Promise<void> {
    const o = await repo.findOrder(trx, idaccount, idorder);
    if (!o || (o.status !== 'processing' && o.status !== 'paused')) return;
    const state = await picklists.orderState(trx, idaccount, idorder);
    if (state.open > 0) return;
    if ((await backorders.openOfOrder(trx, idaccount, idorder, false)).length > 0) return;
    const lines = (await repo.linesOf(trx, idaccount, [idorder])).filter(
      (l) => l.partof_idorder_product === null,
    );
    const allCancelled = lines.every((l) => l.amount_cancelled >= l.amount);
    if (allCancelled && state.pickedUnits === 0) {
      await setStatusInTrx(trx, idaccount, idorder, 'cancelled', { cancelled_at: now() });
      await emitOrder(trx, idaccount, idorder, 'orders.status_changed');
    } else {
      await setStatusInTrx(trx, idaccount, idorder, 'completed', { completed_at: now() });
      await emitOrder(trx, idaccount, idorder, 'orders.status_changed', 'orders.completed');
    }
  }

  function endPicklist(idaccount: number, idpicklist: number, mode: 'close' | 'cancel') {
    return tx(async (trx) => {
      const { view, idorder } = await picklists.endInTrx(trx, idaccount, idpicklist, mode);
      await refreshInTrx(trx, idaccount, idorder);
      return view;
    });
  }

  // Processing

  /**
   * Processes a concept or expected order (reference/picqer-api.md 6.6): releases its own
   * allocation, locks every level it could touch, computes what each warehouse can give to new
   * picklists (stock - reserved_picklists - stock already assigned to waiting backorders; other
   * orders' allocations do not block) and lets the domain plan picklists and backorders.
   */
  async function processInTrx(trx: Trx, idaccount: number, order: repo.OrderRow) {
    const idorder = order.idorder;
    const all = await repo.linesOf(trx, idaccount, [idorder]);
    const top = all.filter((l) => l.partof_idorder_product === null);
    if (!top.some((l) => l.amount > l.amount_cancelled))
      throw new DomainError(
        'order_missing_products',
        `Order ${idorder} has no products to process: add some first`,
      );
    const ws = await candidates(trx, idaccount, order);
    if (ws.length === 0)
      throw invalidState(
        `No warehouse can ship order ${idorder}: list an active warehouse in its warehouses, or let one accept orders`,
      );
    // Products shared before levels (ADR 0003): what their types decide below stays true until the
    // commit (an unlimited_stock product never gets reservations, a stocked one never loses them).
    const infos: Map<number, ProductInfo> = await catalog.lockProductsShared(
      trx,
      idaccount,
      top.map((l) => l.idproduct),
    );
    for (const l of top) if (!infos.has(l.idproduct)) throw notFound('Product', l.idproduct);

    // Virtual compositions: their parts become order lines now (Picqer adds them on processing).
    const lines: ProcessLine[] = [];
    const lineInfo = new Map<number, { name: string; price: number }>();
    for (const l of all) lineInfo.set(l.idorder_product, { name: l.name, price: l.price });
    for (const l of top) {
      const amount = l.amount - l.amount_cancelled;
      const type = infos.get(l.idproduct)!.type;
      if (type === 'virtual_composition') {
        const parts: CompositionPart[] = [];
        const existing = all.filter((x) => x.partof_idorder_product === l.idorder_product);
        for (const leaf of await leafParts(trx, idaccount, l.idproduct)) {
          let id = existing.find((x) => x.idproduct === leaf.idproduct)?.idorder_product;
          if (id === undefined) {
            id = await repo.insertLine(trx, {
              idaccount,
              idorder,
              idproduct: leaf.idproduct,
              name: leaf.name,
              remarks: null,
              price: 0,
              amount: leaf.per_parent * l.amount,
              amount_cancelled: leaf.per_parent * l.amount_cancelled,
              has_parts: 0,
              partof_idorder_product: l.idorder_product,
            });
            lineInfo.set(id, { name: leaf.name, price: 0 });
          }
          parts.push({
            idorder_product: id,
            idproduct: leaf.idproduct,
            per_parent: leaf.per_parent,
            unlimited: leaf.unlimited,
          });
        }
        if (l.has_parts !== 1) await repo.updateLine(trx, idaccount, l.idorder_product, { has_parts: 1 });
        lines.push({
          kind: 'composition',
          idorder_product: l.idorder_product,
          idproduct: l.idproduct,
          amount,
          parts,
        });
      } else if (type === 'unlimited_stock') {
        lines.push({ kind: 'unlimited', idorder_product: l.idorder_product, idproduct: l.idproduct, amount });
      } else {
        lines.push({ kind: 'stock', idorder_product: l.idorder_product, idproduct: l.idproduct, amount });
      }
    }

    const stocked = new Set<number>();
    const virtual = new Set<number>();
    for (const l of lines) {
      if (l.kind === 'stock') stocked.add(l.idproduct);
      if (l.kind === 'composition') {
        virtual.add(l.idproduct);
        for (const p of l.parts) if (!p.unlimited) stocked.add(p.idproduct);
      }
    }
    const keys = [...stocked, ...virtual].flatMap((idproduct) =>
      ws.map((idwarehouse) => ({ idproduct, idwarehouse })),
    );
    const allocations = await repo.allocationsOf(trx, idaccount, idorder);
    const levels = await stock.lockLevelsInTrx(trx, idaccount, [...keys, ...allocations]);
    await releaseAllocationsInTrx(trx, idaccount, idorder);

    const held = new Map(
      (await backorders.heldStock(trx, idaccount, [...stocked])).map((h) => [
        availabilityKey(h.idproduct, h.idwarehouse),
        h.held,
      ]),
    );
    const available = new Map<string, number>();
    for (const idproduct of stocked)
      for (const idwarehouse of ws) {
        const k = availabilityKey(idproduct, idwarehouse);
        const l = levels.get(k)!;
        available.set(k, l.stock - l.reserved_picklists - (held.get(k) ?? 0));
      }
    const plan = planOrderProcessing({
      lines,
      warehouses: ws,
      available,
      partialdelivery: order.partialdelivery === 1,
    });

    const touched: LevelKeyPair[] = [];
    for (const pl of plan.picklists) {
      await picklists.createInTrx(trx, idaccount, {
        idorder,
        idcustomer: order.idcustomer,
        idwarehouse: pl.idwarehouse,
        lines: pl.lines.map((l) => ({ ...l, ...lineInfo.get(l.idorder_product)!, idbackorder: null })),
      });
      for (const l of pl.lines)
        if (l.reserve) touched.push({ idproduct: l.idproduct, idwarehouse: pl.idwarehouse });
    }
    for (const b of plan.backorders) {
      await backorders.createInTrx(trx, idaccount, {
        idorder,
        idorder_product: b.idorder_product,
        idproduct: b.idproduct,
        idcustomer: order.idcustomer,
        idwarehouse: b.idwarehouse,
        amount: b.amount,
        price: lineInfo.get(b.idorder_product)!.price,
        parts: b.parts?.map((p) => ({ ...p, price: lineInfo.get(p.idorder_product)!.price })) ?? null,
      });
      touched.push(
        b,
        ...(b.parts ?? []).map((p) => ({ idproduct: p.idproduct, idwarehouse: b.idwarehouse })),
      );
    }
    await backorders.assignKeysInTrx(trx, idaccount, touched);
    await setStatusInTrx(trx, idaccount, idorder, 'processing', { processed_at: now(), allocated: 0 });
    await emitOrder(trx, idaccount, idorder, 'orders.closed', 'orders.status_changed');
    await refreshInTrx(trx, idaccount, idorder);
  }

  /**
   * Turns the available backorders of orders into picklists (one per order and warehouse), by the
   * domain's rules for partial delivery and compositions. Several orders in one transaction (POST
   * /backorders/process runs batches): the orders are locked in id order, then every level of
   * their open backorders (one sorted statement), then the backorders; the writes are batched
   * across the orders. `strict`: an order that is not processing is an error (single-order
   * endpoint) rather than skipped (process all). `only`: just these backorders (with their
   * composition parts), as the fulfill action asks.
   */
  async function processBackordersOfOrdersInTrx(
    trx: Trx,
    idaccount: number,
    idorders: readonly number[],
    strict: boolean,
    only?: ReadonlySet<number>,
  ) {
    const locked = await repo.lockOrders(trx, engine, idaccount, idorders);
    if (strict)
      for (const idorder of idorders) {
        const order = locked.find((o) => o.idorder === idorder);
        if (!order) throw notFound('Order', idorder);
        if (order.status !== 'processing')
          throw invalidState(
            order.status === 'paused'
              ? `Order ${idorder} is paused: resume it before processing its backorders`
              : `Order ${idorder} is ${order.status}; only the backorders of a processing order can be processed`,
          );
      }
    const orders = locked.filter((o) => o.status === 'processing');
    const ids = orders.map((o) => o.idorder);
    let open: BackorderRow[];
    if (engine === 'sqlite') {
      // The transaction holds the database's write lock since BEGIN IMMEDIATE: the rows read
      // here are already the locked rows.
      open = await backorders.openOfOrders(trx, idaccount, ids, false);
      if (open.length === 0) return [];
      await stock.lockLevelsInTrx(trx, idaccount, uniqueKeys(open));
    } else {
      // The levels first (read unlocked), then the rows, locked after them (ADR 0012).
      const keys = await backorders.openLevelsOfOrders(trx, idaccount, ids);
      if (keys.length === 0) return [];
      await stock.lockLevelsInTrx(trx, idaccount, uniqueKeys(keys));
      open = await backorders.openOfOrders(trx, idaccount, ids, true);
    }
    const rows = open.filter(
      (r) =>
        !only ||
        only.has(r.idbackorder) ||
        (r.part_of_idbackorder !== null && only.has(r.part_of_idbackorder)),
    );
    const rowsOf = groupBy(rows, (r) => r.idorder);
    const plan = orders.flatMap((order) =>
      planBackorderProcessing({
        idorder: order.idorder,
        partialdelivery: order.partialdelivery === 1,
        backorders: (rowsOf.get(order.idorder) ?? []).map((r) => ({ ...r, has_parts: r.has_parts === 1 })),
      }),
    );
    if (plan.length === 0) return [];
    const lines = await repo.linesOf(trx, idaccount, [...new Set(plan.map((p) => p.idorder))]);
    const lineOf = new Map(lines.map((l) => [l.idorder_product, l]));
    const partLines = groupBy(lines, (l) => l.partof_idorder_product);
    const byId = new Map(rows.map((r) => [r.idbackorder, r]));
    const partsOf = groupBy(rows, (r) => r.part_of_idbackorder);
    const customerOf = new Map(orders.map((o) => [o.idorder, o.idcustomer]));
    const picks = plan.map((p) => {
      const takes = new Map(p.takes.map((t) => [t.idbackorder, t.amount]));
      const heads = p.takes
        .map((t) => byId.get(t.idbackorder)!)
        .filter((r) => r.part_of_idbackorder === null);
      const pickLines: PicklistLineInput[] = [];
      const processed: { row: BackorderRow; take: number }[] = [];
      for (const head of heads) {
        const group = [head, ...(partsOf.get(head.idbackorder) ?? [])];
        const parentLine = lineOf.get(head.idorder_product)!;
        for (const r of group) {
          const take = takes.get(r.idbackorder);
          if (take === undefined) continue;
          const line = lineOf.get(r.idorder_product)!;
          pickLines.push({
            idorder_product: r.idorder_product,
            idproduct: r.idproduct,
            name: line.name,
            price: line.price,
            amount: take,
            reserve: r.has_parts !== 1,
            has_parts: r.has_parts === 1,
            partof_idorder_product: r.part_of_idbackorder === null ? null : head.idorder_product,
            idbackorder: r.idbackorder,
          });
          processed.push({ row: r, take });
        }
        // Unlimited parts of a composition never waited: they ship with it.
        if (head.has_parts === 1)
          for (const part of (partLines.get(head.idorder_product) ?? []).filter(
            (l) => !group.some((r) => r.idorder_product === l.idorder_product),
          ))
            pickLines.push({
              idorder_product: part.idorder_product,
              idproduct: part.idproduct,
              name: part.name,
              price: part.price,
              amount: Math.round(part.amount / parentLine.amount) * head.amount,
              reserve: false,
              has_parts: false,
              partof_idorder_product: head.idorder_product,
              idbackorder: null,
            });
      }
      return { p, pickLines, processed };
    });
    // The picklists first, then the processed rows point at them (a partial take splits off a
    // new row), then the lines point at the processed rows.
    const opened = await picklists.openManyInTrx(
      trx,
      idaccount,
      picks.map(({ p }) => ({
        idorder: p.idorder,
        idcustomer: customerOf.get(p.idorder) ?? null,
        idwarehouse: p.idwarehouse,
      })),
    );
    const taken = await backorders.takeManyInTrx(
      trx,
      idaccount,
      picks.flatMap((x, i) => x.processed.map((t) => ({ ...t, idpicklist: opened[i]!.idpicklist }))),
    );
    const created = await picklists.fillManyInTrx(
      trx,
      idaccount,
      opened.map((picklist, i) => ({
        picklist,
        lines: picks[i]!.pickLines.map((l) => ({
          ...l,
          idbackorder: l.idbackorder === null ? null : taken.processed.get(l.idbackorder)!,
        })),
      })),
      taken.reservedBackorders,
    );
    await backorders.assignAfterProcessingInTrx(trx, idaccount, uniqueKeys(rows));
    return created;
  }

  /** One order's backorders (see processBackordersOfOrdersInTrx). */
  async function processBackordersInTrx(
    trx: Trx,
    idaccount: number,
    idorder: number,
    strict: boolean,
    only?: ReadonlySet<number>,
  ) {
    return processBackordersOfOrdersInTrx(trx, idaccount, [idorder], strict, only);
  }

  // Use cases

  return {
    viewOf,
    /**
     * POST /picklists/{id}/close and /cancel: the picklist ends (picklists.endInTrx, which locks
     * the order row first) and, in the same transaction, the order completes or is cancelled when
     * nothing of it is left open.
     */
    closePicklist: (idaccount: number, idpicklist: number) => endPicklist(idaccount, idpicklist, 'close'),
    cancelPicklist: (idaccount: number, idpicklist: number) => endPicklist(idaccount, idpicklist, 'cancel'),
    /** What the backorder lifecycle (backorders.lifecycle.ts, above orders) uses: order rows and lines. */
    backorderHooks: {
      lockOrderInTrx,
      findOrder: (db: Db, idaccount: number, idorder: number) => repo.findOrder(db, idaccount, idorder),
      findLine: (db: Db, idaccount: number, idorder_product: number) =>
        repo.findLine(db, idaccount, idorder_product),
      /** Units of a line cancelled (positive) or back in the order (negative). */
      addCancelledInTrx: (trx: Trx, idaccount: number, idorder_product: number, amount: number) =>
        repo.addCancelled(trx, idaccount, idorder_product, amount),
      /** Candidate warehouses of an order, best first. */
      warehousesOf: candidates,
      /** The order completes (or is cancelled) when nothing of it is left open. */
      settleInTrx: refreshInTrx,
      processBackordersInTrx,
    },

    async list(db: Db, idaccount: number, q: OrderQuery, limit: number) {
      let sincedate: string | undefined;
      if (q.sincedate !== undefined) {
        sincedate = normaliseDateTime(q.sincedate);
        if (!sincedate) throw invalid(`sincedate "${q.sincedate}" is not a date: use YYYY-MM-DD HH:MM:SS`);
      }
      const rows = await repo.listOrders(db, idaccount, {
        status: q.status,
        idcustomer: q.idcustomer,
        sinceid: q.sinceid,
        sincedate,
        reference: q.reference,
        orderid: q.orderid,
        search: q.search,
        beforeid: q.beforeid,
        untildate: dateTimeParam('untildate', q.untildate),
        emailaddress: q.emailaddress,
        offset: q.offset ?? 0,
        limit,
      });
      return views(db, idaccount, rows);
    },

    create: (idaccount: number, input: OrderCreate) =>
      tx(async (trx) => {
        if (!input.products || input.products.length === 0)
          throw new DomainError(
            'order_missing_products',
            'Order is missing products: give at least one in products',
          );
        const products = [];
        for (const line of input.products) products.push(await orderableProduct(trx, idaccount, line));
        await checkCustomer(trx, idaccount, input.idcustomer);
        const warehouses = await warehousesFor(trx, idaccount, input.warehouses);
        const at = now();
        const n = await nextNumber(trx, idaccount, 'orderid');
        const idorder = await repo.insertOrder(trx, {
          idaccount,
          orderid: formatRunningNumber(clock().getUTCFullYear(), n),
          idcustomer: input.idcustomer ?? null,
          status: input.status ?? 'concept',
          partialdelivery: bool(input.partialdelivery ?? true),
          warehouses: JSON.stringify(warehouses),
          reference: input.reference ?? null,
          emailaddress: input.emailaddress ?? null,
          language: input.language ?? null,
          deliveryname: input.deliveryname ?? null,
          deliverycontactname: input.deliverycontactname ?? null,
          deliveryaddress: input.deliveryaddress ?? null,
          deliveryaddress2: input.deliveryaddress2 ?? null,
          deliveryzipcode: input.deliveryzipcode ?? null,
          deliverycity: input.deliverycity ?? null,
          deliveryregion: input.deliveryregion ?? null,
          deliverycountry: input.deliverycountry ?? null,
          allocated: 0,
          processed_at: null,
          completed_at: null,
          cancelled_at: null,
          created: at,
          updated: at,
        });
        for (const [i, line] of input.products.entries()) {
          const p = products[i]!;
          await repo.insertLine(trx, {
            idaccount,
            idorder,
            idproduct: p.idproduct,
            name: line.name ?? p.name,
            remarks: line.remarks ?? null,
            price: line.price ?? p.price,
            amount: line.amount!,
            amount_cancelled: 0,
            has_parts: p.type === 'virtual_composition' ? 1 : 0,
            partof_idorder_product: null,
          });
        }
        return emitOrder(trx, idaccount, idorder, 'orders.created');
      }),

    update: (idaccount: number, idorder: number, input: OrderUpdate) =>
      tx(async (trx) => {
        const o = await lockOrderInTrx(trx, idaccount, idorder);
        if (!EDITABLE.includes(o.status))
          throw invalidState(
            `Order ${idorder} is ${o.status}; only concept and expected orders can be changed`,
          );
        await checkCustomer(trx, idaccount, input.idcustomer);
        const patch: Parameters<typeof repo.updateOrder>[3] = { updated: now() };
        if (input.idcustomer !== undefined) patch.idcustomer = input.idcustomer;
        if (input.partialdelivery !== undefined) patch.partialdelivery = bool(input.partialdelivery);
        if (input.warehouses !== undefined)
          patch.warehouses = JSON.stringify(await warehousesFor(trx, idaccount, input.warehouses));
        if (input.status !== undefined) patch.status = input.status;
        for (const f of [
          'reference',
          'emailaddress',
          'language',
          'deliveryname',
          'deliverycontactname',
          'deliveryaddress',
          'deliveryaddress2',
          'deliveryzipcode',
          'deliverycity',
          'deliveryregion',
          'deliverycountry',
        ] as const)
          if (input[f] !== undefined) patch[f] = input[f];
        await repo.updateOrder(trx, idaccount, idorder, patch);
        if (o.allocated === 1 && input.warehouses !== undefined)
          await allocateInTrx(trx, idaccount, (await repo.findOrder(trx, idaccount, idorder))!);
        const names =
          input.status !== undefined && input.status !== o.status ? ['orders.status_changed'] : [];
        return emitOrder(trx, idaccount, idorder, ...names);
      }),

    /**
     * Cancels an order (DELETE): open picklists are cancelled (reservations released), waiting
     * backorders cancelled, allocations released; then the stock it held goes to other backorders.
     */
    cancel: (idaccount: number, idorder: number) =>
      tx(async (trx) => {
        const o = await lockOrderInTrx(trx, idaccount, idorder);
        if (!CANCELLABLE.includes(o.status))
          throw invalidState(`Order ${idorder} is ${o.status} and cannot be cancelled`);
        const open = await backorders.openOfOrder(trx, idaccount, idorder, false);
        const keys = [
          ...(await picklists.openKeysOfOrder(trx, idaccount, idorder)),
          ...open,
          ...(await repo.allocationsOf(trx, idaccount, idorder)),
        ];
        await stock.lockLevelsInTrx(trx, idaccount, keys);
        await picklists.cancelAllOfOrderInTrx(trx, idaccount, idorder);
        await backorders.cancelInTrx(
          trx,
          idaccount,
          await backorders.openOfOrder(trx, idaccount, idorder, true),
        );
        await releaseAllocationsInTrx(trx, idaccount, idorder);
        await backorders.assignKeysInTrx(trx, idaccount, keys);
        await setStatusInTrx(trx, idaccount, idorder, 'cancelled', { cancelled_at: now(), allocated: 0 });
        await emitOrder(trx, idaccount, idorder, 'orders.status_changed');
      }),

    process: (idaccount: number, idorder: number) =>
      tx(async (trx) => {
        const o = await lockOrderInTrx(trx, idaccount, idorder);
        if (!EDITABLE.includes(o.status))
          throw invalidState(
            `Order ${idorder} is ${o.status}; only concept and expected orders can be processed`,
          );
        await processInTrx(trx, idaccount, o);
        return viewOf(trx, idaccount, idorder);
      }),

    allocate: (idaccount: number, idorder: number) =>
      tx(async (trx) => {
        const o = await lockOrderInTrx(trx, idaccount, idorder);
        if (!EDITABLE.includes(o.status))
          throw invalidState(
            `Order ${idorder} is ${o.status}; only concept and expected orders can allocate stock`,
          );
        await allocateInTrx(trx, idaccount, o);
        return emitOrder(trx, idaccount, idorder, 'orders.allocated');
      }),

    deallocate: (idaccount: number, idorder: number) =>
      tx(async (trx) => {
        const o = await lockOrderInTrx(trx, idaccount, idorder);
        if (!EDITABLE.includes(o.status))
          throw invalidState(
            `Order ${idorder} is ${o.status}; only concept and expected orders hold allocations`,
          );
        const current = await repo.allocationsOf(trx, idaccount, idorder);
        await stock.lockLevelsInTrx(trx, idaccount, current);
        await releaseAllocationsInTrx(trx, idaccount, idorder);
        await repo.updateOrder(trx, idaccount, idorder, { allocated: 0, updated: now() });
        return viewOf(trx, idaccount, idorder);
      }),

    pause: (idaccount: number, idorder: number) =>
      tx(async (trx) => {
        const o = await lockOrderInTrx(trx, idaccount, idorder);
        if (o.status !== 'processing')
          throw invalidState(`Order ${idorder} is ${o.status}; only a processing order can be paused`);
        await setStatusInTrx(trx, idaccount, idorder, 'paused');
        return emitOrder(trx, idaccount, idorder, 'orders.status_changed');
      }),

    resume: (idaccount: number, idorder: number) =>
      tx(async (trx) => {
        const o = await lockOrderInTrx(trx, idaccount, idorder);
        if (o.status !== 'paused')
          throw invalidState(`Order ${idorder} is ${o.status}; only a paused order can be resumed`);
        await setStatusInTrx(trx, idaccount, idorder, 'processing');
        const view = await emitOrder(trx, idaccount, idorder, 'orders.status_changed');
        await refreshInTrx(trx, idaccount, idorder);
        return view;
      }),

    // Order lines

    async listLines(db: Db, idaccount: number, idorder: number) {
      return (await viewOf(db, idaccount, idorder)).products;
    },

    async getLine(db: Db, idaccount: number, idorder: number, idorder_product: number) {
      const line = (await viewOf(db, idaccount, idorder)).products.find(
        (l) => l.idorder_product === idorder_product,
      );
      if (!line) throw notFound('Order product', idorder_product);
      return line;
    },

    addLine: (idaccount: number, idorder: number, input: OrderLineInput) =>
      tx(async (trx) => {
        const o = await lockOrderInTrx(trx, idaccount, idorder);
        if (!EDITABLE.includes(o.status)) throw new DomainError('order_processed', lineAmountMessage);
        const p = await orderableProduct(trx, idaccount, input);
        const id = await repo.insertLine(trx, {
          idaccount,
          idorder,
          idproduct: p.idproduct,
          name: input.name ?? p.name,
          remarks: input.remarks ?? null,
          price: input.price ?? p.price,
          amount: input.amount!,
          amount_cancelled: 0,
          has_parts: p.type === 'virtual_composition' ? 1 : 0,
          partof_idorder_product: null,
        });
        await repo.updateOrder(trx, idaccount, idorder, { updated: now() });
        if (o.allocated === 1) await allocateInTrx(trx, idaccount, o);
        return (await viewOf(trx, idaccount, idorder)).products.find((l) => l.idorder_product === id)!;
      }),

    updateLine: (idaccount: number, idorder: number, idorder_product: number, input: OrderLineUpdate) =>
      tx(async (trx) => {
        const o = await lockOrderInTrx(trx, idaccount, idorder);
        const line = await repo.findLine(trx, idaccount, idorder_product);
        if (!line || line.idorder !== idorder) throw notFound('Order product', idorder_product);
        if (!EDITABLE.includes(o.status)) throw new DomainError('order_processed', lineAmountMessage);
        if (input.amount !== undefined && input.amount <= 0)
          throw new DomainError(
            'order_line_invalid',
            `Amount ${input.amount} is not valid: order at least 1`,
          );
        await repo.updateLine(trx, idaccount, idorder_product, {
          ...(input.amount !== undefined && { amount: input.amount }),
          ...(input.price !== undefined && { price: input.price }),
          ...(input.remarks !== undefined && { remarks: input.remarks }),
        });
        await repo.updateOrder(trx, idaccount, idorder, { updated: now() });
        if (o.allocated === 1 && input.amount !== undefined) await allocateInTrx(trx, idaccount, o);
        return (await viewOf(trx, idaccount, idorder)).products.find(
          (l) => l.idorder_product === idorder_product,
        )!;
      }),

    deleteLine: (idaccount: number, idorder: number, idorder_product: number) =>
      tx(async (trx) => {
        const o = await lockOrderInTrx(trx, idaccount, idorder);
        const line = await repo.findLine(trx, idaccount, idorder_product);
        if (!line || line.idorder !== idorder) throw notFound('Order product', idorder_product);
        if (!EDITABLE.includes(o.status)) throw new DomainError('order_processed', lineRemoveMessage);
        await repo.deleteLine(trx, idaccount, idorder_product);
        await repo.updateOrder(trx, idaccount, idorder, { updated: now() });
        if (o.allocated === 1) await allocateInTrx(trx, idaccount, o);
      }),

    // Backorders of orders

    processBackorders: (idaccount: number, idorder: number) =>
      tx((trx) => processBackordersInTrx(trx, idaccount, idorder, true)),

    /**
     * POST /backorders/process: every order with stock assigned to its backorders, in batches of
     * orders, one transaction per batch (each batch's picklists appear atomically; a busy account
     * is blocked one batch at a time, not for the whole run). Only orders holding stock are
     * visited, so the cost follows what can ship, not how much waits.
     */
    /** onBatch (jobs' progress) hears after each committed batch how many orders it processed. */
    async processAllBackorders(idaccount: number, onBatch?: (orders: number) => Promise<void>) {
      const created: Awaited<ReturnType<typeof processBackordersOfOrdersInTrx>> = [];
      // One batch at a time: batches side by side would queue on the account's picklist number
      // counter (and on the levels they share) anyway.
      let after = 0;
      for (let batch = 1; ; batch++) {
        const ids = await backorders.ordersWithAvailable(handle.db, idaccount, after, PROCESS_ALL_BATCH);
        if (ids.length === 0) break;
        created.push(
          ...(await tx(async (trx) => {
            await keyLookupPlans(trx, engine);
            return processBackordersOfOrdersInTrx(trx, idaccount, ids, false);
          })),
        );
        after = ids[ids.length - 1]!;
        // Statistics follow the growth of the picklist tables while it happens (after batches 1, 2,
        // 4, 8, ...: a doubling of what this run created), as autovacuum would between batches.
        if ((batch & (batch - 1)) === 0) await picklists.statisticsAfterGrowth();
        await onBatch?.(ids.length);
      }
      return created;
    },

    prioritise: (idaccount: number, idorder: number) =>
      tx(async (trx) => {
        const o = await lockOrderInTrx(trx, idaccount, idorder);
        if (o.status !== 'processing' && o.status !== 'paused')
          throw invalidState(
            `Order ${idorder} is ${o.status}; only a processed order has backorders to prioritise`,
          );
        await backorders.prioritiseInTrx(trx, idaccount, idorder);
        // The answer shows the estimates the new queue order gives.
        await backorders.flushExpectationsInTrx(trx);
        return backorders.listOfOrder(trx, idaccount, idorder);
      }),

    async backordersOf(db: Db, idaccount: number, idorder: number) {
      if (!(await repo.findOrder(db, idaccount, idorder))) throw notFound('Order', idorder);
      return backorders.listOfOrder(db, idaccount, idorder);
    },
    handle,
  };
}

export type OrdersService = ReturnType<typeof createOrdersService>;
