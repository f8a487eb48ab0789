import type { Db } from '../../db/transaction.ts';

/** SQL of stored idempotent responses. status_code 0 marks a request still in progress. */

export async function claim(
  db: Db,
  row: {
    idaccount: number;
    idempotency_key: string;
    method: string;
    path: string;
    request_hash: string;
    created_at: string;
  },
): Promise<boolean> {
  const result = await db
    .insertInto('idempotency_keys')
    .values({ ...row, status_code: 0, response_body: '' })
    .onConflict((oc) => oc.columns(['idaccount', 'idempotency_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function find(db: Db, idaccount: number, key: string) {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export async function complete(
  db: Db,
  idaccount: number,
  key: string,
  statusCode: number,
  body: string,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status_code: statusCode, response_body: body })
    .where('idaccount', '=', idaccount)
    .where('idempotency_key', '=', key)
    .execute();
}

export async function release(db: Db, idaccount: number, key: string): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('idaccount', '=', idaccount)
    .where('idempotency_key', '=', key)
    .execute();
}

export async function deleteOlderThan(db: Db, before: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('created_at', '<', before).execute();
}
