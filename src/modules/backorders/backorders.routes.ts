import { Type } from '@sinclair/typebox';
import { errorResponses, idParams, PAGE_SIZE } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import type { Services } from '../../services.ts';
import { Picklist } from '../picklists/picklists.schemas.ts';
import { Backorder, BackorderDetail, BackorderQuery } from './backorders.schemas.ts';

const Empty = Type.Object({});
const NoContent = Type.Null();

/** Backorders (seed 000): list, get, delete, process. */
export async function backordersRoutes(api: App, services: Services): Promise<void> {
  const { backorders, orders } = services;
  const db = services.handle.db;

  api.get(
    '/backorders',
    {
      schema: {
        tags: ['backorders'],
        summary:
          'List waiting backorders (filters idorder, idproduct, idcustomer, sinceid, sincedate, status)',
        querystring: BackorderQuery,
        response: { 200: Type.Array(Backorder), ...errorResponses },
      },
    },
    async (request) => backorders.list(db, request.idaccount, request.query, PAGE_SIZE),
  );

  api.get(
    '/backorders/:idbackorder',
    {
      schema: {
        tags: ['backorders'],
        summary: 'Get a backorder with its expected date',
        params: idParams('idbackorder'),
        response: { 200: BackorderDetail, ...errorResponses },
      },
    },
    async (request) => backorders.get(db, request.idaccount, request.params.idbackorder),
  );

  api.delete(
    '/backorders/:idbackorder',
    {
      schema: {
        tags: ['backorders'],
        summary: 'Delete a backorder: cancels that amount of its order line',
        params: idParams('idbackorder'),
        body: Empty,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (request, reply) => {
      await orders.deleteBackorder(request.idaccount, request.params.idbackorder);
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/backorders/process',
    {
      schema: {
        tags: ['backorders'],
        summary: 'Turn every available backorder into picklists; answers the picklists created',
        body: Empty,
        response: { 200: Type.Array(Picklist), ...errorResponses },
      },
    },
    async (request) => orders.processAllBackorders(request.idaccount),
  );
}
