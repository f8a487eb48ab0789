import { sql, type Kysely } from 'kysely';
import { OPEN_BACKORDER_STATUSES } from '../../domain/backorder-assignment.ts';

/*
 * The backorder lifecycle (docs/adr/0010-backorder-lifecycle.md):
 * - delay_noticed_date: the estimated ship date whose passing was already reported
 *   (backorders.delay_noticed), so the periodic check reports each missed date once;
 * - the open rows that carry an expected date, a purchase order or an estimate: refreshing the
 *   estimates of a queue reads these plus the head of the queue that purchase orders cover, never
 *   the whole queue;
 * - the rows whose estimated ship date may pass unnoticed (not shipped, not yet reported): what the
 *   periodic check scans, so its cost follows what is to be reported, not how much waits.
 * Queries repeat these predicates literally (see backorders.repository.ts), as partial indexes need.
 */
const list = (statuses: readonly string[]) => sql.raw(statuses.map((s) => `'${s}'`).join(', '));
export const OPEN = list(OPEN_BACKORDER_STATUSES);
export const UNSHIPPED = list([...OPEN_BACKORDER_STATUSES, 'processed']);

export const backorderLifecycleMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('backorders').addColumn('delay_noticed_date', 'text').execute();
    await sql`create index backorders_estimated_idx on backorders (idaccount, idproduct, idwarehouse)
      where status in (${OPEN}) and (date_available is not null or idpurchaseorder is not null
        or estimated_ship_date is not null)`.execute(db);
    await sql`create index backorders_unnoticed_idx on backorders (estimated_ship_date, idaccount, idbackorder)
      where status in (${UNSHIPPED}) and estimated_ship_date is not null
        and (delay_noticed_date is null or delay_noticed_date <> estimated_ship_date)`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop index backorders_unnoticed_idx`.execute(db);
    await sql`drop index backorders_estimated_idx`.execute(db);
    await db.schema.alterTable('backorders').dropColumn('delay_noticed_date').execute();
  },
};
