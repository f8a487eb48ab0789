import {
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  sql,
  type DialectAdapter,
  type MigratorProps,
} from 'kysely';
import { pgPoolOf, type DatabaseHandle } from './connection.ts';
import type { Database } from './schema.ts';

/** Any constant; only migration runs take it. */
const MIGRATION_LOCK = 726002;

/**
 * Kysely's PostgreSQL migration lock is a session advisory lock taken and released by statements
 * outside the migrations' transaction. Behind PgBouncer in transaction pooling those three land on
 * whatever server connection is free at the time: the unlock misses, the lock stays with a pooled
 * server connection and the next start waits for it (docs/adr/0016-operations.md). Here the lock is
 * transaction-level instead: acquiring opens the transaction the migrations run in (Kysely's own
 * transaction is turned off) and takes pg_advisory_xact_lock; releasing commits, which frees the
 * lock. A failed migration leaves the transaction aborted, so that commit rolls everything back.
 * The same on a direct connection, so there is one way.
 */
class TransactionLockAdapter extends PostgresAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`begin`.execute(db);
    await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK)})`.execute(db);
  }
  override async releaseMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`commit`.execute(db);
  }
}

class TransactionLockDialect extends PostgresDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionLockAdapter();
  }
}

/** The Migrator's db and transaction setting for the handle's engine (see TransactionLockAdapter). */
export function migratorDatabase(handle: DatabaseHandle): Pick<MigratorProps, 'db' | 'disableTransactions'> {
  const pool = pgPoolOf(handle);
  if (!pool) return { db: handle.db };
  // Shares the handle's pool; never destroyed on its own (closing the handle ends the pool).
  const db = new Kysely<Database>({ dialect: new TransactionLockDialect({ pool }) });
  return { db, disableTransactions: true };
}
