import type { Db, Trx } from '../../db/transaction.ts';

/**
 * SQL of idempotency keys (ADR 0013). status_code 0: claimed by a committed effect whose final
 * answer is not stored yet; response_body then holds the recovery answer (JSON {status, body}) or ''.
 * status_code > 0: the final answer, response_body its serialized body.
 */

export interface KeyRow {
  idaccount: number;
  idempotency_key: string;
  method: string;
  path: string;
  request_hash: string;
  created_at: string;
  owner: string;
}

export async function find(db: Db, idaccount: number, key: string) {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/**
 * Claims a free key inside the use case's transaction. On PostgreSQL an uncommitted claim of the same
 * key by another transaction makes this wait on the unique index until that one ends.
 */
export async function insertClaim(trx: Trx, row: KeyRow): Promise<boolean> {
  const result = await trx
    .insertInto('idempotency_keys')
    .values({ ...row, status_code: 0, response_body: '' })
    .onConflict((oc) => oc.columns(['idaccount', 'idempotency_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Takes over an expired key in one statement: the row lock makes a concurrent take-over wait, and on
 * PostgreSQL the waiting UPDATE rechecks `created_at` on the new row version, so only one wins.
 */
export async function takeOverExpired(trx: Trx, row: KeyRow, expiredBefore: string): Promise<boolean> {
  const result = await trx
    .updateTable('idempotency_keys')
    .set({
      method: row.method,
      path: row.path,
      request_hash: row.request_hash,
      created_at: row.created_at,
      owner: row.owner,
      status_code: 0,
      response_body: '',
    })
    .where('idaccount', '=', row.idaccount)
    .where('idempotency_key', '=', row.idempotency_key)
    .where('created_at', '<', expiredBefore)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The recovery answer, written in the same transaction as the effect (replaced by each later one). */
export async function recordRecovery(
  trx: Trx,
  idaccount: number,
  key: string,
  owner: string,
  recovery: string,
): Promise<void> {
  await trx
    .updateTable('idempotency_keys')
    .set({ response_body: recovery })
    .where('idaccount', '=', idaccount)
    .where('idempotency_key', '=', key)
    .where('owner', '=', owner)
    .where('status_code', '=', 0)
    .execute();
}

/** Stores the final answer over this request's own committed claim; false when there is none. */
export async function storeAnswer(
  db: Db,
  idaccount: number,
  key: string,
  owner: string,
  statusCode: number,
  body: string,
): Promise<boolean> {
  const result = await db
    .updateTable('idempotency_keys')
    .set({ status_code: statusCode, response_body: body })
    .where('idaccount', '=', idaccount)
    .where('idempotency_key', '=', key)
    .where('owner', '=', owner)
    .where('status_code', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Stores an answer that no transaction claimed (a refusal): only when the key is still free. */
export async function insertAnswer(db: Db, row: KeyRow, statusCode: number, body: string): Promise<void> {
  await db
    .insertInto('idempotency_keys')
    .values({ ...row, status_code: statusCode, response_body: body })
    .onConflict((oc) => oc.columns(['idaccount', 'idempotency_key']).doNothing())
    .execute();
}

/** Deletes keys created before `before`; returns how many. */
export async function deleteOlderThan(db: Db, before: string): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
