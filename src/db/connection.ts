import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type PostgresPool,
  type PostgresPoolClient,
} from 'kysely';
import pg from 'pg';
import type { Engine } from './engine.ts';
import { preparedNames } from './statement.ts';
import type { Database } from './schema.ts';

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  pgPoolSize?: number;
  /**
   * PostgreSQL: the hot statements (src/db/statement.ts) are prepared once per connection and run
   * by name, which spares their parse and plan on every run (about a third more stock changes per
   * second, measured). Off behind a transaction pooler that does not keep prepared statements
   * (PgBouncer before 1.21, or without max_prepared_statements).
   */
  pgPreparedStatements?: boolean;
}

/**
 * SQLite write transactions start with BEGIN IMMEDIATE: the write lock is taken up front, so two
 * processes on one file (server and CLI) queue on busy_timeout instead of failing half-way when a
 * deferred read transaction tries to upgrade to a write.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * better-sqlite3 with its statements kept by SQL text. Kysely's SqliteConnection prepares every
 * query afresh (db.prepare per execution): a fifth of the server's CPU on the stock change path.
 * A prepared statement is reusable as long as it is not iterating, and Kysely runs one query at a
 * time on its single connection (and nothing here streams), so one statement per SQL text is safe.
 * Least recently used statements are finalized past `max` (SQL texts vary with list lengths).
 */
export class StatementCache {
  private readonly statements = new Map<string, SQLite.Statement>();
  constructor(
    readonly database: SQLite.Database,
    private readonly max = 500,
  ) {}

  prepare(sql: string): SQLite.Statement {
    const cached = this.statements.get(sql);
    if (cached) {
      // Most recently used last: Map keeps insertion order.
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const statement = this.database.prepare(sql);
    this.statements.set(sql, statement);
    if (this.statements.size > this.max) this.statements.delete(this.statements.keys().next().value!);
    return statement;
  }

  get size(): number {
    return this.statements.size;
  }

  close(): void {
    this.statements.clear();
    this.database.close();
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly database: StatementCache) {
    super({ database });
  }
  override createDriver() {
    return new ImmediateSqliteDriver({ database: this.database });
  }
}

/** pg returns int8 (count, sum) and numeric as strings; every amount here fits a JS number. */
const INT8 = 20;
const NUMERIC = 1700;
const pgTypes = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text') as (value: string) => unknown;
  },
};

/**
 * The pool as Kysely sees it, with the hot statements (src/db/statement.ts: constant texts) run as
 * named prepared statements: pg parses each once per connection and reuses it by name. Every other
 * query goes as before (an unnamed statement).
 */
function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    connect: async () => {
      const client = await pool.connect();
      // A cursor (Kysely's streaming) passes through as it is.
      const query = (textOrCursor: string | object, values: readonly unknown[] = []) => {
        if (typeof textOrCursor !== 'string') return client.query(textOrCursor as never);
        const name = preparedNames.get(textOrCursor);
        return client.query({ ...(name !== undefined && { name }), text: textOrCursor, values: [...values] });
      };
      return { query: query as unknown as PostgresPoolClient['query'], release: () => client.release() };
    },
    end: () => pool.end(),
  };
}

const pools = new WeakMap<DatabaseHandle, pg.Pool>();

/** The pg pool behind a PostgreSQL handle (read by metrics: totalCount, idleCount, waitingCount); undefined on SQLite. */
export function pgPoolOf(handle: DatabaseHandle): pg.Pool | undefined {
  return pools.get(handle);
}

/** Opens the embedded SQLite database under dataDir, or PostgreSQL when databaseUrl is set. */
export function connect(options: ConnectOptions): DatabaseHandle {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.pgPoolSize ?? 10,
      types: pgTypes,
    });
    const kyselyPool = (options.pgPreparedStatements ?? true) ? preparingPool(pool) : pool;
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: kyselyPool }) });
    const handle: DatabaseHandle = { db, engine: 'postgres', close: () => db.destroy() };
    pools.set(handle, pool);
    return handle;
  }
  fs.mkdirSync(options.dataDir, { recursive: true });
  const file = new SQLite(path.join(options.dataDir, 'stockroom.db'));
  file.pragma('journal_mode = WAL');
  file.pragma(`synchronous = ${options.sqliteSynchronous ?? 'FULL'}`);
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 10000');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(new StatementCache(file)) });
  return { db, engine: 'sqlite', close: () => db.destroy() };
}
