import { Type } from '@sinclair/typebox';
import { errorResponses, idParams, PAGE_SIZE } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import type { Services } from '../../services.ts';
import { Picklist } from '../picklists/picklists.schemas.ts';
import { AsyncQuery, Job } from '../jobs/jobs.schemas.ts';
import { processBackordersAsJob } from '../jobs/jobs.work.ts';
import {
  Backorder,
  BackorderCreate,
  BackorderDetail,
  BackorderQuery,
  BackorderUpdate,
  CustomerNotification,
  EstimateUpdate,
} from './backorders.schemas.ts';

const Empty = Type.Object({});
const NoContent = Type.Null();

/**
 * Backorders: Picqer's list, get, delete and process (seed 000), and the lifecycle of seed 002
 * (create, update, confirm, fulfill, cancel, update-estimate, notify-customer; docs/adr/0010).
 */
export async function backordersRoutes(api: App, services: Services): Promise<void> {
  const { backorders, backorderLifecycle: lifecycle, orders } = services;
  const db = services.handle.db;
  const one = { params: idParams('idbackorder'), response: { 200: BackorderDetail, ...errorResponses } };

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

  api.post(
    '/backorders',
    {
      schema: {
        tags: ['backorders'],
        summary: 'Create a backorder for units of an order line in processing that nothing covers',
        body: BackorderCreate,
        response: { 201: BackorderDetail, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return lifecycle.create(request.idaccount, request.body);
    },
  );

  api.get(
    '/backorders/:idbackorder',
    { schema: { tags: ['backorders'], summary: 'Get a backorder with its expected date', ...one } },
    async (request) => backorders.get(db, request.idaccount, request.params.idbackorder),
  );

  api.put(
    '/backorders/:idbackorder',
    {
      schema: {
        tags: ['backorders'],
        summary: 'Update amount, priority, priority_level, status (in-production, in-transit), metadata, ...',
        body: BackorderUpdate,
        ...one,
      },
    },
    async (request) => lifecycle.update(request.idaccount, request.params.idbackorder, request.body),
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
      await lifecycle.remove(request.idaccount, request.params.idbackorder);
      return reply.status(204).send(null);
    },
  );

  for (const [action, summary, run] of [
    ['confirm', 'Confirm a pending backorder', lifecycle.confirm],
    ['fulfill', 'Process this backorder into a picklist now (400 when not all in stock)', lifecycle.fulfill],
    [
      'cancel',
      'Cancel a backorder and its order line amount; the event carries the refund',
      lifecycle.cancel,
    ],
  ] as const)
    api.post(
      `/backorders/:idbackorder/${action}`,
      { schema: { tags: ['backorders'], summary, body: Empty, ...one } },
      async (request) => run(request.idaccount, request.params.idbackorder),
    );

  api.post(
    '/backorders/:idbackorder/update-estimate',
    {
      schema: {
        tags: ['backorders'],
        summary: 'Set the estimated ship and delivery dates by hand (both null: follow purchase orders)',
        body: EstimateUpdate,
        ...one,
      },
    },
    async (request) => lifecycle.updateEstimate(request.idaccount, request.params.idbackorder, request.body),
  );

  api.post(
    '/backorders/:idbackorder/notify-customer',
    {
      schema: {
        tags: ['backorders'],
        summary: "E-mail the customer the backorder's status and estimate (recorded in its notifications)",
        body: CustomerNotification,
        ...one,
      },
    },
    async (request) => lifecycle.notifyCustomer(request.idaccount, request.params.idbackorder, request.body),
  );

  api.post(
    '/backorders/process',
    {
      schema: {
        tags: ['backorders'],
        summary:
          'Turn every available backorder into picklists; answers the picklists created (?async=true: 202 with a job)',
        querystring: AsyncQuery,
        body: Empty,
        response: { 200: Type.Array(Picklist), 202: Job, ...errorResponses },
      },
    },
    async (request, reply) =>
      request.query.async
        ? reply.status(202).send(await processBackordersAsJob(services, request.idaccount))
        : orders.processAllBackorders(request.idaccount),
  );
}
