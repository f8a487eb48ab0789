import type { Insertable } from 'kysely';
import type { UsersTable } from '../../db/schema.ts';
import type { Db, Trx } from '../../db/transaction.ts';

/** SQL of users. */

const columns = [
  'iduser',
  'username',
  'firstname',
  'lastname',
  'emailaddress',
  'active',
  'created',
  'updated',
] as const;

export async function listUsers(db: Db, idaccount: number, page: { offset: number; limit: number }) {
  return db
    .selectFrom('users')
    .select(columns)
    .where('idaccount', '=', idaccount)
    .orderBy('iduser')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function findUser(db: Db, idaccount: number, iduser: number) {
  return db
    .selectFrom('users')
    .select(columns)
    .where('idaccount', '=', idaccount)
    .where('iduser', '=', iduser)
    .executeTakeFirst();
}

export async function findUsername(db: Db, idaccount: number, username: string) {
  return db
    .selectFrom('users')
    .select('iduser')
    .where('idaccount', '=', idaccount)
    .where('username', '=', username)
    .executeTakeFirst();
}

export async function insertUser(trx: Trx, row: Insertable<UsersTable>): Promise<number> {
  const r = await trx.insertInto('users').values(row).returning('iduser').executeTakeFirstOrThrow();
  return Number(r.iduser);
}
