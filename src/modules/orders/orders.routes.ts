import { Type } from '@sinclair/typebox';
import { errorResponses, idParams, Offset, PAGE_SIZE } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import type { Services } from '../../services.ts';
import { BackorderDetail } from '../backorders/backorders.schemas.ts';
import { Picklist } from '../picklists/picklists.schemas.ts';
import { withCustomerDefaults } from './orders.customer-defaults.ts';
import {
  Order,
  OrderCreate,
  OrderLineInput,
  OrderLineUpdate,
  OrderProduct,
  OrderQuery,
  OrderUpdate,
} from './orders.schemas.ts';

const Empty = Type.Object({});
const NoContent = Type.Null();
const orderParams = idParams('idorder');
const lineParams = idParams('idorder', 'idorder_product');

/** Orders, their lines, processing, allocation and the order's backorders. */
export async function ordersRoutes(api: App, services: Services): Promise<void> {
  const { orders } = services;
  const db = services.handle.db;

  api.get(
    '/orders',
    {
      schema: {
        tags: ['orders'],
        summary: 'List orders (filters status, idcustomer, sinceid, sincedate, reference)',
        querystring: OrderQuery,
        response: { 200: Type.Array(Order), ...errorResponses },
      },
    },
    async (request) => orders.list(db, request.idaccount, request.query, PAGE_SIZE),
  );

  api.get(
    '/orders/:idorder',
    {
      schema: {
        tags: ['orders'],
        summary: 'Get an order',
        params: orderParams,
        response: { 200: Order, ...errorResponses },
      },
    },
    async (request) => orders.viewOf(db, request.idaccount, request.params.idorder),
  );

  api.post(
    '/orders',
    {
      schema: {
        tags: ['orders'],
        summary: 'Create an order (status concept)',
        body: OrderCreate,
        response: { 201: Order, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return orders.create(
        request.idaccount,
        await withCustomerDefaults(db, services.catalog, request.idaccount, request.body),
      );
    },
  );

  api.put(
    '/orders/:idorder',
    {
      schema: {
        tags: ['orders'],
        summary: 'Change a concept or expected order',
        params: orderParams,
        body: OrderUpdate,
        response: { 200: Order, ...errorResponses },
      },
    },
    async (request) => orders.update(request.idaccount, request.params.idorder, request.body),
  );

  api.delete(
    '/orders/:idorder',
    {
      schema: {
        tags: ['orders'],
        summary: 'Cancel an order: releases its picklists, backorders and allocations',
        params: orderParams,
        body: Empty,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (request, reply) => {
      await orders.cancel(request.idaccount, request.params.idorder);
      return reply.status(204).send(null);
    },
  );

  type OrderView = Awaited<ReturnType<typeof orders.viewOf>>;
  const action = (
    path: string,
    summary: string,
    run: (idaccount: number, idorder: number) => Promise<OrderView>,
  ) =>
    api.post(
      `/orders/:idorder/${path}`,
      {
        schema: {
          tags: ['orders'],
          summary,
          params: orderParams,
          body: Empty,
          response: { 200: Order, ...errorResponses },
        },
      },
      async (request) => run(request.idaccount, request.params.idorder),
    );
  action('process', 'Process an order: picklists for what is in stock, backorders for the rest', (a, o) =>
    orders.process(a, o),
  );
  action('allocate', 'Allocate free stock to a concept or expected order', (a, o) => orders.allocate(a, o));
  action('deallocate', 'Release the stock allocated to an order', (a, o) => orders.deallocate(a, o));
  action('pause', 'Pause a processing order', (a, o) => orders.pause(a, o));
  action('resume', 'Resume a paused order', (a, o) => orders.resume(a, o));

  api.post(
    '/orders/:idorder/prioritise',
    {
      schema: {
        tags: ['orders', 'backorders'],
        summary: "Put the order's backorders first in their queues; answers them",
        params: orderParams,
        body: Empty,
        response: { 200: Type.Array(BackorderDetail), ...errorResponses },
      },
    },
    async (request) => orders.prioritise(request.idaccount, request.params.idorder),
  );

  api.post(
    '/orders/:idorder/process-backorders',
    {
      schema: {
        tags: ['orders', 'backorders'],
        summary: "Turn the order's available backorders into picklists; answers the picklists created",
        params: orderParams,
        body: Empty,
        response: { 200: Type.Array(Picklist), ...errorResponses },
      },
    },
    async (request) => orders.processBackorders(request.idaccount, request.params.idorder),
  );

  api.get(
    '/orders/:idorder/backorders',
    {
      schema: {
        tags: ['orders', 'backorders'],
        summary: 'The waiting backorders of an order, with expected dates',
        params: orderParams,
        querystring: Type.Object({ offset: Type.Optional(Offset) }),
        response: { 200: Type.Array(BackorderDetail), ...errorResponses },
      },
    },
    async (request) => orders.backordersOf(db, request.idaccount, request.params.idorder),
  );

  // Order lines

  api.get(
    '/orders/:idorder/products',
    {
      schema: {
        tags: ['orders'],
        summary: 'The lines of an order',
        params: orderParams,
        response: { 200: Type.Array(OrderProduct), ...errorResponses },
      },
    },
    async (request) => orders.listLines(db, request.idaccount, request.params.idorder),
  );

  api.get(
    '/orders/:idorder/products/:idorder_product',
    {
      schema: {
        tags: ['orders'],
        summary: 'One line of an order',
        params: lineParams,
        response: { 200: OrderProduct, ...errorResponses },
      },
    },
    async (request) =>
      orders.getLine(db, request.idaccount, request.params.idorder, request.params.idorder_product),
  );

  api.post(
    '/orders/:idorder/products',
    {
      schema: {
        tags: ['orders'],
        summary: 'Add a line to a concept or expected order (error 33 once processing)',
        params: orderParams,
        body: OrderLineInput,
        response: { 201: OrderProduct, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return orders.addLine(request.idaccount, request.params.idorder, request.body);
    },
  );

  api.put(
    '/orders/:idorder/products/:idorder_product',
    {
      schema: {
        tags: ['orders'],
        summary: 'Change a line of a concept or expected order (error 33 once processing)',
        params: lineParams,
        body: OrderLineUpdate,
        response: { 200: OrderProduct, ...errorResponses },
      },
    },
    async (request) =>
      orders.updateLine(
        request.idaccount,
        request.params.idorder,
        request.params.idorder_product,
        request.body,
      ),
  );

  api.delete(
    '/orders/:idorder/products/:idorder_product',
    {
      schema: {
        tags: ['orders'],
        summary: 'Remove a line of a concept or expected order (error 33 once processing)',
        params: lineParams,
        body: Empty,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (request, reply) => {
      await orders.deleteLine(request.idaccount, request.params.idorder, request.params.idorder_product);
      return reply.status(204).send(null);
    },
  );
}
