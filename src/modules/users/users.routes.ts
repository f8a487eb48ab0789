import { Type } from '@sinclair/typebox';
import { errorResponses, idParams, OffsetQuery, PAGE_SIZE } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import type { Services } from '../../services.ts';
import { User } from './users.schemas.ts';
import { createUsersService } from './users.service.ts';

/** GET /users, GET /users/{iduser}. */
export async function usersRoutes(api: App, services: Services): Promise<void> {
  const users = createUsersService(services);
  const db = services.handle.db;
  api.get(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'List users',
        description: 'The users of the account (created with the command line: stockroom users create).',
        querystring: OffsetQuery,
        response: { 200: Type.Array(User), ...errorResponses },
      },
    },
    async (request) => users.list(db, request.idaccount, request.query.offset ?? 0, PAGE_SIZE),
  );
  api.get(
    '/users/:iduser',
    {
      schema: {
        tags: ['users'],
        summary: 'Get a user',
        params: idParams('iduser'),
        response: { 200: User, ...errorResponses },
      },
    },
    async (request) => users.get(db, request.idaccount, request.params.iduser),
  );
}
