import { Type, type Static } from '@sinclair/typebox';
import {
  DateString,
  DateTimeString,
  Id,
  Nullable,
  Offset,
  PositiveAmount,
  Price,
} from '../../http/schemas.ts';

/** Request and response shapes of purchase orders (seed 001, reference/picqer-api.md 9). */

export const PurchaseOrderStatus = Type.Union([
  Type.Literal('concept'),
  Type.Literal('purchased'),
  Type.Literal('received'),
  Type.Literal('cancelled'),
]);
export const Language = Type.Union([Type.Literal('nl'), Type.Literal('en')]);

const ShortText = (maxLength = 255) => Type.String({ maxLength });

export const PurchaseOrderProduct = Type.Object({
  idpurchaseorder_product: Type.Integer(),
  idproduct: Type.Integer(),
  idvatgroup: Nullable(Type.Integer()),
  productcode: Type.String(),
  productcode_supplier: Nullable(Type.String()),
  name: Type.String(),
  price: Type.Number(),
  amount: Type.Integer(),
  amountreceived: Type.Integer(),
  delivery_date: Nullable(Type.String()),
  weight: Nullable(Type.Number()),
  /** Stockroom shows which lines a receipt added for goods nobody ordered (Picqer's "+"). */
  added_by_receipt: Type.Boolean(),
});
export type PurchaseOrderProductView = Static<typeof PurchaseOrderProduct>;

export const PurchaseOrder = Type.Object({
  idpurchaseorder: Type.Integer(),
  idsupplier: Nullable(Type.Integer()),
  idtemplate: Nullable(Type.Integer()),
  idwarehouse: Type.Integer(),
  purchaseorderid: Type.String(),
  supplier_name: Nullable(Type.String()),
  supplier_orderid: Nullable(Type.String()),
  status: PurchaseOrderStatus,
  remarks: Nullable(Type.String()),
  delivery_date: Nullable(Type.String()),
  language: Type.String(),
  purchased_at: Nullable(Type.String()),
  completed_at: Nullable(Type.String()),
  comment_count: Type.Integer(),
  created: Type.String(),
  updated: Type.String(),
  products: Type.Array(PurchaseOrderProduct),
});
export type PurchaseOrderView = Static<typeof PurchaseOrder>;

export const NewLine = Type.Object({
  idproduct: Id,
  amount: PositiveAmount,
  price: Type.Optional(Price),
  delivery_date: Type.Optional(Nullable(DateString)),
});
export type NewLine = Static<typeof NewLine>;

export const PurchaseOrderCreate = Type.Object({
  idsupplier: Type.Optional(Nullable(Id)),
  supplier_name: Type.Optional(Nullable(ShortText())),
  idwarehouse: Type.Optional(Nullable(Id)),
  idtemplate: Type.Optional(Nullable(Id)),
  supplier_orderid: Type.Optional(Nullable(ShortText())),
  remarks: Type.Optional(Nullable(ShortText(10_000))),
  delivery_date: Type.Optional(Nullable(DateString)),
  language: Type.Optional(Language),
  products: Type.Array(NewLine, { maxItems: 1000 }),
});
export type PurchaseOrderCreate = Static<typeof PurchaseOrderCreate>;

export const PurchaseOrderUpdate = Type.Object({
  idsupplier: Type.Optional(Nullable(Id)),
  supplier_name: Type.Optional(Nullable(ShortText())),
  idwarehouse: Type.Optional(Id),
  idtemplate: Type.Optional(Nullable(Id)),
  supplier_orderid: Type.Optional(Nullable(ShortText())),
  remarks: Type.Optional(Nullable(ShortText(10_000))),
  delivery_date: Type.Optional(Nullable(DateString)),
  language: Type.Optional(Language),
});
export type PurchaseOrderUpdate = Static<typeof PurchaseOrderUpdate>;

export const LineUpdate = Type.Object({
  amount: Type.Optional(PositiveAmount),
  price: Type.Optional(Price),
  delivery_date: Type.Optional(Nullable(DateString)),
});
export type LineUpdate = Static<typeof LineUpdate>;

export const PurchaseOrderQuery = Type.Object({
  status: Type.Optional(PurchaseOrderStatus),
  search: Type.Optional(Type.String({ maxLength: 255 })),
  updated_after: Type.Optional(DateTimeString),
  idsupplier: Type.Optional(Id),
  idwarehouse: Type.Optional(Id),
  offset: Type.Optional(Offset),
});
export type PurchaseOrderQuery = Static<typeof PurchaseOrderQuery>;

export const Comment = Type.Object({
  idcomment: Type.Integer(),
  source_type: Type.String(),
  source: Type.Object({ idpurchaseorder: Type.Integer(), purchaseorderid: Type.String() }),
  author_type: Nullable(Type.String()),
  author: Nullable(Type.Object({})),
  body: Type.String(),
  mentions: Type.Array(Type.Unknown()),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type CommentView = Static<typeof Comment>;
export const CommentCreate = Type.Object({ body: Type.String({ minLength: 1, maxLength: 10_000 }) });

/** One open purchase order line of a product: what `GET /products/{id}/expected` lists. */
export const ExpectedLine = Type.Object({
  idpurchaseorder: Type.Integer(),
  purchaseorderid: Type.String(),
  idpurchaseorder_product: Type.Integer(),
  idwarehouse: Type.Integer(),
  idsupplier: Nullable(Type.Integer()),
  supplier_name: Nullable(Type.String()),
  amount: Type.Integer(),
  amountreceived: Type.Integer(),
  amount_open: Type.Integer(),
  delivery_date: Nullable(Type.String()),
});
export type ExpectedLineView = Static<typeof ExpectedLine>;
