import { sql } from 'kysely';
import type { Engine } from '../../db/engine.ts';
import type { Db, Trx } from '../../db/transaction.ts';

export async function insertAccount(db: Db, name: string, now: string): Promise<number> {
  const row = await db
    .insertInto('accounts')
    .values({ name, created_at: now })
    .returning('idaccount')
    .executeTakeFirstOrThrow();
  return row.idaccount;
}

export async function findAccountByName(db: Db, name: string) {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('name', '=', name)
    .orderBy('idaccount')
    .executeTakeFirst();
}

export async function findAccount(db: Db, idaccount: number) {
  return db.selectFrom('accounts').selectAll().where('idaccount', '=', idaccount).executeTakeFirst();
}

export async function listAccounts(db: Db) {
  return db.selectFrom('accounts').selectAll().orderBy('idaccount').execute();
}

export async function insertKey(
  db: Db,
  key: { idaccount: number; key_hash: string; key_prefix: string; name: string; created_at: string },
): Promise<number> {
  const row = await db.insertInto('api_keys').values(key).returning('idapikey').executeTakeFirstOrThrow();
  return row.idapikey;
}

export async function findActiveKeyByHash(db: Db, keyHash: string) {
  return db
    .selectFrom('api_keys')
    .select(['idaccount', 'idapikey'])
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/** A key by its hash, revoked or not. */
export async function findKeyByHash(db: Db, keyHash: string) {
  return db
    .selectFrom('api_keys')
    .select(['idaccount', 'idapikey', 'revoked_at'])
    .where('key_hash', '=', keyHash)
    .executeTakeFirst();
}

export async function countKeys(db: Db): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listKeys(db: Db, idaccount: number) {
  return db
    .selectFrom('api_keys')
    .select(['idapikey', 'idaccount', 'name', 'key_prefix', 'created_at', 'revoked_at'])
    .where('idaccount', '=', idaccount)
    .orderBy('idapikey')
    .execute();
}

export async function revokeKey(db: Db, idaccount: number, idapikey: number, now: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('idaccount', '=', idaccount)
    .where('idapikey', '=', idapikey)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Serialises start-up bootstrapping across processes: an advisory lock on PostgreSQL; on SQLite the
 * transaction's write lock (BEGIN IMMEDIATE) already does it.
 */
export async function lockBootstrap(trx: Trx, engine: Engine): Promise<void> {
  if (engine === 'postgres') await sql`select pg_advisory_xact_lock(726001)`.execute(trx);
}
