import { Type } from '@sinclair/typebox';
import { errorResponses, idParams, PAGE_SIZE } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import type { Services } from '../../services.ts';
import { createUsersService } from '../users/users.service.ts';
import { PickBody, PicklistQuery } from './picklists.schemas.ts';
import {
  AssignBody,
  createPicklistStates,
  PauseBody,
  PicklistFull,
  PicklistUpdate,
  SnoozeBody,
} from './picklists.states.ts';

const Empty = Type.Object({});
const params = idParams('idpicklist');

/**
 * Picklists: read, update, pick, close, cancel, assign, snooze, pause (they are created by
 * processing, never by hand). Every answer carries the picklist's details (picklists.states.ts).
 */
export async function picklistsRoutes(api: App, services: Services): Promise<void> {
  const { picklists } = services;
  const db = services.handle.db;
  const states = createPicklistStates({ ...services, users: createUsersService(services) });

  api.get(
    '/picklists',
    {
      schema: {
        tags: ['picklists'],
        summary:
          'List picklists (filters idorder, status, idwarehouse, sinceid, picklistid, assigned_to_iduser, ...)',
        querystring: PicklistQuery,
        response: { 200: Type.Array(PicklistFull), ...errorResponses },
      },
    },
    async (request) =>
      states.withDetails(
        db,
        request.idaccount,
        await picklists.list(db, request.idaccount, {
          ...request.query,
          offset: request.query.offset ?? 0,
          limit: PAGE_SIZE,
        }),
      ),
  );

  api.get(
    '/picklists/:idpicklist',
    {
      schema: {
        tags: ['picklists'],
        summary: 'Get a picklist with its products and pick locations',
        params,
        response: { 200: PicklistFull, ...errorResponses },
      },
    },
    async (request) => states.viewOf(db, request.idaccount, request.params.idpicklist),
  );

  api.put(
    '/picklists/:idpicklist',
    {
      schema: {
        tags: ['picklists'],
        summary: 'Update a picklist (urgent, invoiced, preferred_delivery_date)',
        params,
        body: PicklistUpdate,
        response: { 200: PicklistFull, ...errorResponses },
      },
    },
    async (request) => states.update(request.idaccount, request.params.idpicklist, request.body),
  );

  api.post(
    '/picklists/:idpicklist/pick',
    {
      schema: {
        tags: ['picklists'],
        summary: 'Register picked units of a product (errors 15-18)',
        params,
        body: PickBody,
        response: { 200: PicklistFull, ...errorResponses },
      },
    },
    async (request) =>
      states.viewOf(
        db,
        request.idaccount,
        (await picklists.pick(request.idaccount, request.params.idpicklist, request.body)).idpicklist,
      ),
  );

  type PicklistView = Awaited<ReturnType<typeof states.viewOf>>;
  const action = (
    path: string,
    summary: string,
    body: typeof Empty | typeof AssignBody | typeof SnoozeBody | typeof PauseBody,
    run: (idaccount: number, id: number, body: Record<string, unknown>) => Promise<{ idpicklist: number }>,
  ) =>
    api.post(
      `/picklists/:idpicklist/${path}`,
      {
        schema: {
          tags: ['picklists'],
          summary,
          params,
          body,
          response: { 200: PicklistFull, ...errorResponses },
        },
      },
      async (request): Promise<PicklistView> => {
        const done = await run(request.idaccount, request.params.idpicklist, request.body);
        return states.viewOf(db, request.idaccount, done.idpicklist);
      },
    );
  action('pickall', 'Pick every product of the picklist', Empty, (a, id) => picklists.pickAll(a, id));
  action(
    'close',
    'Close: books the picked stock out, the unpicked rest waits again as backorder',
    Empty,
    (a, id) => services.orders.closePicklist(a, id),
  );
  action(
    'cancel',
    'Cancel: releases the reservations; the products wait again as backorders',
    Empty,
    (a, id) => services.orders.cancelPicklist(a, id),
  );
  action('assign', 'Assign the picklist to a user (iduser)', AssignBody, (a, id, b) =>
    states.assign(a, id, b.iduser as number),
  );
  action('unassign', 'Unassign the picklist from its user', Empty, (a, id) => states.unassign(a, id));
  action(
    'snooze',
    'Snooze the picklist until a date: it is not picked until unsnoozed',
    SnoozeBody,
    (a, id, b) => states.snooze(a, id, b.snooze_until as string),
  );
  action('unsnooze', 'Unsnooze the picklist: it can be picked again', Empty, (a, id) =>
    states.unsnooze(a, id),
  );
  action('pause', 'Pause the picklist with a reason: it is not picked until resumed', PauseBody, (a, id, b) =>
    states.pause(a, id, b.reason as string | undefined),
  );
  action('resume', 'Resume a paused picklist', Empty, (a, id) => states.resume(a, id));
}
