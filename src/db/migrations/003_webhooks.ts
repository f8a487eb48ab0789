import type { Kysely } from 'kysely';

/*
 * Indexes for webhook bookkeeping that grows with every delivery:
 * - a delivery's attempts (GET /hooks/{id}/deliveries reads them per page of deliveries);
 * - a hook's deliveries by status and time: the failures that deactivate a hook, and the pending
 *   ones skipped when it is deactivated, without walking the hook's whole history.
 */
export const webhooksMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex('webhook_attempts_delivery_idx')
      .on('webhook_attempts')
      .columns(['idaccount', 'iddelivery', 'idattempt'])
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_hook_status_idx')
      .on('webhook_deliveries')
      .columns(['idaccount', 'idhook', 'status', 'updated_at'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('webhook_deliveries_hook_status_idx').execute();
    await db.schema.dropIndex('webhook_attempts_delivery_idx').execute();
  },
};
