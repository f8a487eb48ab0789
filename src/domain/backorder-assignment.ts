/**
 * Assigning physical stock to waiting backorders (their `amount_available`), per product and
 * warehouse. Pure: the service locks the level, reads the queue, asks these functions and writes
 * only the rows whose assignment changed.
 */

/** Backorder statuses that still wait for stock: they count in reservedbackorders and get stock assigned. */
export const OPEN_BACKORDER_STATUSES = ['pending', 'confirmed', 'in-production', 'in-transit'] as const;
export type OpenBackorderStatus = (typeof OPEN_BACKORDER_STATUSES)[number];

export const isOpenBackorderStatus = (status: string): status is OpenBackorderStatus =>
  (OPEN_BACKORDER_STATUSES as readonly string[]).includes(status);

/** Standard priority rank; the lifecycle sets rush = 0 and expedited = 1. */
export const STANDARD_PRIORITY_RANK = 2;

/** What decides a backorder's place in the queue of its product and warehouse. */
export interface QueueKey {
  idbackorder: number;
  priority_rank: number;
  priority: number;
  created_at: string;
}

export interface QueuedBackorder extends QueueKey {
  amount: number;
  amount_available: number;
}

/**
 * The queue order everywhere: rank (rush, expedited, standard), then priority (lower first), then
 * creation time (first in, first out), then id. Ties are impossible: ids are unique.
 */
export function compareQueue(a: QueueKey, b: QueueKey): number {
  return (
    a.priority_rank - b.priority_rank ||
    a.priority - b.priority ||
    (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0) ||
    a.idbackorder - b.idbackorder
  );
}

/**
 * The stock backorders may claim: physical stock minus what open picklists reserve. Allocations of
 * concept orders never block backorders (they only lower free stock).
 */
export const assignablePool = (level: { stock: number; reserved_picklists: number }): number =>
  Math.max(0, level.stock - level.reserved_picklists);

export interface Assignment {
  idbackorder: number;
  amount_available: number;
}

/**
 * Walks the queue in order and gives each backorder min(amount, what is left of the pool).
 * Returns one entry per backorder, in queue order.
 *
 * @example
 * assignQueue(5, [{ idbackorder: 1, amount: 3, ... }, { idbackorder: 2, amount: 4, ... }])
 * // -> [{ idbackorder: 1, amount_available: 3 }, { idbackorder: 2, amount_available: 2 }]
 */
export function assignQueue(pool: number, queue: readonly QueuedBackorder[]): Assignment[] {
  let left = Math.max(0, pool);
  return [...queue].sort(compareQueue).map((b) => {
    const take = Math.min(b.amount, left);
    left -= take;
    return { idbackorder: b.idbackorder, amount_available: take };
  });
}

export interface AssignmentChange {
  idbackorder: number;
  from: number;
  to: number;
}

/**
 * Only the rows whose amount_available changes. The service passes the head of the queue (read
 * until the pool is used up) plus every row that currently holds stock; rows beyond the head get 0
 * either way, so the result equals the result over the whole queue.
 */
export function assignmentChanges(pool: number, queue: readonly QueuedBackorder[]): AssignmentChange[] {
  const current = new Map(queue.map((b) => [b.idbackorder, b.amount_available]));
  const changes: AssignmentChange[] = [];
  for (const a of assignQueue(pool, queue)) {
    const from = current.get(a.idbackorder) ?? 0;
    if (from !== a.amount_available)
      changes.push({ idbackorder: a.idbackorder, from, to: a.amount_available });
  }
  return changes;
}

/**
 * Priority of a backorder that joins a queue: one after the current last (1 for an empty queue),
 * so by default the queue is first in, first out.
 */
export const nextPriority = (maxOpenPriority: number | null | undefined): number =>
  (maxOpenPriority ?? 0) + 1;

/**
 * Priority that puts a prioritised order's backorders before every other backorder of the queue:
 * one below the current first. It may reach 0 or go negative; only the order matters.
 */
export const frontPriority = (minOpenPriority: number | null | undefined): number =>
  (minOpenPriority ?? 1) - 1;

/**
 * A composition's parent backorder is as available as its scarcest part: whole compositions only.
 */
export function parentAvailable(
  parentAmount: number,
  parts: readonly { amount_available: number; parts_per_parent: number }[],
): number {
  let n = parentAmount;
  for (const p of parts) n = Math.min(n, Math.floor(p.amount_available / Math.max(1, p.parts_per_parent)));
  return Math.max(0, n);
}
