import { Type } from '@sinclair/typebox';
import { errorResponses, idParams, PAGE_SIZE } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import type { Services } from '../../services.ts';
import { PickBody, Picklist, PicklistQuery } from './picklists.schemas.ts';

const Empty = Type.Object({});
const params = idParams('idpicklist');

/** Picklists: read, pick, close, cancel (they are created by processing, never by hand). */
export async function picklistsRoutes(api: App, services: Services): Promise<void> {
  const { picklists } = services;
  const db = services.handle.db;

  api.get(
    '/picklists',
    {
      schema: {
        tags: ['picklists'],
        summary: 'List picklists (filters idorder, status, idwarehouse, sinceid)',
        querystring: PicklistQuery,
        response: { 200: Type.Array(Picklist), ...errorResponses },
      },
    },
    async (request) =>
      picklists.list(db, request.idaccount, {
        ...request.query,
        offset: request.query.offset ?? 0,
        limit: PAGE_SIZE,
      }),
  );

  api.get(
    '/picklists/:idpicklist',
    {
      schema: {
        tags: ['picklists'],
        summary: 'Get a picklist with its products and pick locations',
        params,
        response: { 200: Picklist, ...errorResponses },
      },
    },
    async (request) => picklists.get(db, request.idaccount, request.params.idpicklist),
  );

  api.post(
    '/picklists/:idpicklist/pick',
    {
      schema: {
        tags: ['picklists'],
        summary: 'Register picked units of a product (errors 15-18)',
        params,
        body: PickBody,
        response: { 200: Picklist, ...errorResponses },
      },
    },
    async (request) => picklists.pick(request.idaccount, request.params.idpicklist, request.body),
  );

  type PicklistView = Awaited<ReturnType<typeof picklists.get>>;
  const action = (
    path: string,
    summary: string,
    run: (idaccount: number, id: number) => Promise<PicklistView>,
  ) =>
    api.post(
      `/picklists/:idpicklist/${path}`,
      {
        schema: {
          tags: ['picklists'],
          summary,
          params,
          body: Empty,
          response: { 200: Picklist, ...errorResponses },
        },
      },
      async (request) => run(request.idaccount, request.params.idpicklist),
    );
  action('pickall', 'Pick every product of the picklist', (a, id) => picklists.pickAll(a, id));
  action('close', 'Close: books the picked stock out, the unpicked rest waits again as backorder', (a, id) =>
    picklists.close(a, id),
  );
  action('cancel', 'Cancel: releases the reservations; the products wait again as backorders', (a, id) =>
    picklists.cancel(a, id),
  );
}
