import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../../http/schemas.ts';

/** Per-warehouse product settings (reference/picqer-api.md 4.4). */

const Level = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });

export const ProductWarehouse = Type.Object({
  idwarehouse: Type.Integer(),
  idproduct: Type.Integer(),
  stock_level_order: Type.Integer({
    description: 'Order level: purchase advice orders below it (0: only for backorders)',
  }),
  stock_level_desired: Type.Integer({ description: 'Purchase advice brings the stock up to this level' }),
  stock_level_maximum: Type.Integer({ description: 'Purchase advice never goes above this (0: no maximum)' }),
  stock_location: Nullable(Type.String({ description: 'Free text: where the product is kept' })),
});

export const ProductWarehouseUpdate = Type.Object({
  stock_level_order: Type.Optional(Level),
  stock_level_desired: Type.Optional(Level),
  stock_level_maximum: Type.Optional(Level),
  stock_location: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
});
export type ProductWarehouseUpdate = Static<typeof ProductWarehouseUpdate>;
