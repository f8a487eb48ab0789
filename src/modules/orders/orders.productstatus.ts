import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/transaction.ts';
import { errorResponses, idParams } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import type { Services } from '../../services.ts';

/** The status of each line of an order (Picqer's GET /orders/{id}/productstatus). */
export const ProductStatus = Type.Object({
  idorder_product: Type.Integer(),
  idproduct: Type.Integer(),
  productcode: Type.String(),
  name: Type.String(),
  amount: Type.Integer({ description: 'Ordered' }),
  amount_cancelled: Type.Integer(),
  amount_on_picklist: Type.Integer({ description: 'On open picklists, not yet shipped' }),
  amount_picked: Type.Integer({ description: 'Picked on open picklists' }),
  amount_shipped: Type.Integer({ description: 'Picked on closed picklists' }),
  amount_backorder: Type.Integer({ description: 'Waiting in open backorders' }),
  amount_open: Type.Integer({
    description: 'Neither on a picklist, shipped, in backorder nor cancelled (concept orders)',
  }),
});

const OPEN = new Set(['new', 'paused', 'snoozed']);

/**
 * Composes the order's lines with its picklists and open backorders, read through their services.
 * Composition lines count through their parts on picklists and backorders.
 */
export async function productStatus(db: Db, services: Services, idaccount: number, idorder: number) {
  const order = await services.orders.viewOf(db, idaccount, idorder);
  const picklists = await services.picklists.list(db, idaccount, { idorder, offset: 0, limit: 10_000 });
  const backorders = await services.backorders.listOfOrder(db, idaccount, idorder);
  return order.products.map((line) => {
    const sum = (
      pred: (status: string) => boolean,
      f: (l: { amount: number; amount_picked: number }) => number,
    ) =>
      picklists
        .filter((p) => pred(p.status))
        .flatMap((p) => p.products)
        .filter((l) => l.idorder_product === line.idorder_product)
        .reduce((s, l) => s + f(l), 0);
    const onPicklist = sum(
      (s) => OPEN.has(s),
      (l) => l.amount,
    );
    const picked = sum(
      (s) => OPEN.has(s),
      (l) => l.amount_picked,
    );
    const shipped = sum(
      (s) => s === 'closed',
      (l) => l.amount_picked,
    );
    const backorder = backorders
      .filter((b) => b.idorder_product === line.idorder_product)
      .reduce((s, b) => s + b.amount, 0);
    return {
      idorder_product: line.idorder_product,
      idproduct: line.idproduct,
      productcode: line.productcode,
      name: line.name,
      amount: line.amount,
      amount_cancelled: line.amount_cancelled,
      amount_on_picklist: onPicklist,
      amount_picked: picked,
      amount_shipped: shipped,
      amount_backorder: backorder,
      amount_open: Math.max(0, line.amount - line.amount_cancelled - onPicklist - shipped - backorder),
    };
  });
}

export async function orderProductStatusRoutes(api: App, services: Services): Promise<void> {
  api.get(
    '/orders/:idorder/productstatus',
    {
      schema: {
        tags: ['orders'],
        summary: 'The status of each order line: on picklists, picked, shipped, in backorder',
        params: idParams('idorder'),
        response: { 200: Type.Array(ProductStatus), ...errorResponses },
      },
    },
    async (request) => productStatus(services.handle.db, services, request.idaccount, request.params.idorder),
  );
}
