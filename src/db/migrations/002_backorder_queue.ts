import { sql, type Kysely } from 'kysely';
import { OPEN_BACKORDER_STATUSES } from '../../domain/backorder-assignment.ts';

/*
 * Partial indexes that keep backorder work local and proportional to what changes (the same on
 * SQLite and PostgreSQL). Queries must repeat the predicates literally (not as bound parameters)
 * for the planners to use them: see backorders.repository.ts.
 * - the open queue of one (product, warehouse) in queue order: assignment reads only its head;
 * - the open queue by priority: max/min priority for new and prioritised backorders;
 * - rows holding stock (amount_available > 0): assignment finds the current holders without
 *   walking the queue;
 * - the same rows by order: processing finds the orders that have something to ship.
 */
const open = sql.raw(`status in (${OPEN_BACKORDER_STATUSES.map((s) => `'${s}'`).join(', ')})`);

export const backorderQueueMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`create index backorders_open_queue_idx on backorders
      (idaccount, idproduct, idwarehouse, priority_rank, priority, created_at, idbackorder) where ${open}`.execute(
      db,
    );
    await sql`create index backorders_open_priority_idx on backorders
      (idaccount, idproduct, idwarehouse, priority) where ${open}`.execute(db);
    await sql`create index backorders_holding_idx on backorders
      (idaccount, idproduct, idwarehouse) where amount_available > 0`.execute(db);
    await sql`create index backorders_holding_order_idx on backorders
      (idaccount, idorder) where amount_available > 0`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop index backorders_holding_order_idx`.execute(db);
    await sql`drop index backorders_holding_idx`.execute(db);
    await sql`drop index backorders_open_priority_idx`.execute(db);
    await sql`drop index backorders_open_queue_idx`.execute(db);
  },
};
