import type { DatabaseHandle } from '../../db/connection.ts';
import { beforeCommit, unitSlot, unitState, withTransaction, type Trx } from '../../db/transaction.ts';
import { isOpenBackorderStatus } from '../../domain/backorder-assignment.ts';
import {
  compositionDateAvailable,
  missedShipDate,
  refreshEstimate,
  type ExpectedNow,
} from '../../domain/backorder-lifecycle.ts';
import { expectedAvailability } from '../../domain/expected-dates.ts';
import { formatDate, formatDateTime, type Clock } from '../../domain/time.ts';
import type { EventsService } from '../events/events.service.ts';
import type { StockService } from '../stock/stock.service.ts';
import { supplyOf } from '../purchasing/purchasing.reads.ts';
import * as repo from './backorders.repository.ts';

interface QueueKey {
  idaccount: number;
  idproduct: number;
  idwarehouse: number;
}

const NOT_COVERED: ExpectedNow = { date_available: null, idpurchaseorder: null };
const isUnshipped = (status: string) => isOpenBackorderStatus(status) || status === 'processed';

/** What a transaction marked: queues, and composition parents whose parts' stock changed. */
const MARKED = unitSlot('backorder-estimates', () => ({
  queues: new Map<string, QueueKey>(),
  parents: new Map<number, number[]>(),
}));

/**
 * Stored estimates that follow purchase orders at once, and delays noticed when they will be missed
 * (docs/adr/0010-backorder-lifecycle.md).
 *
 * Every change that can move the expected dates of a (product, warehouse) queue (stock assigned or
 * taken, backorders created, cancelled, processed or reordered, purchase order lines, dates and
 * statuses, receipts) marks the queue in its transaction; just before the commit each marked queue
 * is refreshed once, with its stock level locked (the queue's lock anchor), so the events say what
 * actually changed, once per change. The refresh reads only the head of the queue that purchase
 * orders can cover plus the rows that carry an estimate now (a partial index), not the whole queue.
 */
export function createExpectations(deps: {
  handle: DatabaseHandle;
  clock: Clock;
  events: EventsService;
  stock: StockService;
  transitDays: number;
  /** The backorder as events carry it. */
  view: (r: repo.BackorderRow) => object;
}) {
  const { handle, clock, events, stock, transitDays, view } = deps;
  const engine = handle.engine;
  const markedOf = (trx: Trx) => {
    beforeCommit(trx, 'backorder-estimates', flush);
    return unitState(trx, MARKED);
  };

  /**
   * Writes what the estimate rule decides for each row and emits the events, with the backorders
   * as they are then (read once, for the rows that changed). Answers the rows that changed.
   */
  async function applyInTrx(
    trx: Trx,
    idaccount: number,
    rows: readonly { row: repo.EstimateRow; expected: ExpectedNow }[],
  ): Promise<repo.EstimateRow[]> {
    const changed = [];
    const updates: repo.EstimateUpdate[] = [];
    for (const { row, expected } of rows) {
      const r = refreshEstimate(
        {
          ...row,
          idpurchaseorder_manual: row.idpurchaseorder_manual === 1,
          estimate_manual: row.estimate_manual === 1,
        },
        expected,
        transitDays,
      );
      if (Object.keys(r.patch).length === 0) continue;
      updates.push({
        idbackorder: row.idbackorder,
        patch: r.patch,
        ...(r.estimateUpdated && { updated_at: formatDateTime(clock()) }),
      });
      changed.push({ row, r });
    }
    // Every changed row in one statement, each once.
    await repo.updateEstimates(trx, engine, idaccount, updates);
    const noticed = changed.filter((c) => c.r.delayNoticed || c.r.estimateUpdated);
    const now = new Map<number, repo.BackorderRow>();
    for (let i = 0; i < noticed.length; i += 1000)
      for (const b of await repo.findBackorders(
        trx,
        idaccount,
        noticed.slice(i, i + 1000).map((c) => c.row.idbackorder),
      ))
        now.set(b.idbackorder, b);
    for (const { row, r } of noticed) {
      const after = now.get(row.idbackorder)!;
      if (r.delayNoticed)
        await events.emit(trx, idaccount, 'backorders.delay_noticed', 'backorder', row.idbackorder, {
          ...view(after),
          date_available: after.date_available,
          missed_estimated_ship_date: row.estimated_ship_date,
          reason: 'expected_later',
        });
      if (r.estimateUpdated)
        await events.emit(
          trx,
          idaccount,
          'backorders.estimate_updated',
          'backorder',
          row.idbackorder,
          view(after),
        );
    }
    return changed.map((c) => c.row);
  }

  /**
   * Refreshes one queue; the caller holds its level. Supply is consumed in queue order, so only the
   * head of the queue up to the open supply can be covered: it is read in queue order (index ranges,
   * growing), and behind it only the rows carrying an estimate, which become not covered. Answers
   * the composition parents of the part rows that changed.
   */
  async function refreshQueueInTrx(trx: Trx, key: QueueKey): Promise<number[]> {
    const supply = (await supplyOf(trx, key.idaccount, key.idproduct, key.idwarehouse)).filter(
      (s) => s.open > 0,
    );
    const total = supply.reduce((n, s) => n + s.open, 0);
    const head: repo.EstimateRow[] = [];
    let need = 0;
    let ended = total === 0;
    for (let chunk = 64; need < total; chunk = Math.min(chunk * 4, 4096)) {
      const rows = await repo.estimateRows(trx, key, head.at(-1) ?? null, chunk);
      head.push(...rows);
      for (const r of rows) need += r.amount - r.amount_available;
      if (rows.length < chunk) {
        ended = true;
        break;
      }
    }
    const expected = expectedAvailability(head, supply);
    // Behind the head nothing is covered; past the end of the queue there is nothing.
    const behind =
      ended && head.length > 0 ? [] : await repo.carryingEstimates(trx, engine, key, head.at(-1) ?? null);
    const changed = await applyInTrx(trx, key.idaccount, [
      ...head.map((row) => ({ row, expected: expected.get(row.idbackorder) ?? NOT_COVERED })),
      ...behind.map((row) => ({ row, expected: NOT_COVERED })),
    ]);
    return [...new Set(changed.map((r) => r.part_of_idbackorder).filter((p): p is number => p !== null))];
  }

  /** A composition is expected when its last missing part is (parents hold no supply of their own). */
  async function refreshParentsInTrx(trx: Trx, idaccount: number, parentIds: readonly number[]) {
    for (const id of [...parentIds].sort((a, b) => a - b)) {
      const [parent] = await repo.lockBackorders(trx, engine, idaccount, [id]);
      if (!parent || !isOpenBackorderStatus(parent.status)) continue;
      const parts = (await repo.partsOf(trx, idaccount, [id])).filter((p) => isOpenBackorderStatus(p.status));
      await applyInTrx(trx, idaccount, [
        { row: parent, expected: { date_available: compositionDateAvailable(parts), idpurchaseorder: null } },
      ]);
    }
  }

  /** Refreshes the marked queues of a transaction, levels locked in the global order first. */
  async function flush(trx: Trx): Promise<void> {
    const marked = unitState(trx, MARKED);
    const m = { queues: new Map(marked.queues), parents: new Map(marked.parents) };
    marked.queues.clear();
    marked.parents.clear();
    const keys = [...m.queues.values()].sort(
      (a, b) => a.idaccount - b.idaccount || a.idproduct - b.idproduct || a.idwarehouse - b.idwarehouse,
    );
    const accounts = new Set([...keys.map((k) => k.idaccount), ...m.parents.keys()]);
    for (const idaccount of [...accounts].sort((a, b) => a - b)) {
      const mine = keys.filter((k) => k.idaccount === idaccount);
      await stock.lockLevelsInTrx(trx, idaccount, mine);
      const parents = new Set<number>(m.parents.get(idaccount) ?? []);
      for (const k of mine) for (const p of await refreshQueueInTrx(trx, k)) parents.add(p);
      await refreshParentsInTrx(trx, idaccount, [...parents]);
    }
  }

  return {
    /**
     * Marks the queue of (product, warehouse) as changed in this transaction: its estimates are
     * refreshed once, just before the commit. Cheap; call it for every change that can move dates.
     */
    changedInTrx: (trx: Trx, idaccount: number, idproduct: number, idwarehouse: number): void => {
      markedOf(trx).queues.set(`${idaccount}:${idproduct}:${idwarehouse}`, {
        idaccount,
        idproduct,
        idwarehouse,
      });
    },

    /** Marks composition parents whose parts' stock changed: their expected date may move. */
    parentsChangedInTrx: (trx: Trx, idaccount: number, parentIds: readonly number[]): void => {
      if (parentIds.length === 0) return;
      const parents = markedOf(trx).parents;
      parents.set(idaccount, [...(parents.get(idaccount) ?? []), ...parentIds]);
    },

    /** Refreshes marked queues now (a use case that answers the refreshed backorder). */
    flushInTrx: flush,

    /**
     * The periodic check: reports backorders that have not shipped and whose estimated ship date
     * passed, once per backorder and date (delay_noticed_date). One short transaction per queue,
     * its level locked first, rows rechecked under the lock, so runs in several processes at once
     * report each date once. Answers how many were reported.
     */
    noticeMissedDates: async (
      batch = 200,
      // Each queue is a unit: one that fails is reported here and skipped for the rest of the run,
      // the others go on. Without onUnitError the failures are thrown together after the run.
      onUnitError?: (
        err: unknown,
        unit: { idaccount: number; idproduct: number; idwarehouse: number },
      ) => void,
    ): Promise<number> => {
      const today = formatDate(clock());
      let noticed = 0;
      const failed = new Map<string, unknown>();
      // One walk of the index in its order: rows another run reported first are skipped under the
      // lock, and a batch of such rows does not end the walk (rows behind it may still wait).
      let after: repo.UnnoticedRow | null = null;
      for (;;) {
        const rows = await repo.unnoticedMissed(handle.db, today, batch, after);
        after = rows.at(-1) ?? null;
        const queues = new Map<string, repo.UnnoticedRow[]>();
        for (const r of rows) {
          const k = `${r.idaccount}:${r.idproduct}:${r.idwarehouse}`;
          queues.set(k, [...(queues.get(k) ?? []), r]);
        }
        let now = 0;
        for (const [key, group] of queues) {
          const { idaccount, idproduct, idwarehouse } = group[0]!;
          if (failed.has(key)) continue;
          now += await withTransaction(handle, async (trx) => {
            await stock.lockLevelsInTrx(trx, idaccount, [{ idproduct, idwarehouse }]);
            const locked = await repo.lockBackorders(
              trx,
              engine,
              idaccount,
              group.map((r) => r.idbackorder),
            );
            let n = 0;
            for (const r of locked) {
              if (!isUnshipped(r.status) || !missedShipDate(r.estimated_ship_date, today)) continue;
              if (r.delay_noticed_date === r.estimated_ship_date) continue;
              await repo.updateBackorder(trx, idaccount, r.idbackorder, {
                delay_noticed_date: r.estimated_ship_date,
              });
              await events.emit(trx, idaccount, 'backorders.delay_noticed', 'backorder', r.idbackorder, {
                ...view(r),
                date_available: r.date_available,
                missed_estimated_ship_date: r.estimated_ship_date,
                reason: 'date_passed',
              });
              n++;
            }
            return n;
          }).catch((err: unknown) => {
            failed.set(key, err);
            onUnitError?.(err, { idaccount, idproduct, idwarehouse });
            return 0;
          });
        }
        noticed += now;
        if (rows.length < batch) break;
      }
      if (failed.size > 0 && !onUnitError)
        throw new AggregateError(
          [...failed.values()],
          `${failed.size} backorder queues failed the missed-date check`,
        );
      return noticed;
    },
  };
}

export type Expectations = ReturnType<typeof createExpectations>;
