import type { DatabaseHandle } from '../../db/connection.ts';
import { withTransaction, type Trx } from '../../db/transaction.ts';
import { DomainError, invalid } from '../../domain/errors.ts';
import { describeViolation, isViolation, planMove, type SlotLevel } from '../../domain/stock.ts';
import type { EventsService } from '../events/events.service.ts';
import { whereName } from './stock.keys.ts';
import type { WarehouseDetail } from './stock.reads.ts';
import * as repo from './stock.repository.ts';
import { locationToSlot, slotToLocation } from './stock.repository.ts';

/**
 * Moves of stock between two slots of one warehouse (the warehouse total stays): the in-transaction
 * step and the POST .../move use case. Part of the stock service (createStockService); the levels,
 * slots and the answer come from its core.
 */
export function createStockMoves(deps: {
  handle: DatabaseHandle;
  events: EventsService;
  now: () => string;
  lockedLevel: (trx: Trx, key: repo.LevelKey) => Promise<repo.LevelRow>;
  lockSlotsInTrx: (trx: Trx, key: repo.LevelKey, ensure?: number[]) => Promise<SlotLevel[]>;
  lockStockedProduct: (
    trx: Trx,
    idaccount: number,
    idproduct: number,
    idwarehouse: number,
  ) => Promise<unknown>;
  lockLocationIn: (trx: Trx, idaccount: number, idwarehouse: number, idlocation: number) => Promise<void>;
  warehouseDetail: (
    trx: Trx,
    idaccount: number,
    idproduct: number,
    idwarehouse: number,
  ) => Promise<WarehouseDetail>;
  productEventData: (trx: Trx, idaccount: number, idproduct: number) => Promise<object>;
}) {
  const { handle, events, now, lockedLevel, lockSlotsInTrx, lockStockedProduct, lockLocationIn } = deps;
  const { warehouseDetail, productEventData } = deps;

  /** Moves stock between two slots of one warehouse; picklist reservations that no longer fit move along. */
  async function moveInTrx(
    trx: Trx,
    idaccount: number,
    input: {
      idproduct: number;
      idwarehouse: number;
      from: number;
      to: number;
      amount: number;
      reason: string;
    },
  ): Promise<void> {
    const key = { idaccount, idproduct: input.idproduct, idwarehouse: input.idwarehouse };
    const level = await lockedLevel(trx, key);
    const slots = await lockSlotsInTrx(trx, key, [input.from, input.to]);
    const from = slots.find((s) => s.slot === input.from)!;
    const to = slots.find((s) => s.slot === input.to)!;
    const plan = planMove(from, input.amount);
    if (isViolation(plan))
      throw new DomainError('insufficient_stock', describeViolation(plan, whereName(input.from)));
    let left = plan.reservationsMoved;
    for (const line of await repo.pickReservationsOnSlot(trx, key, input.from)) {
      if (left === 0) break;
      const take = Math.min(left, line.amount);
      await repo.adjustPickLocation(trx, idaccount, line.idpicklist_product, input.from, -take);
      await repo.upsertPickLocations(trx, [
        {
          idaccount,
          idpicklist_product: line.idpicklist_product,
          idproduct: input.idproduct,
          idwarehouse: input.idwarehouse,
          slot: input.to,
          amount: take,
        },
      ]);
      left -= take;
    }
    await repo.adjustSlot(trx, key, input.from, {
      stock: -input.amount,
      reserved_picklists: -plan.reservationsMoved,
    });
    await repo.adjustSlot(trx, key, input.to, {
      stock: input.amount,
      reserved_picklists: plan.reservationsMoved,
    });
    for (const [slot, change] of [
      [from, -input.amount],
      [to, input.amount],
    ] as const) {
      await repo.insertHistory(trx, {
        idaccount,
        idproduct: input.idproduct,
        idwarehouse: input.idwarehouse,
        idlocation: slotToLocation(slot.slot),
        old_stock: level.stock,
        stock_change: 0,
        new_stock: level.stock,
        location_old_stock: slot.stock,
        location_stock_change: change,
        location_new_stock: slot.stock + change,
        reason: input.reason,
        change_type: 'move',
        reference_type: null,
        reference_id: null,
        changed_at: now(),
      });
    }
  }

  /**
   * POST /products/{id}/stock/{idwarehouse}/move: moves stock between two slots of one warehouse.
   * Inactive products may move (the warehouse total does not change).
   */
  async function moveStock(
    idaccount: number,
    idproduct: number,
    idwarehouse: number,
    input: { from_idlocation: number | null; to_idlocation: number | null; amount: number; reason?: string },
  ) {
    return withTransaction(handle, async (trx) => {
      await lockStockedProduct(trx, idaccount, idproduct, idwarehouse);
      if (input.from_idlocation === input.to_idlocation)
        throw invalid('from_idlocation and to_idlocation are the same: a move needs two different places');
      const named = [input.from_idlocation, input.to_idlocation].filter((l): l is number => l !== null);
      for (const idlocation of named.sort((a, b) => a - b))
        await lockLocationIn(trx, idaccount, idwarehouse, idlocation);
      await moveInTrx(trx, idaccount, {
        idproduct,
        idwarehouse,
        from: locationToSlot(input.from_idlocation),
        to: locationToSlot(input.to_idlocation),
        amount: input.amount,
        reason: input.reason?.trim() || 'Stock moved',
      });
      const detail = await warehouseDetail(trx, idaccount, idproduct, idwarehouse);
      await events.emit(trx, idaccount, 'products.stock_on_location_changed', 'product', idproduct, {
        product: await productEventData(trx, idaccount, idproduct),
        from_idlocation: input.from_idlocation,
        to_idlocation: input.to_idlocation,
        amount: input.amount,
        stock: detail,
      });
      return detail;
    });
  }

  return { moveInTrx, moveStock };
}
