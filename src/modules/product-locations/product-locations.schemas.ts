import { Type } from '@sinclair/typebox';
import { Id, Nullable } from '../../http/schemas.ts';

/** Shapes of the links between products and locations (reference/picqer-api.md 3). */

const SlotStock = Type.Object({
  stock: Type.Integer({ description: 'Stock of the product on the location' }),
  stock_reserved_picklists: Type.Integer({ description: 'Of which reserved by open picklists' }),
});

/** A location linked to a product, with the product's stock there (GET /products/{id}/locations). */
export const ProductLocation = Type.Object({
  idlocation: Type.Integer(),
  idwarehouse: Type.Integer(),
  parent_idlocation: Nullable(Type.Integer()),
  name: Type.String(),
  remarks: Nullable(Type.String()),
  is_bulk_location: Type.Boolean(),
  stock_for_product: SlotStock,
});

/** A product linked to a location, with its stock there (GET /locations/{id}/products). */
export const LocationProduct = Type.Object({
  idproduct: Type.Integer(),
  productcode: Type.String(),
  name: Type.String(),
  barcode: Nullable(Type.String()),
  stock_on_location: SlotStock,
});

export const LinkBody = Type.Object({
  idlocation: Id,
});
