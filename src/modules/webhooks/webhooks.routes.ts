import { Type } from '@sinclair/typebox';
import type { App } from '../../http/types.ts';
import { errorResponses, idParams, Offset, PAGE_SIZE } from '../../http/schemas.ts';
import type { Services } from '../../services.ts';
import { CreateHookBody, DeliverySchema, DeliveryStatus, HookSchema } from './webhooks.schemas.ts';

const tags = ['hooks'];

export async function webhooksRoutes(api: App, services: Services): Promise<void> {
  const { webhooks } = services;
  const db = () => services.handle.db;

  api.get(
    '/hooks',
    {
      schema: {
        tags,
        summary: 'List the hooks',
        querystring: Type.Object({ offset: Type.Optional(Offset) }),
        response: { 200: Type.Array(HookSchema), ...errorResponses },
      },
    },
    async (request) => webhooks.list(db(), request.idaccount, request.query.offset ?? 0, PAGE_SIZE),
  );

  api.get(
    '/hooks/:idhook',
    {
      schema: {
        tags,
        summary: 'Get a hook',
        params: idParams('idhook'),
        response: { 200: HookSchema, ...errorResponses },
      },
    },
    async (request) => webhooks.get(db(), request.idaccount, request.params.idhook),
  );

  api.post(
    '/hooks',
    {
      schema: {
        tags,
        summary: 'Create a hook: every event of its kind is POSTed to its address',
        body: CreateHookBody,
        response: { 201: HookSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await webhooks.create(request.idaccount, request.body)),
  );

  api.delete(
    '/hooks/:idhook',
    {
      schema: {
        tags,
        summary: 'Delete a hook: it stops at once, its pending deliveries are skipped',
        params: idParams('idhook'),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await webhooks.remove(request.idaccount, request.params.idhook);
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/hooks/:idhook/reactivate',
    {
      schema: {
        tags,
        summary: 'Reactivate a hook that was deactivated after failed deliveries',
        params: idParams('idhook'),
        body: Type.Object({}),
        response: { 200: HookSchema, ...errorResponses },
      },
    },
    async (request) => webhooks.reactivate(request.idaccount, request.params.idhook),
  );

  api.get(
    '/hooks/:idhook/deliveries',
    {
      schema: {
        tags,
        summary: "The hook's deliveries, newest first, with every attempt and the receiver's answers",
        params: idParams('idhook'),
        querystring: Type.Object({
          offset: Type.Optional(Offset),
          status: Type.Optional(DeliveryStatus),
        }),
        response: { 200: Type.Array(DeliverySchema), ...errorResponses },
      },
    },
    async (request) =>
      webhooks.listDeliveries(db(), request.idaccount, request.params.idhook, {
        status: request.query.status,
        offset: request.query.offset ?? 0,
        limit: PAGE_SIZE,
      }),
  );
}
