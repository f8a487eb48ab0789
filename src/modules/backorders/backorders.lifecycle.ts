import type { DatabaseHandle } from '../../db/connection.ts';
import { withTransaction, type Db, type Trx } from '../../db/transaction.ts';
import { isOpenBackorderStatus } from '../../domain/backorder-assignment.ts';
import {
  manualEstimate,
  parsePriorityLevel,
  priorityRank,
  requireTransition,
  validateMetadata,
  type BackorderAction,
} from '../../domain/backorder-lifecycle.ts';
import { DomainError, invalid, invalidState, notFound } from '../../domain/errors.ts';
import { formatDateTime, isValidDate, type Clock } from '../../domain/time.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import type { OrdersService } from '../orders/orders.service.ts';
import type { PicklistsService } from '../picklists/picklists.service.ts';
import { purchaseOrderExists } from '../purchasing/purchasing.reads.ts';
import type { StockService } from '../stock/stock.service.ts';
import { uniqueKeys, type BackorderRow, type BackordersService } from './backorders.service.ts';

/** Product types that hold stock of their own, so that a backorder of them can be filled. */
const STOCKED_TYPES = new Set(['normal', 'composition_with_stock']);

/** Actions a part of a composition allows: the rest is done on the composition (its parent). */
const PART_ACTIONS: ReadonlySet<BackorderAction> = new Set([
  'update-metadata',
  'notify-customer',
  'cancel',
  'delete',
]);

export interface BackorderCreateInput {
  idorder_product: number;
  amount?: number | undefined;
  idwarehouse?: number | undefined;
  priority_level?: string | undefined;
  metadata?: unknown;
}

export interface BackorderUpdateInput {
  amount?: number | undefined;
  priority?: number | undefined;
  priority_level?: string | undefined;
  status?: string | undefined;
  idpurchaseorder?: number | null | undefined;
  metadata?: unknown;
  actual_delivery_date?: string | null | undefined;
  estimated_ship_date?: unknown;
  estimated_delivery_date?: unknown;
}

/** PUT may move the status forward to these; the other statuses have their own actions. */
const PUT_STATUSES = ['in-production', 'in-transit'];

/**
 * The backorder lifecycle of seed 002 on top of Picqer's backorders (docs/adr/0010): create,
 * update, delete, confirm, fulfill, cancel, update-estimate and notify-customer, each allowed by
 * the transition table of src/domain/backorder-lifecycle.ts.
 *
 * Lock order, as everywhere: the order row (when the action changes the order's lines or
 * picklists), then the stock levels of the backorder and its composition (the queues' lock
 * anchors), then the backorder rows; the action is checked on the locked row. Every answer is
 * built after the estimates of the queues the action touched were refreshed.
 */
export function createBackorderLifecycle(deps: {
  handle: DatabaseHandle;
  clock: Clock;
  stock: StockService;
  catalog: CatalogService;
  backorders: BackordersService;
  picklists: PicklistsService;
  orders: OrdersService['backorderHooks'];
  notifications: NotificationsService;
  transitDays: number;
}) {
  const { handle, clock, stock, catalog, backorders, picklists, orders, notifications } = deps;
  const tx = <T>(fn: (trx: Trx) => Promise<T>) => withTransaction(handle, fn);
  const now = () => formatDateTime(clock());

  async function requireBackorder(db: Db, idaccount: number, idbackorder: number): Promise<BackorderRow> {
    const row = await backorders.find(db, idaccount, idbackorder);
    if (!row) throw notFound('Backorder', idbackorder);
    return row;
  }

  /** The backorder's composition, parent first, or the backorder alone. */
  async function groupOf(db: Db, idaccount: number, row: BackorderRow): Promise<BackorderRow[]> {
    const head = row.part_of_idbackorder ?? row.idbackorder;
    return [
      ...(await backorders.findMany(db, idaccount, [head])),
      ...(await backorders.partsOf(db, idaccount, [head])),
    ];
  }

  /**
   * Locks what an action touches in the global order (order row if asked, levels of the
   * backorder's composition and of `moreKeys`, backorder rows) and checks every action against the
   * locked row's status. Answers the locked row, its composition (parent first) and the order.
   */
  async function lockFor(
    trx: Trx,
    idaccount: number,
    idbackorder: number,
    actions: readonly BackorderAction[],
    options: {
      order?: boolean;
      moreKeys?: (row: BackorderRow) => Promise<{ idproduct: number; idwarehouse: number }[]>;
    } = {},
  ) {
    const first = await requireBackorder(trx, idaccount, idbackorder);
    const order = options.order ? await orders.lockOrderInTrx(trx, idaccount, first.idorder) : undefined;
    const unlocked = await groupOf(trx, idaccount, first);
    await stock.lockLevelsInTrx(trx, idaccount, [...unlocked, ...((await options.moreKeys?.(first)) ?? [])]);
    const group = await backorders.lockMany(
      trx,
      idaccount,
      unlocked.map((r) => r.idbackorder),
    );
    group.sort((a, b) => (a.part_of_idbackorder === null ? -1 : b.part_of_idbackorder === null ? 1 : 0));
    const row = group.find((r) => r.idbackorder === idbackorder)!;
    for (const action of actions) {
      requireTransition(idbackorder, row.status, action);
      if (row.part_of_idbackorder !== null && !PART_ACTIONS.has(action))
        throw invalidState(
          `Backorder ${idbackorder} is a part of composition backorder ${row.part_of_idbackorder}: ` +
            `${action} that backorder instead`,
        );
    }
    return { row, group, order };
  }

  /** The backorder as the action leaves it, with the estimates of the touched queues refreshed. */
  async function answer(trx: Trx, idaccount: number, idbackorder: number) {
    await backorders.flushExpectationsInTrx(trx);
    return backorders.get(trx, idaccount, idbackorder);
  }

  /**
   * Units of an order line that may (again) wait in backorder: not shipped, not on an open
   * picklist and not waiting already. Cancelled units count: a new backorder brings them back.
   * Answers that number and how many of them are not cancelled (normally none).
   */
  async function backorderableOfLine(
    trx: Trx,
    idaccount: number,
    line: { idorder_product: number; amount: number; amount_cancelled: number },
  ) {
    const waiting = (await backorders.openOfLine(trx, idaccount, line.idorder_product)).reduce(
      (n, b) => n + b.amount,
      0,
    );
    const free =
      line.amount - waiting - (await picklists.coveredOfLine(trx, idaccount, line.idorder_product));
    return { free: Math.max(0, free), uncancelled: Math.max(0, free - line.amount_cancelled) };
  }

  /** Takes `amount` of the line's free units: cancelled ones come back into the order. */
  async function takeFromLineInTrx(
    trx: Trx,
    idaccount: number,
    line: { idorder_product: number; amount: number; amount_cancelled: number },
    amount: number,
  ) {
    const { free, uncancelled } = await backorderableOfLine(trx, idaccount, line);
    if (free === 0)
      throw invalidState(
        `Order line ${line.idorder_product} has nothing left to backorder: all ${line.amount} units are shipped, on a picklist or waiting`,
      );
    if (amount > free)
      throw invalid(
        `Order line ${line.idorder_product} has ${free} unit(s) that are not shipped, on a picklist or waiting ` +
          `(cancelled ones included); ask for at most ${free}`,
      );
    const restore = Math.max(0, amount - uncancelled);
    if (restore > 0) await orders.addCancelledInTrx(trx, idaccount, line.idorder_product, -restore);
  }

  async function requireLine(trx: Trx, idaccount: number, idorder_product: number) {
    const line = await orders.findLine(trx, idaccount, idorder_product);
    if (!line)
      throw invalid(
        `Order line ${idorder_product} does not exist: give the idorder_product of a line of one of your orders`,
      );
    return line;
  }

  /** Cancels a backorder with its composition (DELETE or the cancel action); the order may complete. */
  async function cancelGroup(idaccount: number, idbackorder: number, cause: 'delete' | 'cancel') {
    return tx(async (trx) => {
      const { group, order } = await lockFor(trx, idaccount, idbackorder, [cause], { order: true });
      const cancelled = await backorders.cancelInTrx(trx, idaccount, group, cause);
      for (const r of cancelled) await orders.addCancelledInTrx(trx, idaccount, r.idorder_product, r.amount);
      await backorders.assignKeysInTrx(trx, idaccount, group);
      await orders.settleInTrx(trx, idaccount, order!.idorder);
      return answer(trx, idaccount, idbackorder);
    });
  }

  return {
    /**
     * POST /backorders: a backorder for units of an order line that nothing covers (cancelled units
     * come back into the order), at the end of its queue in the order's first warehouse unless
     * another of the order's warehouses is given.
     */
    create: (idaccount: number, input: BackorderCreateInput) =>
      tx(async (trx) => {
        const rank =
          input.priority_level === undefined
            ? undefined
            : priorityRank(parsePriorityLevel(input.priority_level));
        const metadata = input.metadata === undefined ? undefined : validateMetadata(input.metadata);
        const found = await requireLine(trx, idaccount, input.idorder_product);
        const order = await orders.lockOrderInTrx(trx, idaccount, found.idorder);
        if (order.status !== 'processing')
          throw invalidState(
            `Order ${order.idorder} is ${order.status}; backorders are created only for lines of an order in processing`,
          );
        const line = (await orders.findLine(trx, idaccount, input.idorder_product))!;
        if (line.partof_idorder_product !== null || line.has_parts === 1)
          throw invalid(
            `Order line ${line.idorder_product} is ${line.has_parts === 1 ? 'a composition' : 'part of a composition'}: ` +
              'compositions wait whole, as processing or a picklist leaves them',
          );
        const product = await catalog.requireProduct(trx, idaccount, line.idproduct);
        if (!STOCKED_TYPES.has(product.type))
          throw invalid(
            `Product ${product.productcode} is of type ${product.type}, which holds no stock of its own: it cannot wait in backorder`,
          );
        const warehouses = await orders.warehousesOf(trx, idaccount, order);
        const idwarehouse = input.idwarehouse ?? warehouses[0];
        if (idwarehouse === undefined)
          throw invalidState(
            `No warehouse can ship order ${order.idorder}: list an active warehouse in its warehouses`,
          );
        if (!warehouses.includes(idwarehouse))
          throw invalid(
            `Warehouse ${idwarehouse} is not one of the active warehouses of order ${order.idorder} (${warehouses.join(', ')})`,
          );
        await stock.lockLevelsInTrx(trx, idaccount, [{ idproduct: line.idproduct, idwarehouse }]);
        const amount = input.amount ?? (await backorderableOfLine(trx, idaccount, line)).free;
        await takeFromLineInTrx(trx, idaccount, line, amount);
        const [created] = await backorders.createInTrx(trx, idaccount, {
          idorder: order.idorder,
          idorder_product: line.idorder_product,
          idproduct: line.idproduct,
          idcustomer: order.idcustomer,
          idwarehouse,
          amount,
          price: line.price,
          priority_rank: rank,
          metadata,
        });
        await backorders.assignKeysInTrx(trx, idaccount, [{ idproduct: line.idproduct, idwarehouse }]);
        return answer(trx, idaccount, created!.idbackorder);
      }),

    /**
     * PUT /backorders/{id}: each field given with a new value is an action of the transition table
     * (metadata in every status; amount, priority, priority_level and idpurchaseorder while open;
     * status forward to in-production or in-transit; actual_delivery_date once fulfilled). A
     * smaller amount cancels that part of the order line; a larger one takes free units of the
     * line. One backorders.updated event when anything changed.
     */
    update: (idaccount: number, idbackorder: number, input: BackorderUpdateInput) =>
      tx(async (trx) => {
        const current = await requireBackorder(trx, idaccount, idbackorder);
        if (input.estimated_ship_date !== undefined || input.estimated_delivery_date !== undefined)
          throw invalid(
            `Estimated dates change with POST /backorders/${idbackorder}/update-estimate, not with PUT`,
          );
        if (
          input.status !== undefined &&
          input.status !== current.status &&
          !PUT_STATUSES.includes(input.status)
        )
          throw invalid(
            `status can be set to in-production or in-transit with PUT; for "${input.status}" use ` +
              'POST /backorders/{id}/confirm, /fulfill or /cancel (the system sets processed and fulfilled)',
          );
        const level =
          input.priority_level === undefined
            ? undefined
            : priorityRank(parsePriorityLevel(input.priority_level));
        const changes = {
          amount: input.amount !== undefined && input.amount !== current.amount,
          priority: input.priority !== undefined && input.priority !== current.priority,
          level: level !== undefined && level !== current.priority_rank,
          // null: follow the purchase orders again; a number: set by hand (even the current one).
          idpurchaseorder:
            input.idpurchaseorder !== undefined &&
            (input.idpurchaseorder === null
              ? current.idpurchaseorder_manual === 1
              : current.idpurchaseorder_manual === 0 || input.idpurchaseorder !== current.idpurchaseorder),
          status: input.status !== undefined && input.status !== current.status,
          metadata: input.metadata !== undefined,
          delivery:
            input.actual_delivery_date !== undefined &&
            input.actual_delivery_date !== current.actual_delivery_date,
        };
        const actions: BackorderAction[] = [];
        if (changes.metadata) actions.push('update-metadata');
        if (changes.amount || changes.priority || changes.level || changes.idpurchaseorder)
          actions.push('update');
        if (changes.delivery) actions.push('record-delivery');
        if (changes.status)
          actions.push(input.status === 'in-production' ? 'set-in-production' : 'set-in-transit');
        if (actions.length === 0) return answer(trx, idaccount, idbackorder);
        const { row, group } = await lockFor(trx, idaccount, idbackorder, actions, { order: changes.amount });
        const at = now();
        const extra: { refund_amount_cents?: number } = {};

        if (changes.metadata)
          await backorders.updateInTrx(trx, idaccount, idbackorder, {
            metadata: JSON.stringify(validateMetadata(input.metadata)),
          });
        if (changes.amount) {
          if (row.has_parts === 1)
            throw invalidState(
              `Backorder ${idbackorder} is a composition: its amount cannot change; cancel it instead`,
            );
          const amount = input.amount!;
          const line = (await orders.findLine(trx, idaccount, row.idorder_product))!;
          if (amount < row.amount) {
            await orders.addCancelledInTrx(trx, idaccount, row.idorder_product, row.amount - amount);
            extra.refund_amount_cents = (row.amount - amount) * row.price_cents;
          } else await takeFromLineInTrx(trx, idaccount, line, amount - row.amount);
          await backorders.updateInTrx(trx, idaccount, idbackorder, {
            amount,
            amount_available: Math.min(row.amount_available, amount),
          });
          await backorders.adjustReservedInTrx(trx, idaccount, row, amount - row.amount);
        }
        // A composition moves in the queues as one: its parts take the parent's place.
        for (const r of group) {
          if (!isOpenBackorderStatus(r.status)) continue;
          await backorders.updateInTrx(trx, idaccount, r.idbackorder, {
            ...(changes.priority && { priority: input.priority }),
            ...(changes.level && { priority_rank: level }),
            ...(changes.status && { status: input.status }),
            updated_at: at,
          });
        }
        if (changes.idpurchaseorder) {
          const id = input.idpurchaseorder!;
          if (id !== null && !(await purchaseOrderExists(trx, idaccount, id)))
            throw invalid(`Purchase order ${id} does not exist: give one of your purchase orders, or null`);
          await backorders.updateInTrx(trx, idaccount, idbackorder, {
            idpurchaseorder: id,
            idpurchaseorder_manual: id === null ? 0 : 1,
          });
          // Back to automatic: the refresh before the answer sets it from the purchase orders.
          if (id === null)
            backorders.expectationsChangedInTrx(trx, idaccount, row.idproduct, row.idwarehouse);
        }
        if (changes.delivery) {
          const date = input.actual_delivery_date!;
          if (date !== null && !isValidDate(date))
            throw invalid(`actual_delivery_date "${date}" is not a calendar date: use YYYY-MM-DD`);
          if (date !== null && row.actual_ship_date !== null && date < row.actual_ship_date)
            throw invalid(`actual_delivery_date ${date} is before actual_ship_date ${row.actual_ship_date}`);
          await backorders.updateInTrx(trx, idaccount, idbackorder, { actual_delivery_date: date });
        }
        await backorders.updateInTrx(trx, idaccount, idbackorder, { updated_at: at });
        if (changes.amount || changes.priority || changes.level)
          await backorders.assignKeysInTrx(trx, idaccount, group);
        await backorders.emitInTrx(trx, idaccount, 'backorders.updated', idbackorder, extra);
        return answer(trx, idaccount, idbackorder);
      }),

    /** DELETE /backorders/{id} (Picqer): cancelled with its order line amount; kept, retrievable. */
    remove: async (idaccount: number, idbackorder: number): Promise<void> => {
      await cancelGroup(idaccount, idbackorder, 'delete');
    },

    /** POST /backorders/{id}/cancel: as DELETE, and the event carries the amount to refund. */
    cancel: (idaccount: number, idbackorder: number) => cancelGroup(idaccount, idbackorder, 'cancel'),

    /** POST /backorders/{id}/confirm: the backorder is confirmed with customer and supplier. */
    confirm: (idaccount: number, idbackorder: number) =>
      tx(async (trx) => {
        const { group } = await lockFor(trx, idaccount, idbackorder, ['confirm']);
        for (const r of group)
          if (isOpenBackorderStatus(r.status))
            await backorders.updateInTrx(trx, idaccount, r.idbackorder, {
              status: 'confirmed',
              updated_at: now(),
            });
        await backorders.emitInTrx(trx, idaccount, 'backorders.confirmed', idbackorder);
        return answer(trx, idaccount, idbackorder);
      }),

    /**
     * POST /backorders/{id}/fulfill: processes this backorder (a composition with its parts) into a
     * picklist now, whole. Refused while part of it is not in stock, and for an order without
     * partial delivery that has other backorders waiting (they ship together: process the order's
     * backorders instead). It is fulfilled when the picklist closes.
     */
    fulfill: (idaccount: number, idbackorder: number) =>
      tx(async (trx) => {
        const { row, group, order } = await lockFor(trx, idaccount, idbackorder, ['fulfill'], {
          order: true,
          // Processing locks the levels of every open backorder of the order: lock them up front.
          moreKeys: (r) => backorders.openOfOrder(trx, idaccount, r.idorder, false).then(uniqueKeys),
        });
        if (order!.status !== 'processing')
          throw invalidState(
            order!.status === 'paused'
              ? `Order ${order!.idorder} is paused: resume it before fulfilling its backorders`
              : `Order ${order!.idorder} is ${order!.status}; only backorders of a processing order can be fulfilled`,
          );
        const short = (
          row.has_parts === 1 ? group.filter((r) => r.part_of_idbackorder !== null) : [row]
        ).filter((r) => r.amount_available < r.amount);
        if (short.length > 0)
          throw new DomainError(
            'insufficient_stock',
            `Backorder ${idbackorder} is not in stock: ` +
              short
                .map((r) => `backorder ${r.idbackorder} has ${r.amount_available} of ${r.amount}`)
                .join(', ') +
              ` (amount_available). Fulfil it when all is in, or ship what is there with POST /orders/${row.idorder}/process-backorders`,
          );
        const others = (await backorders.openOfOrder(trx, idaccount, row.idorder, false)).filter(
          (r) => !group.some((g) => g.idbackorder === r.idbackorder),
        );
        if (order!.partialdelivery === 0 && others.length > 0)
          throw invalidState(
            `Order ${row.idorder} does not allow partial delivery and backorders ${others.map((r) => r.idbackorder).join(', ')} ` +
              `wait too: they ship together, with POST /orders/${row.idorder}/process-backorders`,
          );
        await orders.processBackordersInTrx(trx, idaccount, row.idorder, true, new Set([idbackorder]));
        return answer(trx, idaccount, idbackorder);
      }),

    /**
     * POST /backorders/{id}/update-estimate: sets the estimated ship (and delivery) date by hand;
     * both null follow the purchase orders again. backorders.estimate_updated when it changed.
     */
    updateEstimate: (
      idaccount: number,
      idbackorder: number,
      input: { estimated_ship_date?: string | null; estimated_delivery_date?: string | null },
    ) =>
      tx(async (trx) => {
        const { row } = await lockFor(trx, idaccount, idbackorder, ['update-estimate']);
        const estimate = manualEstimate(input, deps.transitDays);
        if (estimate.manual) {
          await backorders.updateInTrx(trx, idaccount, idbackorder, {
            estimate_manual: 1,
            estimated_ship_date: estimate.estimated_ship_date,
            estimated_delivery_date: estimate.estimated_delivery_date,
            updated_at: now(),
          });
          if (
            estimate.estimated_ship_date !== row.estimated_ship_date ||
            estimate.estimated_delivery_date !== row.estimated_delivery_date
          )
            await backorders.emitInTrx(trx, idaccount, 'backorders.estimate_updated', idbackorder);
        } else if (row.estimate_manual === 1) {
          // The refresh before the answer sets the estimate from the purchase orders (and says so).
          await backorders.updateInTrx(trx, idaccount, idbackorder, { estimate_manual: 0 });
          backorders.expectationsChangedInTrx(trx, idaccount, row.idproduct, row.idwarehouse);
        }
        return answer(trx, idaccount, idbackorder);
      }),

    /**
     * POST /backorders/{id}/notify-customer: e-mails the order's customer about the backorder's
     * status and estimate, in the customer's language; the notification and its outcome are
     * recorded (GET /backorders/{id}/notifications). The mail goes out after the reads, outside
     * any transaction.
     */
    async notifyCustomer(
      idaccount: number,
      idbackorder: number,
      input: { message?: string | null | undefined },
    ) {
      const db = handle.db;
      const row = await requireBackorder(db, idaccount, idbackorder);
      requireTransition(idbackorder, row.status, 'notify-customer');
      const order = (await orders.findOrder(db, idaccount, row.idorder))!;
      const customer =
        order.idcustomer === null ? undefined : await catalog.getCustomer(db, idaccount, order.idcustomer);
      const emailaddress = customer?.emailaddress?.trim() || order.emailaddress?.trim();
      if (!emailaddress)
        throw invalid(
          `Order ${order.idorder} has no customer e-mail address: give its customer (or the order) an emailaddress first`,
        );
      const product = await catalog.requireProduct(db, idaccount, row.idproduct);
      const view = await backorders.get(db, idaccount, idbackorder);
      await notifications.notifyBackorder(idaccount, {
        idbackorder,
        customer: {
          name: customer?.name ?? order.deliveryname ?? '',
          emailaddress,
          language: customer?.language ?? order.language,
        },
        product: { productcode: product.productcode, name: product.name },
        amount: row.amount,
        status: row.status,
        estimated_ship_date: view.estimated_ship_date,
        estimated_delivery_date: view.estimated_delivery_date,
        message: input.message ?? null,
      });
      return view;
    },
  };
}

export type BackorderLifecycle = ReturnType<typeof createBackorderLifecycle>;
