import type { Engine } from '../../db/engine.ts';
import type { Trx } from '../../db/transaction.ts';
import { DomainError, invalid } from '../../domain/errors.ts';
import { planPickReservation, type SlotLevel } from '../../domain/stock.ts';
import { levelKey } from './stock.keys.ts';
import * as repo from './stock.repository.ts';
import { slotToLocation } from './stock.repository.ts';

/** A reservation for a new picklist line (reservePicksInTrx). */
export interface PickReservation {
  idproduct: number;
  idwarehouse: number;
  idpicklist_product: number;
  amount: number;
}

/**
 * Reservations on locked levels: picklist lines at concrete slots (reserved, then settled when the
 * picklist ends) and the backorder/allocation counters. Part of the stock service
 * (createStockService); every level write goes through its core, which keeps the transaction's
 * view of the level and owes the stock events.
 */
export function createStockReservations(deps: {
  engine: Engine;
  now: () => string;
  lockedLevel: (trx: Trx, key: repo.LevelKey) => Promise<repo.LevelRow>;
  lockSlotsInTrx: (trx: Trx, key: repo.LevelKey, ensure?: number[]) => Promise<SlotLevel[]>;
  writeLevel: (trx: Trx, key: repo.LevelKey, d: repo.LevelDeltas) => Promise<repo.LevelRow>;
  writeLevels: (
    trx: Trx,
    idaccount: number,
    changes: readonly repo.LevelChange[],
  ) => Promise<repo.LevelRow[]>;
  /** A picklist booked stock out of the level: one stock event per level before the commit. */
  bookedOutOf: (trx: Trx, idaccount: number, key: repo.LevelKey) => void;
  notifyListeners: (trx: Trx, idaccount: number, idproduct: number, idwarehouse: number) => Promise<void>;
}) {
  const { engine, now, lockedLevel, lockSlotsInTrx, writeLevel, writeLevels, bookedOutOf, notifyListeners } =
    deps;

  /**
   * Reserves stock for new picklist lines at concrete slots: picking locations first, then no
   * specific location, bulk locations last; lines in the given order. The caller has locked the
   * levels and checked that enough unreserved stock exists; a shortfall here is a programming error
   * surfaced as a rule error. Made for many lines at once (a batch of picklists): the slots of all
   * their levels are locked in one statement (in the fixed order), each slot and level is written
   * once, the reservations in one statement. Answers each line's slots, in the order given.
   * `reservedBackorders`: relative changes of reserved_backorders written in the same statement as
   * the levels' reserved_picklists (processing moves units from backorders onto picklists: one
   * write per level, not two, so PostgreSQL does not check each level's foreign keys again).
   */
  async function reservePicksInTrx(
    trx: Trx,
    idaccount: number,
    lines: readonly PickReservation[],
    reservedBackorders: readonly {
      idproduct: number;
      idwarehouse: number;
      reserved_backorders: number;
    }[] = [],
  ): Promise<{ slot: number; amount: number }[][]> {
    if (lines.length === 0) {
      if (reservedBackorders.length > 0) await writeLevels(trx, idaccount, reservedBackorders);
      return [];
    }
    const slotsOf = new Map<string, (SlotLevel & { bulk: boolean })[]>();
    for (const r of await repo.slotsWithLocations(trx, engine, idaccount, lines)) {
      const slot = { slot: r.slot, stock: r.stock, reserved_picklists: r.reserved_picklists };
      const all = slotsOf.get(levelKey(r)) ?? [];
      all.push({ ...slot, bulk: r.is_bulk_location === 1 });
      slotsOf.set(levelKey(r), all);
    }
    const rank = (s: { slot: number; bulk: boolean }) => (s.slot === 0 ? 1 : s.bulk ? 2 : 0);
    const slotDeltas = new Map<string, { key: repo.LevelKey; slot: number; amount: number }>();
    const levelDeltas = new Map<string, { key: repo.LevelKey; amount: number }>();
    const reservations = new Map<string, repo.PickLocationRow>();
    const plans = [];
    for (const line of lines) {
      const key = { idaccount, idproduct: line.idproduct, idwarehouse: line.idwarehouse };
      const slots = slotsOf.get(levelKey(line)) ?? [];
      const plan = planPickReservation(
        [...slots].sort((a, b) => rank(a) - rank(b) || a.slot - b.slot),
        line.amount,
      );
      if (!plan)
        throw new DomainError(
          'insufficient_stock',
          `Not enough unreserved stock of product ${line.idproduct}`,
        );
      for (const p of plan) {
        // The next line of the same level sees this reservation.
        const slot = slots.find((s) => s.slot === p.slot)!;
        slot.reserved_picklists += p.amount;
        const sk = `${levelKey(line)}:${p.slot}`;
        slotDeltas.set(sk, { key, slot: p.slot, amount: (slotDeltas.get(sk)?.amount ?? 0) + p.amount });
        const rk = `${line.idpicklist_product}:${p.slot}`;
        const before = reservations.get(rk)?.amount ?? 0;
        reservations.set(rk, {
          ...key,
          idpicklist_product: line.idpicklist_product,
          slot: p.slot,
          amount: before + p.amount,
        });
      }
      const lk = levelKey(line);
      levelDeltas.set(lk, { key, amount: (levelDeltas.get(lk)?.amount ?? 0) + line.amount });
      plans.push(plan);
    }
    await repo.adjustSlots(
      trx,
      engine,
      idaccount,
      [...slotDeltas.values()].map((d) => ({ ...d.key, slot: d.slot, reserved_picklists: d.amount })),
    );
    await repo.upsertPickLocations(trx, [...reservations.values()]);
    const changes = new Map<string, repo.LevelChange>(
      [...levelDeltas].map(([k, d]) => [k, { ...d.key, reserved_picklists: d.amount }]),
    );
    for (const c of reservedBackorders) {
      const k = levelKey(c);
      const change = changes.get(k) ?? { idproduct: c.idproduct, idwarehouse: c.idwarehouse };
      changes.set(k, {
        ...change,
        reserved_backorders: (change.reserved_backorders ?? 0) + c.reserved_backorders,
      });
    }
    await writeLevels(trx, idaccount, [...changes.values()]);
    return plans;
  }

  /** One line's reservation (see reservePicksInTrx). */
  async function reservePickInTrx(
    trx: Trx,
    idaccount: number,
    input: PickReservation,
  ): Promise<{ slot: number; amount: number }[]> {
    return (await reservePicksInTrx(trx, idaccount, [input]))[0]!;
  }

  /**
   * Ends a picklist line's reservation: `picked` units leave the warehouse (ledger rows of change
   * type `picklist`), the rest is released. Listeners then hand freed stock to waiting backorders.
   */
  async function settlePickInTrx(
    trx: Trx,
    idaccount: number,
    input: {
      idpicklist_product: number;
      picked: number;
      reason: string;
      referenceType: string;
      referenceId: number;
    },
  ): Promise<void> {
    const locations = await repo.pickLocationsOfLine(trx, idaccount, input.idpicklist_product);
    const first = locations[0];
    if (!first) return;
    const key = { idaccount, idproduct: first.idproduct, idwarehouse: first.idwarehouse };
    const level = await lockedLevel(trx, key);
    const slots = await lockSlotsInTrx(trx, key);
    let toBookOut = input.picked;
    let levelStock = level.stock;
    let reservedTotal = 0;
    for (const loc of locations) {
      if (loc.amount === 0) continue;
      const out = Math.min(loc.amount, toBookOut);
      toBookOut -= out;
      reservedTotal += loc.amount;
      await repo.adjustSlot(trx, key, loc.slot, { stock: -out, reserved_picklists: -loc.amount });
      await repo.adjustPickLocation(trx, idaccount, input.idpicklist_product, loc.slot, -loc.amount);
      if (out > 0) {
        const slot = slots.find((s) => s.slot === loc.slot)!;
        await repo.insertHistory(trx, {
          idaccount,
          idproduct: key.idproduct,
          idwarehouse: key.idwarehouse,
          idlocation: slotToLocation(loc.slot),
          old_stock: levelStock,
          stock_change: -out,
          new_stock: levelStock - out,
          location_old_stock: slot.stock,
          location_stock_change: -out,
          location_new_stock: slot.stock - out,
          reason: input.reason,
          change_type: 'picklist',
          reference_type: input.referenceType,
          reference_id: input.referenceId,
          changed_at: now(),
        });
        levelStock -= out;
      }
    }
    if (toBookOut > 0)
      throw invalid(`Picked amount exceeds what picklist line ${input.idpicklist_product} reserved`);
    const bookedOut = level.stock - levelStock;
    if (reservedTotal === 0) return;
    await writeLevel(trx, key, { stock: -bookedOut, reserved_picklists: -reservedTotal });
    // One stock change per level for the whole picklist, however many lines it has (flushEvents).
    if (bookedOut > 0) bookedOutOf(trx, idaccount, key);
    await notifyListeners(trx, idaccount, key.idproduct, key.idwarehouse);
  }

  /**
   * Relative change of the backorder/allocation reservations of a locked level. Its free stock
   * event, if the transaction's net change calls for one, goes out before the commit.
   */
  async function adjustReservedInTrx(
    trx: Trx,
    key: repo.LevelKey,
    d: { reserved_backorders?: number; reserved_allocations?: number },
  ): Promise<void> {
    await writeLevel(trx, key, d);
  }

  return {
    reservePicksInTrx,
    reservePickInTrx,
    settlePickInTrx,
    adjustReservedInTrx,
  };
}
