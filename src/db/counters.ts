import type { Trx } from './transaction.ts';

/**
 * The next per-account running number of `name` (orderid, picklistid, purchaseorderid, receiptid):
 * 1 on first use, then 2, 3, ... One upsert that increments in place, so concurrent transactions
 * queue on the counter row and never hand out the same number twice (the row lock is held until
 * the caller's transaction ends).
 *
 * @example
 * const n = await nextNumber(trx, idaccount, 'orderid'); // 1, 2, 3, ...
 * const orderid = formatRunningNumber(2026, n);          // "20260001"
 */
export async function nextNumber(trx: Trx, idaccount: number, name: string): Promise<number> {
  const row = await trx
    .insertInto('counters')
    .values({ idaccount, name, value: 1 })
    .onConflict((oc) =>
      oc.columns(['idaccount', 'name']).doUpdateSet((eb) => ({ value: eb('counters.value', '+', 1) })),
    )
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

/**
 * `count` consecutive running numbers of `name` in one statement (a block, as if nextNumber ran
 * `count` times); answers the first.
 *
 * @example
 * const first = await nextNumbers(trx, idaccount, 'picklistid', 3); // 7 -> numbers 7, 8, 9
 */
export async function nextNumbers(trx: Trx, idaccount: number, name: string, count: number): Promise<number> {
  const row = await trx
    .insertInto('counters')
    .values({ idaccount, name, value: count })
    .onConflict((oc) =>
      oc.columns(['idaccount', 'name']).doUpdateSet((eb) => ({ value: eb('counters.value', '+', count) })),
    )
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value) - count + 1;
}

/**
 * Picqer's human numbers: the year followed by the running number padded to four digits
 * ("20260001"); past 9999 the number simply grows ("202610000").
 */
export function formatRunningNumber(year: number, n: number): string {
  return `${year}${String(n).padStart(4, '0')}`;
}
