import { Type } from '@sinclair/typebox';
import type { App } from '../../http/types.ts';
import { errorResponses, idParams, PAGE_SIZE } from '../../http/schemas.ts';
import type { Services } from '../../services.ts';
import {
  Comment,
  CommentCreate,
  ExpectedLine,
  LineUpdate,
  NewLine,
  PurchaseOrder,
  PurchaseOrderCreate,
  PurchaseOrderProduct,
  PurchaseOrderQuery,
  PurchaseOrderUpdate,
} from './purchasing.schemas.ts';

const tags = ['purchase orders'];
const Empty = Type.Object({});
const poParams = idParams('idpurchaseorder');
const lineParams = idParams('idpurchaseorder', 'idpurchaseorder_product');

export async function purchasingRoutes(api: App, services: Services): Promise<void> {
  const { purchasing, handle } = services;

  api.get(
    '/purchaseorders',
    {
      schema: {
        tags,
        summary: 'List purchase orders (filters status, search, updated_after, idsupplier, idwarehouse)',
        querystring: PurchaseOrderQuery,
        response: { 200: Type.Array(PurchaseOrder), ...errorResponses },
      },
    },
    async (request) => purchasing.list(handle.db, request.idaccount, request.query, PAGE_SIZE),
  );

  api.get(
    '/purchaseorders/:idpurchaseorder',
    { schema: { tags, params: poParams, response: { 200: PurchaseOrder, ...errorResponses } } },
    async (request) => purchasing.get(handle.db, request.idaccount, request.params.idpurchaseorder),
  );

  api.post(
    '/purchaseorders',
    {
      schema: {
        tags,
        summary: 'Create a concept purchase order',
        body: PurchaseOrderCreate,
        response: { 201: PurchaseOrder, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await purchasing.create(request.idaccount, request.body)),
  );

  api.put(
    '/purchaseorders/:idpurchaseorder',
    {
      schema: {
        tags,
        params: poParams,
        body: PurchaseOrderUpdate,
        response: { 200: PurchaseOrder, ...errorResponses },
      },
    },
    async (request) => purchasing.update(request.idaccount, request.params.idpurchaseorder, request.body),
  );

  const actions = {
    'mark-as-purchased': ['Mark a concept purchase order as purchased', purchasing.markPurchased],
    cancel: ['Cancel a concept or purchased purchase order of which nothing was received', purchasing.cancel],
    close: [
      'Stop expecting the rest of a partly received purchase order (status received)',
      purchasing.close,
    ],
  } as const;
  for (const [action, [summary, run]] of Object.entries(actions)) {
    api.post(
      `/purchaseorders/:idpurchaseorder/${action}`,
      {
        schema: {
          tags,
          summary,
          params: poParams,
          body: Empty,
          response: { 200: PurchaseOrder, ...errorResponses },
        },
      },
      async (request) => run(request.idaccount, request.params.idpurchaseorder),
    );
  }

  api.get(
    '/purchaseorders/:idpurchaseorder/products',
    {
      schema: {
        tags,
        params: poParams,
        response: { 200: Type.Array(PurchaseOrderProduct), ...errorResponses },
      },
    },
    async (request) => purchasing.lines(handle.db, request.idaccount, request.params.idpurchaseorder),
  );

  // Seed 001 answers adding a product with 200 OK and the new line (not 201).
  api.post(
    '/purchaseorders/:idpurchaseorder/products',
    {
      schema: {
        tags,
        summary: 'Add one product to a concept or purchased purchase order',
        params: poParams,
        body: NewLine,
        response: { 200: PurchaseOrderProduct, ...errorResponses },
      },
    },
    async (request) => purchasing.addLine(request.idaccount, request.params.idpurchaseorder, request.body),
  );

  api.put(
    '/purchaseorders/:idpurchaseorder/products/:idpurchaseorder_product',
    {
      schema: {
        tags,
        summary: 'Change amount, price or delivery_date of a line',
        params: lineParams,
        body: LineUpdate,
        response: { 200: PurchaseOrderProduct, ...errorResponses },
      },
    },
    async (request) =>
      purchasing.updateLine(
        request.idaccount,
        request.params.idpurchaseorder,
        request.params.idpurchaseorder_product,
        request.body,
      ),
  );

  api.delete(
    '/purchaseorders/:idpurchaseorder/products/:idpurchaseorder_product',
    {
      schema: {
        tags,
        summary: 'Remove a line of which nothing was received',
        params: lineParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await purchasing.deleteLine(
        request.idaccount,
        request.params.idpurchaseorder,
        request.params.idpurchaseorder_product,
      );
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/purchaseorders/:idpurchaseorder/comments',
    { schema: { tags, params: poParams, response: { 200: Type.Array(Comment), ...errorResponses } } },
    async (request) => purchasing.comments(handle.db, request.idaccount, request.params.idpurchaseorder),
  );

  api.post(
    '/purchaseorders/:idpurchaseorder/comments',
    {
      schema: { tags, params: poParams, body: CommentCreate, response: { 201: Comment, ...errorResponses } },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await purchasing.addComment(request.idaccount, request.params.idpurchaseorder, request.body.body),
        ),
  );

  api.get(
    '/purchaseorders/:idpurchaseorder/pdf',
    {
      schema: {
        tags,
        summary: 'The purchase order as a PDF for the supplier, in its language (nl or en)',
        params: poParams,
        produces: ['application/pdf'],
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { filename, pdf } = await purchasing.pdf(
        handle.db,
        request.idaccount,
        request.params.idpurchaseorder,
      );
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${filename}"`)
        .send(pdf);
    },
  );

  api.get(
    '/products/:idproduct/expected',
    {
      schema: {
        tags,
        summary: 'Open quantities of purchased purchase orders for a product, earliest expected first',
        params: idParams('idproduct'),
        response: { 200: Type.Array(ExpectedLine), ...errorResponses },
      },
    },
    async (request) => purchasing.expectedOfProduct(handle.db, request.idaccount, request.params.idproduct),
  );
}
