import type { SlotLevel } from '../../domain/stock.ts';

/** Level keys, the slot a change without a location applies to, and the lock order check. */

/** PostgreSQL's integer: no warehouse stock may grow past it. */
export const MAX_STOCK = 2_147_483_647;

/** The key of a (product, warehouse) level in maps: `idproduct:idwarehouse`. */
export const levelKey = (k: { idproduct: number; idwarehouse: number }) => `${k.idproduct}:${k.idwarehouse}`;

export const whereName = (slot: number) => (slot === 0 ? 'no specific location' : `location ${slot}`);

/**
 * The slot a stock change without idlocation applies to (Picqer: "try to find a matching location"):
 * the product's only location holding stock in the warehouse, else no specific location.
 */
export function impliedSlot(slots: readonly SlotLevel[]): number {
  const stocked = slots.filter((s) => s.slot !== 0 && s.stock > 0);
  return stocked.length === 1 ? stocked[0]!.slot : 0;
}

export const compareLevels = (a: LevelPair, b: LevelPair) =>
  a.idproduct - b.idproduct || a.idwarehouse - b.idwarehouse;
export type LevelPair = { idproduct: number; idwarehouse: number };

/**
 * Levels are locked in (idproduct, idwarehouse) order (ADR 0003). A transaction that holds some
 * and then locks one that sorts before the last it holds can deadlock with another doing the
 * opposite: STOCKROOM_LOCK_ORDER=throw (the tests) makes that an error with the keys, so a use case
 * that does not lock its footprint up front is found by the suite, not by a deadlock in production.
 */
export function checkLockOrder(held: Iterable<LevelPair>, wanted: readonly LevelPair[]): void {
  if (process.env.STOCKROOM_LOCK_ORDER !== 'throw') return;
  let last: LevelPair | undefined;
  for (const h of held) if (!last || compareLevels(h, last) > 0) last = h;
  const early = wanted.find((w) => last && compareLevels(w, last) < 0);
  if (early)
    throw new Error(
      `lock order: level ${early.idproduct}:${early.idwarehouse} locked after ${last!.idproduct}:${last!.idwarehouse}`,
    );
}
