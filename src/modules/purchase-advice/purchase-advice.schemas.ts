import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, Offset } from '../../http/schemas.ts';

/** Shapes of purchase advice (docs/adr/0015-warehouse-api-and-purchase-advice.md). */

export const AdviceItem = Type.Object({
  idproduct: Type.Integer(),
  productcode: Type.String(),
  name: Type.String(),
  idsupplier: Nullable(Type.Integer()),
  supplier_name: Nullable(Type.String()),
  idwarehouse: Type.Integer(),
  stock: Type.Integer(),
  freestock: Type.Integer({ description: 'Stock minus every reservation (negative while backorders wait)' }),
  reservedbackorders: Type.Integer(),
  incoming: Type.Integer({ description: 'Still to arrive on concept and purchased purchase orders' }),
  stock_level_order: Type.Integer(),
  stock_level_desired: Type.Integer(),
  stock_level_maximum: Type.Integer(),
  minimum_purchase_quantity: Type.Integer(),
  purchase_in_quantities_of: Type.Integer(),
  backorder_need: Type.Integer({
    description: 'Units waiting backorders need beyond free stock and incoming',
  }),
  advised_amount: Type.Integer({ description: 'Units to order' }),
  reason: Type.Union([Type.Literal('backorders'), Type.Literal('stock_level')], {
    description: 'backorders: waiting backorders need it; stock_level: below the order level',
  }),
});

export const AdviceQuery = Type.Object({
  idwarehouse: Type.Optional(Id),
  idsupplier: Type.Optional(Id),
  offset: Type.Optional(Offset),
});
export type AdviceQuery = Static<typeof AdviceQuery>;

export const AdviceOrderBody = Type.Object({
  idwarehouse: Type.Optional(Id),
  idsupplier: Type.Optional(Id),
});
export type AdviceOrderBody = Static<typeof AdviceOrderBody>;
