import { sql, type Kysely } from 'kysely';

/*
 * Idempotency keys claimed inside the use case's transaction (docs/adr/0013-exactly-once-and-shutdown.md):
 * - owner: the request that claimed the key (process instance and request number), so a request
 *   that opens several transactions recognises its own claim and stores its answer only over it;
 * - the created_at index: the background purge deletes expired keys by age.
 */
export const idempotencyInTransactionMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('idempotency_keys')
      .addColumn('owner', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await sql`create index idempotency_keys_created_idx on idempotency_keys (created_at)`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop index idempotency_keys_created_idx`.execute(db);
    await db.schema.alterTable('idempotency_keys').dropColumn('owner').execute();
  },
};
