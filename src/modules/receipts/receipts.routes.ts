import { Type } from '@sinclair/typebox';
import type { App } from '../../http/types.ts';
import { errorResponses, idParams, PAGE_SIZE } from '../../http/schemas.ts';
import type { Services } from '../../services.ts';
import {
  ExpectedProduct,
  Receipt,
  ReceiptCreate,
  ReceiptProduct,
  ReceiptQuery,
  ReceiptUpdate,
  ReceiveProduct,
} from './receipts.schemas.ts';

const tags = ['receipts'];
const receiptParams = idParams('idreceipt');

export async function receiptsRoutes(api: App, services: Services): Promise<void> {
  const { receipts, handle } = services;

  api.get(
    '/receipts',
    {
      schema: {
        tags,
        summary: 'List receipts (filters status, idpurchaseorder, idsupplier, updated_after)',
        querystring: ReceiptQuery,
        response: { 200: Type.Array(Receipt), ...errorResponses },
      },
    },
    async (request) => receipts.list(handle.db, request.idaccount, request.query, PAGE_SIZE),
  );

  api.get(
    '/receipts/:idreceipt',
    { schema: { tags, params: receiptParams, response: { 200: Receipt, ...errorResponses } } },
    async (request) => receipts.get(handle.db, request.idaccount, request.params.idreceipt),
  );

  api.post(
    '/receipts',
    {
      schema: {
        tags,
        summary:
          'Start a receipt for a purchased purchase order (idpurchaseorder) or for a supplier (idsupplier)',
        body: ReceiptCreate,
        response: { 201: Receipt, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await receipts.create(request.idaccount, request.body)),
  );

  api.put(
    '/receipts/:idreceipt',
    {
      schema: {
        tags,
        summary: 'Complete a receipt: {"status": "completed"}',
        params: receiptParams,
        body: ReceiptUpdate,
        response: { 200: Receipt, ...errorResponses },
      },
    },
    async (request) => receipts.update(request.idaccount, request.params.idreceipt, request.body),
  );

  api.delete(
    '/receipts/:idreceipt',
    {
      schema: {
        tags,
        summary: 'Delete a receipt that received nothing',
        params: receiptParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await receipts.remove(request.idaccount, request.params.idreceipt);
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/receipts/:idreceipt/expected-products',
    {
      schema: {
        tags,
        summary: 'Open purchase order lines this receipt expects',
        params: receiptParams,
        response: { 200: Type.Array(ExpectedProduct), ...errorResponses },
      },
    },
    async (request) => receipts.expectedProducts(handle.db, request.idaccount, request.params.idreceipt),
  );

  api.post(
    '/receipts/:idreceipt/products',
    {
      schema: {
        tags,
        summary:
          'Receive a product: books the stock at once and fills purchase order lines (oldest order first); ' +
          'answers the received rows (several when the amount splits across orders)',
        params: receiptParams,
        body: ReceiveProduct,
        response: { 201: Type.Array(ReceiptProduct), ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await receipts.receiveProduct(request.idaccount, request.params.idreceipt, request.body)),
  );

  api.post(
    '/receipts/:idreceipt/products/:idreceipt_product/revert',
    {
      schema: {
        tags,
        summary: 'Take a received product back out of stock and off its purchase order line',
        params: idParams('idreceipt', 'idreceipt_product'),
        body: Type.Object({}),
        response: { 200: ReceiptProduct, ...errorResponses },
      },
    },
    async (request) =>
      receipts.revertProduct(request.idaccount, request.params.idreceipt, request.params.idreceipt_product),
  );
}
