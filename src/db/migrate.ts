import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { DatabaseHandle } from './connection.ts';
import type { Engine } from './engine.ts';
import { initialMigration } from './migrations/001_initial.ts';
import { backorderQueueMigration } from './migrations/002_backorder_queue.ts';
import { webhooksMigration } from './migrations/003_webhooks.ts';
import { backorderLifecycleMigration } from './migrations/004_backorder_lifecycle.ts';
import { idempotencyInTransactionMigration } from './migrations/006_idempotency_in_transaction.ts';
import { jobsMigration } from './migrations/008_jobs.ts';
import { migratorDatabase } from './migration-lock.ts';
import { warehouseApiMigration } from './migrations/007_warehouse_api.ts';

/** Migrations in order. Each is built for the engine, so the few dialect differences stay inside it. */
function migrations(engine: Engine): Record<string, Migration> {
  return {
    '001_initial': initialMigration(engine),
    '002_backorder_queue': backorderQueueMigration,
    '003_webhooks': webhooksMigration,
    '004_backorder_lifecycle': backorderLifecycleMigration,
    '006_idempotency_in_transaction': idempotencyInTransactionMigration,
    '008_jobs': jobsMigration(engine),
    '007_warehouse_api': warehouseApiMigration(engine),
  };
}

/** Brings the schema up to date. Safe to run from several processes at once (Kysely locks the run). */
export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(handle.engine) };
  // Migrations of different areas may be added side by side; their names need not sort by date.
  // Kysely looks for its own tables in every schema; on PostgreSQL they are named in the schema the
  // connection works in (its search_path), or tables left in another schema (public) would be taken
  // for this one's.
  const schema =
    handle.engine === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(handle.db)).rows[0]!.schema
      : undefined;
  const migrator = new Migrator({
    ...migratorDatabase(handle),
    provider,
    allowUnorderedMigrations: true,
    ...(schema !== undefined && { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
