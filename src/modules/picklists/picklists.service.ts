import type { DatabaseHandle } from '../../db/connection.ts';
import { formatRunningNumber, nextNumbers } from '../../db/counters.ts';
import { dateTimeParam } from '../../db/search.ts';
import { withTransaction, type Db, type Trx } from '../../db/transaction.ts';
import { DomainError, invalidState, notFound } from '../../domain/errors.ts';
import { groupBy } from '../../domain/collections.ts';
import { formatDateTime, type Clock } from '../../domain/time.ts';
import type { BackorderRow, BackordersService, LevelKeyPair } from '../backorders/backorders.service.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { EventsService } from '../events/events.service.ts';
import type { StockService } from '../stock/stock.service.ts';
import * as ordersRepo from '../orders/orders.repository.ts';
import * as repo from './picklists.repository.ts';
import { assertPickable } from './picklists.states.ts';

/**
 * Picklists: created only by processing orders and backorders; they reserve stock at concrete
 * locations (through the stock core) until they are closed or cancelled.
 *
 * Lock order (shared by every use case that touches an order): the order row, then its picklist
 * rows, then every stock level involved (sorted, up front), then location slots, then backorders.
 */

export interface PicklistLineInput {
  idorder_product: number;
  idproduct: number;
  name: string;
  price: number;
  amount: number;
  /** Reserve stock for it (false for unlimited stock and a composition's own line). */
  reserve: boolean;
  has_parts: boolean;
  /** The composition line (idorder_product) this part belongs to. */
  partof_idorder_product: number | null;
  /** The processed backorder this line ships. */
  idbackorder: number | null;
}

/** A picklist to create: for an order, in one warehouse. */
export interface NewPicklist {
  idorder: number;
  idcustomer: number | null;
  idwarehouse: number;
  lines: readonly PicklistLineInput[];
}

/**
 * A picklist's lines in id order, each composition's parts right after it (in id order). Lines are
 * inserted in batches, parts after every line they can point at, so the ids alone would list a
 * composition's parts after the lines that follow it.
 */
function withPartsAfterParents(lines: readonly repo.PicklistLineRow[]): repo.PicklistLineRow[] {
  const ids = new Set(lines.map((l) => l.idpicklist_product));
  const partsOf = groupBy(
    lines.filter((l) => l.partof_idpicklist_product !== null && ids.has(l.partof_idpicklist_product)),
    (l) => l.partof_idpicklist_product,
  );
  const placed = (l: repo.PicklistLineRow): repo.PicklistLineRow[] => [
    l,
    ...(partsOf.get(l.idpicklist_product) ?? []).flatMap(placed),
  ];
  return lines
    .filter((l) => l.partof_idpicklist_product === null || !ids.has(l.partof_idpicklist_product))
    .flatMap(placed);
}

const isOpen = (status: string) => (repo.OPEN_PICKLIST_STATUSES as readonly string[]).includes(status);

export function createPicklistsService(deps: {
  handle: DatabaseHandle;
  clock: Clock;
  events: EventsService;
  stock: StockService;
  catalog: CatalogService;
  backorders: BackordersService;
}) {
  const { handle, clock, events, stock, catalog, backorders } = deps;
  const engine = handle.engine;
  const now = () => formatDateTime(clock());

  async function views(db: Db, idaccount: number, picklists: readonly repo.PicklistRow[]) {
    const lines = await repo.linesOf(
      db,
      idaccount,
      picklists.map((p) => p.idpicklist),
    );
    const locations = await repo.pickLocationsOf(
      db,
      idaccount,
      lines.map((l) => l.idpicklist_product),
    );
    return viewsOfRows(db, idaccount, picklists, lines, locations);
  }

  /**
   * The answers of picklists given their lines (by id) and pick locations (by line, then slot), as
   * repo.linesOf and repo.pickLocationsOf read them.
   */
  async function viewsOfRows(
    db: Db,
    idaccount: number,
    picklists: readonly repo.PicklistRow[],
    lines: readonly repo.PicklistLineRow[],
    locations: readonly { idpicklist_product: number; slot: number; amount: number }[],
  ) {
    const codes = await catalog.requireProductCodes(
      db,
      idaccount,
      lines.map((l) => l.idproduct),
    );
    const names = new Map<number, string>();
    for (const w of new Set(picklists.map((p) => p.idwarehouse)))
      for (const l of await catalog.locationsOfWarehouse(db, idaccount, w)) names.set(l.idlocation, l.name);
    // Grouped once: a batch of picklists has thousands of lines.
    const linesOf = groupBy(lines, (l) => l.idpicklist);
    const locationsOf = groupBy(locations, (x) => x.idpicklist_product);
    return picklists.map((p) => {
      const mine = withPartsAfterParents(linesOf.get(p.idpicklist) ?? []);
      const counted = mine.filter((l) => l.has_parts === 0);
      return {
        idpicklist: p.idpicklist,
        picklistid: p.picklistid,
        idorder: p.idorder,
        idcustomer: p.idcustomer,
        idwarehouse: p.idwarehouse,
        status: p.status,
        totalproducts: counted.reduce((s, l) => s + l.amount, 0),
        totalpicked: counted.reduce((s, l) => s + l.amount_picked, 0),
        closed_at: p.closed_at,
        created: p.created,
        updated: p.updated,
        products: mine.map((l) => ({
          idpicklist_product: l.idpicklist_product,
          idproduct: l.idproduct,
          idorder_product: l.idorder_product,
          productcode: codes.get(l.idproduct)!,
          name: l.name,
          price: l.price,
          amount: l.amount,
          amount_picked: l.amount_picked,
          has_parts: l.has_parts === 1,
          partof_idpicklist_product: l.partof_idpicklist_product,
          pick_locations: (locationsOf.get(l.idpicklist_product) ?? [])
            .filter((x) => x.amount > 0)
            .map((x) => ({
              idlocation: stock.slotToLocation(x.slot),
              name: x.slot === 0 ? null : (names.get(x.slot) ?? null),
              amount: x.amount,
            })),
        })),
      };
    });
  }

  async function viewOf(db: Db, idaccount: number, idpicklist: number) {
    const p = await repo.findPicklist(db, idaccount, idpicklist);
    if (!p) throw notFound('Picklist', idpicklist);
    return (await views(db, idaccount, [p]))[0]!;
  }

  /**
   * Opens picklists (each for an order in one warehouse): their numbers and rows, no lines yet.
   * The first half of creating picklists; fillManyInTrx adds the lines. Processing backorders
   * needs the picklist ids before the lines, to point the processed backorders at them in the same
   * write that marks them processed. One statement for the numbers, one for the rows.
   */
  async function openManyInTrx(
    trx: Trx,
    idaccount: number,
    heads: readonly Omit<NewPicklist, 'lines'>[],
  ): Promise<repo.PicklistRow[]> {
    if (heads.length === 0) return [];
    const at = now();
    const year = clock().getUTCFullYear();
    const first = await nextNumbers(trx, idaccount, 'picklistid', heads.length);
    const rows: repo.PicklistRow[] = heads.map((head, i) => ({
      idpicklist: 0,
      picklistid: formatRunningNumber(year, first + i),
      idorder: head.idorder,
      idcustomer: head.idcustomer,
      idwarehouse: head.idwarehouse,
      status: 'new',
      closed_at: null,
      created: at,
      updated: at,
    }));
    const ids = await repo.insertPicklists(
      trx,
      rows.map(({ idpicklist: _, ...r }) => ({ idaccount, ...r })),
    );
    return rows.map((r) => ({ ...r, idpicklist: ids.get(r.picklistid)! }));
  }

  /**
   * Adds the lines of opened picklists and reserves their stocked lines at concrete locations, then
   * emits picklists.created. The caller has locked the orders and every level, and checked that
   * the stock is there (reservePicksInTrx fails otherwise). Made for batches: one statement for the
   * lines (composition lines first: their parts point at them) and one for the reservations,
   * whatever the number of picklists. Answers the picklists in the order given.
   */
  async function fillManyInTrx(
    trx: Trx,
    idaccount: number,
    picklists: readonly { picklist: repo.PicklistRow; lines: readonly PicklistLineInput[] }[],
    /** Changes of reserved_backorders written with the reservations (see stock.reservePicksInTrx). */
    reservedBackorders: Parameters<StockService['reservePicksInTrx']>[3] = [],
  ) {
    const rows = picklists.map((x) => x.picklist);
    // A part points at the composition line of its order line listed last before it.
    const lines = rows.flatMap((p, i) => {
      const parents = new Map<number, PicklistLineInput>();
      return picklists[i]!.lines.map((l) => {
        const parent = l.partof_idorder_product === null ? null : parents.get(l.partof_idorder_product);
        if (l.has_parts) parents.set(l.idorder_product, l);
        return { idpicklist: p.idpicklist, idwarehouse: p.idwarehouse, l, parent: parent ?? null };
      });
    });
    const keyOf = (x: { idpicklist: number; l: PicklistLineInput }) =>
      repo.lineKey({ idpicklist: x.idpicklist, ...x.l });
    const needed = lines.filter((x) => x.l.reserve || x.l.has_parts).map(keyOf);
    if (new Set(needed).size !== needed.length)
      throw new Error(
        'picklists: two lines to reserve or to hold parts share picklist, order line and backorder',
      );
    const toRow = (x: (typeof lines)[number], partof: number | null) => ({
      idaccount,
      idpicklist: x.idpicklist,
      idorder_product: x.l.idorder_product,
      idproduct: x.l.idproduct,
      idbackorder: x.l.idbackorder,
      name: x.l.name,
      price: x.l.price,
      amount: x.l.amount,
      amount_picked: 0,
      has_parts: x.l.has_parts ? 1 : 0,
      partof_idpicklist_product: partof,
    });
    const lineIds = await repo.insertLines(
      trx,
      lines.filter((x) => x.parent === null).map((x) => toRow(x, null)),
    );
    /** The id of a part's composition line (inserted first). */
    const partOf = (x: (typeof lines)[number]) =>
      x.parent === null ? null : lineIds.get(repo.lineKey({ idpicklist: x.idpicklist, ...x.parent }))!;
    const partIds = await repo.insertLines(
      trx,
      lines.filter((x) => x.parent !== null).map((x) => toRow(x, partOf(x))),
    );
    const idOf = (x: (typeof lines)[number]) => (lineIds.get(keyOf(x)) ?? partIds.get(keyOf(x)))!;
    const reserved = lines.filter((x) => x.l.reserve);
    const plans = await stock.reservePicksInTrx(
      trx,
      idaccount,
      reserved.map((x) => ({
        idproduct: x.l.idproduct,
        idwarehouse: x.idwarehouse,
        idpicklist_product: idOf(x),
        amount: x.l.amount,
      })),
      reservedBackorders,
    );
    // The answers from the rows just written, not read back (a batch's thousand lines and their
    // locations), unless two lines share a key and their ids cannot be told apart.
    const keys = lines.map(keyOf);
    const created =
      new Set(keys).size === keys.length
        ? await viewsOfRows(
            trx,
            idaccount,
            rows,
            lines
              .map((x) => {
                const { idaccount: _a, ...row } = toRow(x, partOf(x));
                return { idpicklist_product: idOf(x), ...row };
              })
              .sort((a, b) => a.idpicklist_product - b.idpicklist_product),
            reserved
              .flatMap((x, i) => plans[i]!.map((p) => ({ idpicklist_product: idOf(x), ...p })))
              .sort((a, b) => a.idpicklist_product - b.idpicklist_product || a.slot - b.slot),
          )
        : await views(trx, idaccount, rows);
    for (const view of created)
      await events.emit(trx, idaccount, 'picklists.created', 'picklist', view.idpicklist, view);
    return created;
  }

  /**
   * Creates a picklist for an order in one warehouse and reserves its stocked lines (openManyInTrx,
   * then fillManyInTrx).
   */
  async function createInTrx(trx: Trx, idaccount: number, input: NewPicklist) {
    const [picklist] = await openManyInTrx(trx, idaccount, [input]);
    return (await fillManyInTrx(trx, idaccount, [{ picklist: picklist!, lines: input.lines }]))[0]!;
  }

  /** A composition's line is picked as far as its parts make whole compositions. */
  function parentPicked(parent: repo.PicklistLineRow, lines: readonly repo.PicklistLineRow[]): number {
    let n = parent.amount;
    for (const part of lines.filter((l) => l.partof_idpicklist_product === parent.idpicklist_product)) {
      const perParent = Math.max(1, Math.round(part.amount / parent.amount));
      n = Math.min(n, Math.floor(part.amount_picked / perParent));
    }
    return n;
  }

  async function refreshParentsPicked(trx: Trx, idaccount: number, idpicklist: number) {
    const lines = await repo.linesOf(trx, idaccount, [idpicklist]);
    for (const l of lines.filter((l) => l.has_parts === 1)) {
      const picked = parentPicked(l, lines);
      if (picked !== l.amount_picked) await repo.setPicked(trx, idaccount, l.idpicklist_product, picked);
    }
  }

  async function requireOpenLocked(trx: Trx, idaccount: number, idpicklist: number) {
    const p = await repo.lockPicklist(trx, engine, idaccount, idpicklist);
    if (!p) throw notFound('Picklist', idpicklist);
    if (!isOpen(p.status))
      throw invalidState(`Picklist ${idpicklist} is ${p.status}; only an open picklist can be changed`);
    return p;
  }

  /**
   * Ends a picklist: closing books the picked units out (change type picklist) and releases the
   * rest; cancelling releases everything. What the customer ordered is never silently lost: the
   * unpicked remainder of every line waits again as a backorder (a processed backorder reopens,
   * keeping its place in the queue; a line that came straight from processing the order becomes a
   * new backorder at the end of its queue). Unlimited-stock lines cannot wait, so their unpicked
   * units are cancelled on the order line. When the whole order is being cancelled
   * (`rebackorder` false) nothing waits again and processed backorders are cancelled too.
   */
  async function settleInTrx(
    trx: Trx,
    idaccount: number,
    p: repo.PicklistRow,
    mode: 'close' | 'cancel',
    rebackorder: boolean,
  ): Promise<LevelKeyPair[]> {
    const lines = await repo.linesOf(trx, idaccount, [p.idpicklist]);
    const reserved = new Set(
      (
        await repo.pickLocationsOf(
          trx,
          idaccount,
          lines.map((l) => l.idpicklist_product),
        )
      ).map((x) => x.idpicklist_product),
    );
    const keys = lines
      .filter((l) => reserved.has(l.idpicklist_product) || l.has_parts === 1)
      .map((l) => ({ idproduct: l.idproduct, idwarehouse: p.idwarehouse }));
    await stock.lockLevelsInTrx(trx, idaccount, keys);

    const byId = new Map(lines.map((l) => [l.idpicklist_product, l]));
    const picked = new Map<number, number>();
    for (const l of lines) {
      if (mode === 'cancel') picked.set(l.idpicklist_product, 0);
      else if (l.has_parts === 1) picked.set(l.idpicklist_product, parentPicked(l, lines));
      else picked.set(l.idpicklist_product, l.amount_picked);
    }
    // A composition ships whole: part units picked beyond whole compositions are not booked out.
    for (const l of lines) {
      if (l.partof_idpicklist_product === null || mode === 'cancel') continue;
      const parent = byId.get(l.partof_idpicklist_product)!;
      const perParent = Math.max(1, Math.round(l.amount / parent.amount));
      picked.set(
        l.idpicklist_product,
        Math.min(l.amount_picked, perParent * picked.get(parent.idpicklist_product)!),
      );
    }
    for (const l of lines)
      if (reserved.has(l.idpicklist_product))
        await stock.settlePickInTrx(trx, idaccount, {
          idpicklist_product: l.idpicklist_product,
          picked: picked.get(l.idpicklist_product)!,
          reason: `Picklist ${p.picklistid}`,
          referenceType: 'picklist',
          referenceId: p.idpicklist,
        });

    const processed = new Map(
      (await backorders.ofPicklist(trx, idaccount, p.idpicklist)).map((b) => [b.idbackorder, b] as const),
    );
    const rowOf = (l: repo.PicklistLineRow): BackorderRow | undefined =>
      l.idbackorder === null ? undefined : processed.get(l.idbackorder);
    if (!rebackorder) {
      await backorders.cancelInTrx(trx, idaccount, [...processed.values()]);
      return keys;
    }
    for (const l of lines.filter((l) => l.partof_idpicklist_product === null)) {
      const got = picked.get(l.idpicklist_product)!;
      const parts = lines.filter((x) => x.partof_idpicklist_product === l.idpicklist_product);
      const row = rowOf(l);
      if (row) {
        const rest = await backorders.settleInTrx(trx, idaccount, row, got);
        for (const part of parts) {
          const partRow = rowOf(part);
          if (partRow)
            await backorders.settleInTrx(
              trx,
              idaccount,
              partRow,
              picked.get(part.idpicklist_product)!,
              rest?.idbackorder ?? partRow.part_of_idbackorder,
            );
        }
        continue;
      }
      const left = l.amount - got;
      if (left <= 0) continue;
      const stocked = reserved.has(l.idpicklist_product) || l.has_parts === 1;
      if (!stocked || l.idorder_product === null) {
        if (l.idorder_product !== null)
          await ordersRepo.addCancelled(trx, idaccount, l.idorder_product, left);
        continue;
      }
      await backorders.createInTrx(trx, idaccount, {
        idorder: p.idorder,
        idorder_product: l.idorder_product,
        idproduct: l.idproduct,
        idcustomer: p.idcustomer,
        idwarehouse: p.idwarehouse,
        amount: left,
        price: l.price,
        parts:
          l.has_parts === 1
            ? parts
                .filter((x) => reserved.has(x.idpicklist_product) && x.idorder_product !== null)
                .map((x) => {
                  const perParent = Math.max(1, Math.round(x.amount / l.amount));
                  return {
                    idorder_product: x.idorder_product!,
                    idproduct: x.idproduct,
                    amount: perParent * left,
                    parts_per_parent: perParent,
                    price: x.price,
                  };
                })
            : null,
      });
    }
    return keys;
  }

  /**
   * Closes or cancels a picklist in the caller's transaction: the order row first (lock order),
   * then the picklist. Whether the order is complete now is the orders module's question: it runs
   * this in its closePicklist / cancelPicklist use cases and then settles the order.
   */
  async function endInTrx(trx: Trx, idaccount: number, idpicklist: number, mode: 'close' | 'cancel') {
    const found = await repo.findPicklist(trx, idaccount, idpicklist);
    if (!found) throw notFound('Picklist', idpicklist);
    if (!(await ordersRepo.lockOrder(trx, engine, idaccount, found.idorder)))
      throw notFound('Order', found.idorder);
    const p = await requireOpenLocked(trx, idaccount, idpicklist);
    if (mode === 'close') assertPickable(p);
    const keys = await settleInTrx(trx, idaccount, p, mode, true);
    const at = now();
    await repo.updatePicklist(trx, idaccount, idpicklist, {
      status: mode === 'close' ? 'closed' : 'cancelled',
      closed_at: mode === 'close' ? at : null,
      updated: at,
    });
    await backorders.assignKeysInTrx(trx, idaccount, keys);
    const view = await viewOf(trx, idaccount, idpicklist);
    await events.emit(
      trx,
      idaccount,
      mode === 'close' ? 'picklists.closed' : 'picklists.cancelled',
      'picklist',
      idpicklist,
      view,
    );
    return { view, idorder: p.idorder };
  }

  return {
    createInTrx,
    openManyInTrx,
    fillManyInTrx,

    /** After many picklists were created (outside a transaction): see repo.analyzeTables. */
    async statisticsAfterGrowth(): Promise<void> {
      if (engine === 'postgres') await repo.analyzeTables(handle.db);
    },

    /**
     * Cancels the open picklists of an order that is being cancelled: reservations released,
     * processed backorders cancelled, nothing waits again. The caller holds the order row.
     */
    async cancelAllOfOrderInTrx(trx: Trx, idaccount: number, idorder: number): Promise<LevelKeyPair[]> {
      const keys: LevelKeyPair[] = [];
      for (const p of await repo.picklistsOfOrder(trx, engine, idaccount, idorder)) {
        if (!isOpen(p.status)) continue;
        keys.push(...(await settleInTrx(trx, idaccount, p, 'cancel', false)));
        await repo.updatePicklist(trx, idaccount, p.idpicklist, { status: 'cancelled', updated: now() });
        await events.emit(
          trx,
          idaccount,
          'picklists.cancelled',
          'picklist',
          p.idpicklist,
          await viewOf(trx, idaccount, p.idpicklist),
        );
      }
      return keys;
    },

    /** The (product, warehouse) levels the open picklists of an order touch, to lock up front. */
    async openKeysOfOrder(db: Db, idaccount: number, idorder: number): Promise<LevelKeyPair[]> {
      const open = (await repo.picklistsOfOrder(db, undefined, idaccount, idorder)).filter((p) =>
        isOpen(p.status),
      );
      const lines = await repo.linesOf(
        db,
        idaccount,
        open.map((p) => p.idpicklist),
      );
      const warehouseOf = new Map(open.map((p) => [p.idpicklist, p.idwarehouse]));
      return lines.map((l) => ({ idproduct: l.idproduct, idwarehouse: warehouseOf.get(l.idpicklist)! }));
    },

    /** Open picklists of an order and whether anything was ever picked on a closed one. */
    async orderState(db: Db, idaccount: number, idorder: number) {
      const picklists = await repo.picklistsOfOrder(db, undefined, idaccount, idorder);
      return {
        open: picklists.filter((p) => isOpen(p.status)).length,
        pickedUnits: await repo.pickedOfOrder(db, idaccount, idorder),
      };
    },

    /** Units of an order line on open picklists or picked on closed ones. */
    coveredOfLine: (db: Db, idaccount: number, idorder_product: number) =>
      repo.coveredOfLine(db, idaccount, idorder_product),

    async summariesOfOrder(db: Db, idaccount: number, idorder: number) {
      return (await repo.picklistsOfOrder(db, undefined, idaccount, idorder)).map((p) => ({
        idpicklist: p.idpicklist,
        picklistid: p.picklistid,
        idwarehouse: p.idwarehouse,
        status: p.status,
      }));
    },

    async list(db: Db, idaccount: number, filter: repo.PicklistFilter) {
      const dates = {
        sincedate: dateTimeParam('sincedate', filter.sincedate),
        untildate: dateTimeParam('untildate', filter.untildate),
        closed_after: dateTimeParam('closed_after', filter.closed_after),
        closed_before: dateTimeParam('closed_before', filter.closed_before),
      };
      return views(db, idaccount, await repo.listPicklists(db, idaccount, { ...filter, ...dates }));
    },

    get: viewOf,

    /**
     * Registers picked units: by idpicklist_product, or by product (idproduct, or productcode as
     * a string); over several lines of the same product in line order. Picqer's errors 15-18.
     */
    pick(
      idaccount: number,
      idpicklist: number,
      input: {
        product?: number | string | undefined;
        idpicklist_product?: number | undefined;
        amount?: number | undefined;
      },
    ) {
      return withTransaction(handle, async (trx) => {
        if (input.product === undefined && input.idpicklist_product === undefined)
          throw new DomainError(
            'pick_no_product',
            'No product given: send product (an idproduct or productcode) or idpicklist_product',
          );
        const amount = input.amount ?? 1;
        if (!Number.isInteger(amount) || amount <= 0)
          throw new DomainError(
            'pick_invalid_amount',
            `Not a valid picking amount: ${amount}; send a whole number above 0`,
          );
        assertPickable(await requireOpenLocked(trx, idaccount, idpicklist));
        const lines = (await repo.linesOf(trx, idaccount, [idpicklist])).filter((l) => l.has_parts === 0);
        let matching: repo.PicklistLineRow[];
        if (input.idpicklist_product !== undefined)
          matching = lines.filter((l) => l.idpicklist_product === input.idpicklist_product);
        else if (typeof input.product === 'number')
          matching = lines.filter((l) => l.idproduct === input.product);
        else {
          matching = [];
          for (const l of lines)
            if ((await catalog.requireProduct(trx, idaccount, l.idproduct)).productcode === input.product)
              matching.push(l);
        }
        if (matching.length === 0)
          throw new DomainError(
            'pick_product_not_found',
            `Product to pick not found: ${String(input.idpicklist_product ?? input.product)} is not on picklist ${idpicklist}`,
          );
        const left = matching.reduce((s, l) => s + l.amount - l.amount_picked, 0);
        if (amount > left)
          throw new DomainError(
            'pick_amount_too_high',
            `Amount to pick is too high: ${amount} asked, ${left} left to pick of this product on picklist ${idpicklist}`,
          );
        let rest = amount;
        for (const l of matching) {
          const n = Math.min(rest, l.amount - l.amount_picked);
          if (n > 0) await repo.setPicked(trx, idaccount, l.idpicklist_product, l.amount_picked + n);
          rest -= n;
        }
        await refreshParentsPicked(trx, idaccount, idpicklist);
        await repo.updatePicklist(trx, idaccount, idpicklist, { updated: now() });
        return viewOf(trx, idaccount, idpicklist);
      });
    },

    pickAll(idaccount: number, idpicklist: number) {
      return withTransaction(handle, async (trx) => {
        assertPickable(await requireOpenLocked(trx, idaccount, idpicklist));
        for (const l of await repo.linesOf(trx, idaccount, [idpicklist]))
          if (l.amount_picked !== l.amount)
            await repo.setPicked(trx, idaccount, l.idpicklist_product, l.amount);
        await repo.updatePicklist(trx, idaccount, idpicklist, { updated: now() });
        return viewOf(trx, idaccount, idpicklist);
      });
    },

    endInTrx,
    handle,
  };
}

export type PicklistsService = ReturnType<typeof createPicklistsService>;
