import type { DatabaseHandle } from '../../db/connection.ts';
import {
  beforeCommit,
  unitSlot,
  unitState,
  unitStateIfAny,
  withTransaction,
  type Db,
  type Trx,
} from '../../db/transaction.ts';
import { DomainError, invalid, invalidState } from '../../domain/errors.ts';
import {
  changeForAmount,
  checkSlotChange,
  describeViolation,
  warehouseStock,
  type SlotLevel,
} from '../../domain/stock.ts';
import { formatDateTime, type Clock } from '../../domain/time.ts';
import { STOCKED_TYPES, type CatalogService } from '../catalog/catalog.service.ts';
import type { EventsService } from '../events/events.service.ts';
import { checkLockOrder, impliedSlot, levelKey, MAX_STOCK, whereName } from './stock.keys.ts';
import { createStockMoves } from './stock.moves.ts';
import { emptyLevel, locationView } from './stock.reads.ts';
import * as reads from './stock.reads.ts';
import * as repo from './stock.repository.ts';
import { locationToSlot, slotToLocation } from './stock.repository.ts';
import { createStockReservations } from './stock.reservations.ts';

/**
 * Stock levels, location stock, picklist reservations and the ledger. Every stock change in the
 * system goes through this service and follows one recipe:
 *   1. make sure the level rows exist (INSERT ... ON CONFLICT DO NOTHING);
 *   2. lock them in the fixed order: stock_levels by (idproduct, idwarehouse), then that level's
 *      location_stock rows by slot, then (in the backorders service) its backorders;
 *   3. let the pure domain decide on the locked values;
 *   4. write relative updates;
 *   5. append ledger rows and outbox events in the same transaction.
 * Functions named ...InTrx run inside the caller's transaction; the others open their own.
 *
 * This file holds the core: the per-transaction state (TrxState), level locks and writes, the
 * stock change and its events. Moves are in stock.moves.ts, picklist and backorder/allocation
 * reservations in stock.reservations.ts, reads outside the unit of work in stock.reads.ts.
 */

/** Runs after every change of stock or picklist reservations of one (product, warehouse), in the same transaction. */
export type StockListener = (
  trx: Trx,
  idaccount: number,
  idproduct: number,
  idwarehouse: number,
) => Promise<void>;

export interface StockChangeInput {
  idproduct: number;
  idwarehouse: number;
  /**
   * 0 = no specific location. 'implied' = the product's only location holding stock in the
   * warehouse, else no specific location (Picqer's rule for a change without idlocation); it is
   * decided on the locked slots.
   */
  slot: number | 'implied';
  /** Relative change; ignored when setTo is given. */
  change: number;
  /** Sets the slot to this level instead: the change is computed from the LOCKED slot. */
  setTo?: number;
  reason: string;
  changeType: string;
  referenceType?: string | null;
  referenceId?: number | null;
}

/** What stock events say about their product. */
interface ProductRef {
  idproduct: number;
  productcode: string;
  name: string;
}

/**
 * What one transaction knows for certain, so that its steps do not ask the database again:
 * - levels: the stock_levels rows it has locked (or updated, which locks too), as they are now.
 *   Nobody else can change a locked row, and every write of this transaction goes through
 *   writeLevel below, which replaces the entry with the row the UPDATE returned; so the entry is
 *   the row. A use case locks its levels once; the change, the reservation, the free stock event
 *   and the backorder assignment after it read them here.
 * - products: productcode and name for stock events (the catalog never changes a product in a
 *   stock transaction).
 * - freeBefore: the free stock of each level before this transaction first changed it, and
 *   bookedOut: the levels picklists booked stock out of. Their events (free_stock_changed,
 *   stock_changed of picklists) go out once per level just before the commit: see flushEvents.
 * It lives in the transaction's unit of work (src/db/transaction.ts): a retried transaction starts empty.
 * Entries are never mutated, only replaced, so rows handed out earlier stay as they were then.
 */
interface TrxState {
  levels: Map<string, repo.LevelRow>;
  products: Map<number, ProductRef>;
  freeBefore: Map<string, number>;
  bookedOut: Set<string>;
  idaccount?: number;
}

/** The stock service's place in each transaction's unit of work. */
const STOCK_STATE = unitSlot<TrxState>('stock', () => ({
  levels: new Map(),
  products: new Map(),
  freeBefore: new Map(),
  bookedOut: new Set(),
}));

const freeOf = (l: repo.LevelRow) =>
  l.stock - l.reserved_picklists - l.reserved_backorders - l.reserved_allocations;
const freeDelta = (d: repo.LevelDeltas) =>
  (d.stock ?? 0) - (d.reserved_picklists ?? 0) - (d.reserved_backorders ?? 0) - (d.reserved_allocations ?? 0);

export function createStockService(deps: {
  handle: DatabaseHandle;
  clock: Clock;
  events: EventsService;
  catalog: CatalogService;
}) {
  const { handle, clock, events, catalog } = deps;
  const engine = handle.engine;
  const listeners: StockListener[] = [];
  const now = () => formatDateTime(clock());

  const stateOf = (trx: Trx): TrxState => unitState(trx, STOCK_STATE);

  /**
   * A level's free stock changed by `delta` (the row is after the change): the first change of the
   * transaction remembers what it was before, and the events go out before the commit.
   */
  function freeChanged(trx: Trx, idaccount: number, row: repo.LevelRow, delta: number): void {
    if (delta === 0) return;
    const state = stateOf(trx);
    const k = levelKey(row);
    if (!state.freeBefore.has(k)) state.freeBefore.set(k, freeOf(row) - delta);
    oweEvents(trx, idaccount);
  }

  /** A picklist booked stock out of the level: its stock event goes out once, before the commit. */
  function bookedOutOf(trx: Trx, idaccount: number, key: repo.LevelKey): void {
    stateOf(trx).bookedOut.add(levelKey(key));
    oweEvents(trx, idaccount);
  }

  function oweEvents(trx: Trx, idaccount: number): void {
    stateOf(trx).idaccount = idaccount;
    beforeCommit(trx, 'stock-events', flushEvents);
  }

  /**
   * The stock events a transaction owes, once per level however many steps changed it: a picklist
   * booking stock out of a level (its lines may be many), and free stock that differs from before
   * the transaction (a reservation that only moved, from a picklist back to a backorder or the
   * other way, changed nothing). With the levels as they are at the end.
   */
  async function flushEvents(trx: Trx): Promise<void> {
    const state = stateOf(trx);
    const idaccount = state.idaccount!;
    const sorted = (keys: Iterable<string>) =>
      [...keys]
        .map((k) => state.levels.get(k)!)
        .sort((a, b) => a.idproduct - b.idproduct || a.idwarehouse - b.idwarehouse);
    for (const level of sorted(state.bookedOut))
      await events.emit(trx, idaccount, 'products.stock_changed', 'product', level.idproduct, {
        product: await productEventData(trx, idaccount, level.idproduct),
        stock: [warehouseStock(level)],
      });
    for (const level of sorted(state.freeBefore.keys()))
      if (freeOf(level) !== state.freeBefore.get(levelKey(level)))
        await events.emit(trx, idaccount, 'products.free_stock_changed', 'product', level.idproduct, {
          ...(await productEventData(trx, idaccount, level.idproduct)),
          stock: [warehouseStock(level)],
        });
    state.bookedOut.clear();
    state.freeBefore.clear();
  }

  /**
   * A locked level as it is now, after a write that changed its free stock by `freeDelta`: the
   * transaction's view of it follows (see TrxState), and its events are owed.
   */
  function hold(trx: Trx, idaccount: number, row: repo.LevelRow, freeDelta = 0): void {
    stateOf(trx).levels.set(levelKey(row), row);
    freeChanged(trx, idaccount, row, freeDelta);
  }

  /** Relative update of a locked level; the transaction's view of it follows (see TrxState). */
  async function writeLevel(trx: Trx, key: repo.LevelKey, d: repo.LevelDeltas): Promise<repo.LevelRow> {
    const row = await repo.adjustLevel(trx, key, d, now());
    hold(trx, key.idaccount, row, freeDelta(d));
    return row;
  }

  /** Relative updates of many locked levels in one statement (see writeLevel). */
  async function writeLevels(
    trx: Trx,
    idaccount: number,
    changes: readonly repo.LevelChange[],
  ): Promise<repo.LevelRow[]> {
    const rows = await repo.adjustLevels(trx, engine, idaccount, changes, now());
    const deltas = new Map(changes.map((c) => [levelKey(c), freeDelta(c)]));
    for (const row of rows) {
      stateOf(trx).levels.set(levelKey(row), row);
      freeChanged(trx, idaccount, row, deltas.get(levelKey(row)) ?? 0);
    }
    return rows;
  }

  function rememberProduct(trx: Trx, p: ProductRef): void {
    stateOf(trx).products.set(p.idproduct, {
      idproduct: p.idproduct,
      productcode: p.productcode,
      name: p.name,
    });
  }

  async function productEventData(trx: Trx, idaccount: number, idproduct: number): Promise<ProductRef> {
    const known = stateOf(trx).products.get(idproduct);
    if (known) return known;
    rememberProduct(trx, await catalog.requireProduct(trx, idaccount, idproduct));
    return stateOf(trx).products.get(idproduct)!;
  }

  async function notifyListeners(trx: Trx, idaccount: number, idproduct: number, idwarehouse: number) {
    for (const l of listeners) await l(trx, idaccount, idproduct, idwarehouse);
  }

  /**
   * Ensures and locks the levels of several (product, warehouse) pairs in the fixed order, and
   * answers them as they are now. Levels this transaction holds already cost nothing (TrxState);
   * the others are locked in one sorted statement, and created first when missing (rare: a
   * product's first stock in a warehouse).
   */
  async function lockLevelsInTrx(
    trx: Trx,
    idaccount: number,
    keys: readonly { idproduct: number; idwarehouse: number }[],
  ): Promise<Map<string, repo.LevelRow>> {
    const held = stateOf(trx).levels;
    // Only the two key fields: callers may pass richer objects, which must not reach the INSERT.
    const wanted = [
      ...new Map(
        keys.map((k) => [levelKey(k), { idproduct: k.idproduct, idwarehouse: k.idwarehouse }]),
      ).values(),
    ];
    const missing = wanted.filter((k) => !held.has(levelKey(k)));
    if (missing.length > 0 && held.size > 0) checkLockOrder(held.values(), missing);
    if (missing.length > 0) {
      let rows = await repo.lockLevels(trx, engine, idaccount, missing);
      if (rows.length < missing.length) {
        const found = new Set(rows.map(levelKey));
        await repo.ensureLevels(
          trx,
          idaccount,
          missing.filter((k) => !found.has(levelKey(k))),
          now(),
        );
        rows = await repo.lockLevels(trx, engine, idaccount, missing);
      }
      for (const r of rows) held.set(levelKey(r), r);
    }
    return new Map(
      wanted
        .sort((a, b) => a.idproduct - b.idproduct || a.idwarehouse - b.idwarehouse)
        .map((k) => [levelKey(k), held.get(levelKey(k))!]),
    );
  }

  /** The level of a key this transaction has locked, as it is now. */
  async function lockedLevel(trx: Trx, key: repo.LevelKey): Promise<repo.LevelRow> {
    return (await lockLevelsInTrx(trx, key.idaccount, [key])).get(levelKey(key))!;
  }

  /**
   * Locks the slots of a locked level in slot order; slots in `ensure` that do not exist yet are
   * created empty (under the level's lock nobody else can create them meanwhile).
   */
  async function lockSlotsInTrx(trx: Trx, key: repo.LevelKey, ensure: number[] = []): Promise<SlotLevel[]> {
    const slots = await repo.lockSlots(trx, engine, key);
    const absent = [...new Set(ensure)].filter((slot) => !slots.some((s) => s.slot === slot));
    if (absent.length === 0) return slots;
    for (const slot of absent) await repo.ensureSlot(trx, key, slot);
    return [...slots, ...absent.map((slot) => ({ slot, stock: 0, reserved_picklists: 0 }))].sort(
      (a, b) => a.slot - b.slot,
    );
  }

  /**
   * Changes the stock of one slot by a relative amount, under the seed's rules, on the locked level
   * and slots; writes the slot, the level and the ledger each once (repo.writeStockChange). Answers
   * the ledger row's id (none when nothing changed) and the level's slots as they are now.
   */
  async function applyChange(
    trx: Trx,
    idaccount: number,
    input: StockChangeInput,
    lockedSlots?: repo.LocatedSlotRow[],
  ): Promise<{ idhistory: number | undefined; slots: repo.LocatedSlotRow[] }> {
    const key = { idaccount, idproduct: input.idproduct, idwarehouse: input.idwarehouse };
    const level = await lockedLevel(trx, key);
    const slots = lockedSlots ?? (await repo.lockLocatedSlots(trx, engine, key));
    // Slot 0 always exists with its level and an implied location holds stock, so both are found;
    // a named location may hold no slot of this level yet (the write creates it).
    const slotNo = input.slot === 'implied' ? impliedSlot(slots) : input.slot;
    const found = slots.find((s) => s.slot === slotNo);
    const slot = found ?? { slot: slotNo, stock: 0, reserved_picklists: 0 };
    const change = input.setTo !== undefined ? changeForAmount(slot.stock, input.setTo) : input.change;
    if (change === 0) {
      // Nothing to book; a location named for the first time still becomes the product's slot.
      if (!found) await repo.ensureSlot(trx, key, slotNo);
      return { idhistory: undefined, slots: found ? slots : await repo.lockLocatedSlots(trx, engine, key) };
    }
    const violation = checkSlotChange(slot, change);
    if (violation)
      throw new DomainError('insufficient_stock', describeViolation(violation, whereName(slotNo)));
    if (level.stock + change > MAX_STOCK)
      throw invalid(`The stock of a warehouse cannot exceed ${MAX_STOCK}; it is ${level.stock} now`);
    const at = now();
    const history = {
      idaccount,
      idproduct: input.idproduct,
      idwarehouse: input.idwarehouse,
      idlocation: slotToLocation(slotNo),
      old_stock: level.stock,
      stock_change: change,
      new_stock: level.stock + change,
      location_old_stock: slot.stock,
      location_stock_change: change,
      location_new_stock: slot.stock + change,
      reason: input.reason,
      change_type: input.changeType,
      reference_type: input.referenceType ?? null,
      reference_id: input.referenceId ?? null,
      changed_at: at,
    };
    const idhistory = await repo.writeStockChange(
      trx,
      engine,
      key,
      { slot: slotNo, isNew: !found },
      history,
      at,
    );
    // The level is locked and was written only here: what it is now follows without a read.
    hold(trx, idaccount, { ...level, stock: level.stock + change }, change);
    const { idaccount: _a, ...historyData } = history;
    await events.emit(trx, idaccount, 'products.stock_changed', 'product', input.idproduct, {
      product: await productEventData(trx, idaccount, input.idproduct),
      product_stock_history: { idproduct_stock_history: idhistory, ...historyData },
    });
    await notifyListeners(trx, idaccount, input.idproduct, input.idwarehouse);
    const after = found
      ? slots.map((s) => (s.slot === slotNo ? { ...s, stock: s.stock + change } : s))
      : await repo.lockLocatedSlots(trx, engine, key);
    return { idhistory, slots: after };
  }

  /** Changes the stock of one slot by a relative amount (see applyChange); answers the ledger row's id. */
  async function changeInTrx(
    trx: Trx,
    idaccount: number,
    input: StockChangeInput,
  ): Promise<number | undefined> {
    return (await applyChange(trx, idaccount, input)).idhistory;
  }

  async function warehouseDetail(db: Db, idaccount: number, idproduct: number, idwarehouse: number) {
    const key = { idaccount, idproduct, idwarehouse };
    // A level this transaction holds is known (TrxState); otherwise read it.
    const level =
      unitStateIfAny(db, STOCK_STATE)?.levels.get(levelKey(key)) ??
      (await repo.levelOf(db, key)) ??
      emptyLevel(idproduct, idwarehouse);
    return detailOf(level, await repo.slotsWithLocations(db, undefined, idaccount, [key]));
  }

  /** A level and its slots as GET /products/{id}/stock/{idwarehouse} shows them. */
  function detailOf(level: repo.LevelRow, slots: readonly repo.LocatedSlotRow[]) {
    const { idwarehouse } = level;
    return {
      ...warehouseStock(level),
      locations: slots
        .filter((s) => s.slot !== 0 && s.location_idwarehouse === idwarehouse)
        .map((s) => locationView(idwarehouse, { ...s, name: s.name! })),
    };
  }

  /** A location named in a request: it must be this account's and in this warehouse (a 400 otherwise). */
  async function lockLocationIn(trx: Trx, idaccount: number, idwarehouse: number, idlocation: number) {
    const l = await catalog.lockLocationShared(trx, idaccount, idlocation);
    if (!l)
      throw invalid(
        `Location ${idlocation} does not exist: give one of your locations, or null for no specific location`,
      );
    if (l.idwarehouse !== idwarehouse)
      throw invalid(
        `Location ${idlocation} is in warehouse ${l.idwarehouse}, not in warehouse ${idwarehouse}`,
      );
  }

  /**
   * The product whose stock a request changes, locked shared so that its type and active flag stay
   * as checked until commit (a type change locks it exclusively).
   */
  async function lockStockedProduct(trx: Trx, idaccount: number, idproduct: number, idwarehouse: number) {
    const product = await catalog.lockProductSharedIn(trx, idaccount, idproduct, idwarehouse);
    rememberProduct(trx, product);
    checkStocked(product);
    return product;
  }

  /** Only products of a stocked type have stock (a 400 otherwise). */
  function checkStocked(product: { idproduct: number; type: string }): void {
    if (!STOCKED_TYPES.includes(product.type))
      throw invalidState(
        `Product ${product.idproduct} is of type ${product.type}; only products of type normal or composition_with_stock have stock`,
      );
  }

  /** What the caller asks of a stock change, checked after the product (its errors come first). */
  function checkChangeRequest(
    product: { idproduct: number; type: string; active: number },
    input: { change?: number; amount?: number; reason: string },
  ): string {
    checkStocked(product);
    if (product.active !== 1)
      throw invalidState(`Product ${product.idproduct} is inactive: activate it before changing its stock`);
    if ((input.change === undefined) === (input.amount === undefined))
      throw invalid('Give exactly one of change (to add or remove stock) or amount (to set the stock level)');
    const reason = input.reason.trim();
    if (reason === '') throw invalid('reason is required: say why the stock changes');
    return reason.slice(0, 1000);
  }

  /**
   * POST /products/{id}/stock/{idwarehouse}: adds, removes (change) or sets (amount) the stock of one
   * slot. The footprint is locked first, in one statement and the global order: product (shared),
   * the named location (shared), the level and its slots; then applyChange decides and writes. `amount` becomes a change computed from the LOCKED slot (setTo), never from an earlier
   * read. An omitted idlocation means the product's single location holding stock in this
   * warehouse, else no specific location (slot 'implied', also decided under the lock). When the
   * statement finds nothing (an unknown product, warehouse or location, or the product's first
   * stock in this warehouse) the change takes the long way, which names what is missing or creates
   * the level.
   */
  async function changeStock(
    idaccount: number,
    idproduct: number,
    idwarehouse: number,
    input: { change?: number; amount?: number; idlocation?: number | null; reason: string },
  ) {
    return withTransaction(handle, async (trx) => {
      const key = { idaccount, idproduct, idwarehouse };
      const footprint = await repo.lockChangeTarget(trx, engine, key, input.idlocation ?? null);
      if (!footprint) return changeStockTheLongWay(trx, key, input);
      const { target } = footprint;
      const reason = checkChangeRequest(target, input);
      if (target.location_idwarehouse !== null && target.location_idwarehouse !== idwarehouse)
        throw invalid(
          `Location ${input.idlocation} is in warehouse ${target.location_idwarehouse}, not in warehouse ${idwarehouse}`,
        );
      rememberProduct(trx, target);
      hold(trx, idaccount, {
        idproduct,
        idwarehouse,
        stock: target.stock,
        reserved_picklists: target.reserved_picklists,
        reserved_backorders: target.reserved_backorders,
        reserved_allocations: target.reserved_allocations,
      });
      // Slots that do not add up to their level were made meanwhile: read them again (see the footprint).
      const { slots } = await applyChange(
        trx,
        idaccount,
        changeInput(key, input, reason),
        footprint.complete ? footprint.slots : undefined,
      );
      // The answer from the locked rows: the level as the transaction left it, its slots.
      return detailOf(stateOf(trx).levels.get(levelKey(key))!, slots);
    });
  }

  const changeInput = (
    key: repo.LevelKey,
    input: { change?: number; amount?: number; idlocation?: number | null },
    reason: string,
  ): StockChangeInput => ({
    idproduct: key.idproduct,
    idwarehouse: key.idwarehouse,
    slot: input.idlocation === undefined ? 'implied' : locationToSlot(input.idlocation),
    change: input.change ?? 0,
    ...(input.amount !== undefined && { setTo: input.amount }),
    reason,
    changeType: 'api',
  });

  /** The stock change step by step: product, location, level (created when missing), slots. */
  async function changeStockTheLongWay(
    trx: Trx,
    key: repo.LevelKey,
    input: { change?: number; amount?: number; idlocation?: number | null; reason: string },
  ) {
    const { idaccount, idproduct, idwarehouse } = key;
    const product = await lockStockedProduct(trx, idaccount, idproduct, idwarehouse);
    const reason = checkChangeRequest(product, input);
    if (input.idlocation !== undefined && input.idlocation !== null)
      await lockLocationIn(trx, idaccount, idwarehouse, input.idlocation);
    const { slots } = await applyChange(trx, idaccount, changeInput(key, input, reason));
    return detailOf(stateOf(trx).levels.get(levelKey(key))!, slots);
  }

  const reservations = createStockReservations({
    engine,
    now,
    lockedLevel,
    lockSlotsInTrx,
    writeLevel,
    writeLevels,
    bookedOutOf,
    notifyListeners,
  });
  const moves = createStockMoves({
    handle,
    events,
    now,
    lockedLevel,
    lockSlotsInTrx,
    lockStockedProduct,
    lockLocationIn,
    warehouseDetail,
    productEventData,
  });

  return {
    onStockChange(listener: StockListener): void {
      listeners.push(listener);
    },
    lockLevelsInTrx,
    lockSlotsInTrx,
    changeInTrx,
    moveInTrx: moves.moveInTrx,
    reservePickInTrx: reservations.reservePickInTrx,
    reservePicksInTrx: reservations.reservePicksInTrx,
    settlePickInTrx: reservations.settlePickInTrx,
    adjustReservedInTrx: reservations.adjustReservedInTrx,
    productStock: reads.productStock,
    stockOfProducts: reads.stockOfProducts,
    warehouseDetail,
    readWarehouseDetail: (idaccount: number, idproduct: number, idwarehouse: number) =>
      reads.readWarehouseDetail(handle.db, engine, idaccount, idproduct, idwarehouse),
    changeStock,
    moveStock: moves.moveStock,
    warehouseProducts: reads.warehouseProducts,
    history: reads.history,
    historyEntry: reads.historyEntry,
    slotToLocation,
    locationToSlot,
    /** Runs fn in a transaction of this service's database. */
    transaction: <T>(fn: (trx: Trx) => Promise<T>) => withTransaction(handle, fn),
    handle,
  };
}

export type StockService = ReturnType<typeof createStockService>;
