import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { describeDatabase } from '../../logging.ts';
import type { Config } from '../../config.ts';

/** The embedded database file under DATA_DIR (as src/db/connection.ts opens it). */
export const sqliteFile = (dataDir: string): string => path.join(dataDir, 'stockroom.db');

/** What to run instead on PostgreSQL: the database server's own tools make the consistent copy. */
export function pgDumpAdvice(config: Pick<Config, 'databaseUrl' | 'dataDir'>, file: string): string {
  const { data } = describeDatabase(config);
  return [
    `Stockroom runs on PostgreSQL (${data}); back it up with PostgreSQL's own tools, also while the servers run:`,
    '',
    `  pg_dump --format=custom --file=${file} "$DATABASE_URL"`,
    '',
    'pg_dump reads one consistent snapshot (a repeatable-read transaction) and does not block writes.',
    'Restore into an EMPTY database, then point DATABASE_URL at it:',
    '',
    '  createdb stockroom_restored',
    `  pg_restore --no-owner --dbname=postgres://USER@HOST:5432/stockroom_restored ${file}`,
    '',
    'Then check the stock counters: npm run --silent stockroom -- stock reconcile <idaccount>',
  ].join('\n');
}

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
}

/**
 * A consistent copy of the embedded database while servers keep writing to it: SQLite's online
 * backup through better-sqlite3, on a connection of its own. The first step only measures; the
 * second copies every remaining page in one step, so the copy is one read snapshot (WAL lets the
 * writers go on meanwhile) and holds every transaction committed before the command started.
 * A write by another process between the two steps makes SQLite restart the copy, which then
 * again happens in one step.
 */
export async function backupSqlite(dataDir: string, file: string): Promise<BackupResult> {
  const source = sqliteFile(dataDir);
  if (!fs.existsSync(source)) throw new Error(`No database at ${source}: check DATA_DIR`);
  const target = path.resolve(file);
  if (fs.existsSync(target)) throw new Error(`${target} exists already: give a new file name`);
  const db = new SQLite(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    const meta = await db.backup(target, { progress: () => 0x7fffffff });
    return { file: target, bytes: fs.statSync(target).size, pages: meta.totalPages };
  } finally {
    db.close();
  }
}

/**
 * Restores a backup into an empty DATA_DIR (it refuses to overwrite a database: stop the server,
 * move the old DATA_DIR away, restore, start). The file is checked to be a Stockroom database
 * (integrity check, migrations table) before anything is written.
 */
export async function restoreSqlite(dataDir: string, file: string): Promise<BackupResult> {
  const from = path.resolve(file);
  if (!fs.existsSync(from)) throw new Error(`No backup file at ${from}`);
  const target = sqliteFile(dataDir);
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0)
    throw new Error(
      `DATA_DIR ${dataDir} is not empty: restore only into an empty folder (move the old one away first)`,
    );
  const source = new SQLite(from, { readonly: true, fileMustExist: true });
  try {
    const check = source.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`${from} is damaged: ${String(check)}`);
    const hasMigrations = source
      .prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'")
      .get();
    if (!hasMigrations) throw new Error(`${from} is not a Stockroom database (no migrations table)`);
    fs.mkdirSync(dataDir, { recursive: true });
    const meta = await source.backup(target, { progress: () => 0x7fffffff });
    const restored = new SQLite(target);
    restored.pragma('journal_mode = WAL');
    restored.close();
    return { file: target, bytes: fs.statSync(target).size, pages: meta.totalPages };
  } finally {
    source.close();
  }
}
