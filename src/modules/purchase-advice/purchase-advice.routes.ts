import { Type } from '@sinclair/typebox';
import { errorResponses, PAGE_SIZE } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import type { Services } from '../../services.ts';
import { PurchaseOrder } from '../purchasing/purchasing.schemas.ts';
import { AdviceItem, AdviceOrderBody, AdviceQuery } from './purchase-advice.schemas.ts';
import { createPurchaseAdviceService } from './purchase-advice.service.ts';

/** Purchase advice and the action that orders it (Stockroom's; Picqer has it in its interface). */
export async function purchaseAdviceRoutes(api: App, services: Services): Promise<void> {
  const advice = createPurchaseAdviceService(services);
  const db = services.handle.db;

  api.get(
    '/purchaseadvice',
    {
      schema: {
        tags: ['purchasing'],
        summary: 'Purchase advice: what to order per supplier and warehouse',
        description:
          'Products whose free stock plus what open purchase orders bring is below their order level (per-warehouse settings), or whose waiting backorders nothing covers, with the amount that brings them to the desired level, respecting minimum_purchase_quantity and purchase_in_quantities_of. Ordered by supplier, warehouse and product; pages of 100.',
        querystring: AdviceQuery,
        response: { 200: Type.Array(AdviceItem), ...errorResponses },
      },
    },
    async (request) =>
      advice.list(db, request.idaccount, {
        ...request.query,
        offset: request.query.offset ?? 0,
        limit: PAGE_SIZE,
      }),
  );

  api.post(
    '/purchaseadvice/purchaseorders',
    {
      schema: {
        tags: ['purchasing'],
        summary: 'Turn the purchase advice into concept purchase orders, one per supplier and warehouse',
        description:
          'Optionally only for one warehouse or supplier. Products without a supplier are left out. Answers the purchase orders created (none when nothing is advised).',
        body: AdviceOrderBody,
        response: { 201: Type.Array(PurchaseOrder), ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return advice.createPurchaseOrders(db, request.idaccount, request.body);
    },
  );
}
