import type { Selectable } from 'kysely';
import type { NotificationsTable } from '../../db/schema.ts';
import type { Db } from '../../db/transaction.ts';

export type NotificationRow = Selectable<NotificationsTable>;

export interface NewNotification {
  idaccount: number;
  idbackorder: number;
  channel: string;
  recipient: string | null;
  language: string;
  subject: string;
  body: string;
  status: string;
  error: string | null;
  created_at: string;
}

export async function insertNotification(db: Db, n: NewNotification): Promise<number> {
  const row = await db
    .insertInto('notifications')
    .values(n)
    .returning('idnotification')
    .executeTakeFirstOrThrow();
  return row.idnotification;
}

export async function setOutcome(
  db: Db,
  idaccount: number,
  idnotification: number,
  outcome: { status: string; error: string | null },
): Promise<void> {
  await db
    .updateTable('notifications')
    .set(outcome)
    .where('idaccount', '=', idaccount)
    .where('idnotification', '=', idnotification)
    .execute();
}

export function findNotification(db: Db, idaccount: number, idnotification: number) {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idnotification', '=', idnotification)
    .executeTakeFirstOrThrow();
}

export function listForBackorder(
  db: Db,
  idaccount: number,
  idbackorder: number,
  page: { offset: number; limit: number },
) {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idbackorder', '=', idbackorder)
    .orderBy('idnotification')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
}

/**
 * Whether the account has this backorder. Read here rather than through the backorders service so
 * that notifications do not depend on the lifecycle module (which depends on them).
 */
export async function backorderExists(db: Db, idaccount: number, idbackorder: number): Promise<boolean> {
  const row = await db
    .selectFrom('backorders')
    .select('idbackorder')
    .where('idaccount', '=', idaccount)
    .where('idbackorder', '=', idbackorder)
    .executeTakeFirst();
  return row !== undefined;
}
