import type { DatabaseHandle } from '../../db/connection.ts';
import { withTransaction, type Db } from '../../db/transaction.ts';
import { DomainError, invalid, notFound } from '../../domain/errors.ts';
import { formatDateTime, type Clock } from '../../domain/time.ts';
import * as repo from './users.repository.ts';

type UserRow = NonNullable<Awaited<ReturnType<typeof repo.findUser>>>;
const view = (u: UserRow) => ({ ...u, active: u.active === 1 });

/**
 * Users of an account. Read through the API (GET /users); created on the command line
 * (`stockroom users create`), as Picqer manages users in its interface, not its API.
 */
export function createUsersService(deps: { handle: DatabaseHandle; clock: Clock }) {
  const { handle, clock } = deps;
  return {
    list: async (db: Db, idaccount: number, offset: number, limit: number) =>
      (await repo.listUsers(db, idaccount, { offset, limit })).map(view),

    async get(db: Db, idaccount: number, iduser: number) {
      const u = await repo.findUser(db, idaccount, iduser);
      if (!u) throw notFound('User', iduser);
      return view(u);
    },

    /** An active user of the account, for recording who does something; a 400 otherwise. */
    async requireActive(db: Db, idaccount: number, iduser: number) {
      const u = await repo.findUser(db, idaccount, iduser);
      if (!u) throw invalid(`User ${iduser} not found: give the iduser of an existing user (GET /users)`);
      if (u.active !== 1) throw invalid(`User ${iduser} is not active`);
      return view(u);
    },

    create: (
      idaccount: number,
      input: { username: string; firstname?: string; lastname?: string; emailaddress?: string },
    ) =>
      withTransaction(handle, async (trx) => {
        const username = input.username.trim();
        if (!username) throw invalid('A user needs a username');
        if (await repo.findUsername(trx, idaccount, username))
          throw new DomainError('duplicate', `A user with username ${username} already exists`);
        const at = formatDateTime(clock());
        const iduser = await repo.insertUser(trx, {
          idaccount,
          username,
          firstname: input.firstname ?? null,
          lastname: input.lastname ?? null,
          emailaddress: input.emailaddress ?? null,
          created: at,
          updated: at,
        });
        return view((await repo.findUser(trx, idaccount, iduser))!);
      }),
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
