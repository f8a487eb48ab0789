import { sql } from 'kysely';
import type { Engine } from './engine.ts';
import type { Trx } from './transaction.ts';

/**
 * For a transaction that reads and writes rows by key in batches (a thousand keys per statement,
 * joined as a VALUES list), on PostgreSQL: the planner's default random_page_cost (4, for spinning
 * disks) prices a thousand primary-key probes above hashing the whole table, so such an UPDATE ...
 * FROM read all 100,000 backorders (or all levels of the account) for every batch, and a batch cost
 * more the larger the account (EXPLAIN ANALYZE: 31 ms as a hash join, 5 ms as probes, all pages
 * cached). 1.1, the usual value for cached or solid-state storage, for this transaction only
 * (SET LOCAL ends with it). SQLite has no such setting.
 *
 * @example
 * await withTransaction(handle, async (trx) => { await keyLookupPlans(trx, handle.engine); ... });
 */
export async function keyLookupPlans(trx: Trx, engine: Engine): Promise<void> {
  if (engine === 'postgres') await sql`set local random_page_cost = 1.1`.execute(trx);
}
