import type { Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/*
 * Long work run as a job (POST /backorders/process?async=true, CSV imports): its progress and
 * result live in a table, so any server process answers GET /jobs/{id}, not only the one running it
 * (docs/adr/0016-operations.md). One global id: a job is looked up by id, then checked against the
 * account asking.
 */
export function jobsMigration(engine: Engine) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('jobs')
        .addColumn('idjob', engine === 'postgres' ? 'serial' : 'integer', (c) =>
          engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('idaccount', 'integer', (c) => c.notNull().references('accounts.idaccount'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('progress_done', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('progress_total', 'integer')
        .addColumn('result', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jobs_account_idx').on('jobs').columns(['idaccount', 'idjob']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('jobs').execute();
    },
  };
}
