import type { Db, Trx } from '../../db/transaction.ts';

/** SQL of comments on receipts, orders and picklists (the generic comments table). */

export async function commentsOf(db: Db, idaccount: number, source_type: string, source_id: number) {
  return db
    .selectFrom('comments')
    .select(['idcomment', 'body', 'created_at', 'updated_at'])
    .where('idaccount', '=', idaccount)
    .where('source_type', '=', source_type)
    .where('source_id', '=', source_id)
    .orderBy('idcomment')
    .execute();
}

export async function insertComment(
  trx: Trx,
  row: { idaccount: number; source_type: string; source_id: number; body: string; created_at: string },
) {
  return trx
    .insertInto('comments')
    .values({ ...row, updated_at: row.created_at })
    .returning(['idcomment', 'body', 'created_at', 'updated_at'])
    .executeTakeFirstOrThrow();
}
