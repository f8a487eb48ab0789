import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, Offset, Price, SinceId } from '../../http/schemas.ts';

/** Request and response shapes of orders and their lines (reference/picqer-api.md 6). */

export const ORDER_STATUSES = [
  'concept',
  'expected',
  'processing',
  'paused',
  'completed',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

const Text = (maxLength = 255) => Type.Optional(Nullable(Type.String({ maxLength })));
/** Loose on purpose: a line without idproduct or amount is Picqer's error 23, not a schema error. */
const LooseInt = Type.Integer({ minimum: -2147483648, maximum: 2147483647 });

export const OrderLineInput = Type.Object({
  idproduct: Type.Optional(LooseInt),
  amount: Type.Optional(LooseInt),
  price: Type.Optional(Price),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  remarks: Text(1000),
});
export type OrderLineInput = Static<typeof OrderLineInput>;

const deliveryFields = {
  reference: Text(),
  emailaddress: Text(),
  language: Text(10),
  deliveryname: Text(),
  deliverycontactname: Text(),
  deliveryaddress: Text(),
  deliveryaddress2: Text(),
  deliveryzipcode: Text(32),
  deliverycity: Text(),
  deliveryregion: Text(),
  deliverycountry: Text(64),
};

const editable = {
  idcustomer: Type.Optional(Nullable(Id)),
  partialdelivery: Type.Optional(Type.Boolean()),
  /** Warehouses that may ship the order; default all that accept orders. */
  warehouses: Type.Optional(Type.Array(Id, { maxItems: 100 })),
  /** Stockroom extension: create or keep an order as 'expected' (awaiting payment). */
  status: Type.Optional(Type.Union([Type.Literal('concept'), Type.Literal('expected')])),
  ...deliveryFields,
};

export const OrderCreate = Type.Object({
  ...editable,
  products: Type.Optional(Type.Array(OrderLineInput, { maxItems: 1000 })),
});
export type OrderCreate = Static<typeof OrderCreate>;

export const OrderUpdate = Type.Object(editable);
export type OrderUpdate = Static<typeof OrderUpdate>;

export const OrderLineUpdate = Type.Object({
  amount: Type.Optional(LooseInt),
  price: Type.Optional(Price),
  remarks: Text(1000),
});
export type OrderLineUpdate = Static<typeof OrderLineUpdate>;

export const OrderQuery = Type.Object({
  offset: Type.Optional(Offset),
  status: Type.Optional(Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)))),
  idcustomer: Type.Optional(Id),
  sinceid: Type.Optional(SinceId),
  sincedate: Type.Optional(Type.String({ maxLength: 32 })),
  reference: Type.Optional(Type.String({ maxLength: 255 })),
  orderid: Type.Optional(Type.String({ maxLength: 64, description: 'The order number, exactly' })),
  search: Type.Optional(
    Type.String({
      maxLength: 255,
      description: 'Text in orderid, reference, delivery name or e-mail address',
    }),
  ),
  beforeid: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 2147483647, description: 'Only orders with a lower idorder' }),
  ),
  untildate: Type.Optional(
    Type.String({ maxLength: 32, description: 'Created before (YYYY-MM-DD HH:MM:SS)' }),
  ),
  emailaddress: Type.Optional(Type.String({ maxLength: 255, description: 'The e-mail address, exactly' })),
});
export type OrderQuery = Static<typeof OrderQuery>;

export const OrderProduct = Type.Object({
  idorder_product: Type.Integer(),
  idproduct: Type.Integer(),
  productcode: Type.String(),
  name: Type.String(),
  remarks: Nullable(Type.String()),
  price: Type.Number(),
  amount: Type.Integer(),
  amount_cancelled: Type.Integer(),
  has_parts: Type.Boolean(),
  partof_idorder_product: Nullable(Type.Integer()),
});

export const Order = Type.Object({
  idorder: Type.Integer(),
  orderid: Type.String(),
  idcustomer: Nullable(Type.Integer()),
  status: Type.String(),
  partialdelivery: Type.Boolean(),
  warehouses: Type.Array(Type.Integer()),
  reference: Nullable(Type.String()),
  emailaddress: Nullable(Type.String()),
  language: Nullable(Type.String()),
  deliveryname: Nullable(Type.String()),
  deliverycontactname: Nullable(Type.String()),
  deliveryaddress: Nullable(Type.String()),
  deliveryaddress2: Nullable(Type.String()),
  deliveryzipcode: Nullable(Type.String()),
  deliverycity: Nullable(Type.String()),
  deliveryregion: Nullable(Type.String()),
  deliverycountry: Nullable(Type.String()),
  allocated: Type.Boolean(),
  processed_at: Nullable(Type.String()),
  completed_at: Nullable(Type.String()),
  cancelled_at: Nullable(Type.String()),
  created: Type.String(),
  updated: Type.String(),
  products: Type.Array(OrderProduct),
  picklists: Type.Array(
    Type.Object({
      idpicklist: Type.Integer(),
      picklistid: Type.String(),
      idwarehouse: Type.Integer(),
      status: Type.String(),
    }),
  ),
});
