import { Type, type Static } from '@sinclair/typebox';
import { DateTimeString, Id, Nullable, Offset, PositiveAmount } from '../../http/schemas.ts';

/** Request and response shapes of receipts (version 2: products are booked into stock when received). */

export const ReceiptStatus = Type.Union([Type.Literal('processing'), Type.Literal('completed')]);

export const ReceiptProduct = Type.Object({
  idreceipt_product: Type.Integer(),
  idreceipt: Type.Integer(),
  idpurchaseorder_product: Nullable(Type.Integer()),
  idpurchaseorder: Nullable(Type.Integer()),
  idproduct: Type.Integer(),
  productcode: Type.String(),
  name: Type.String(),
  amount: Type.Integer(),
  /** What the purchase order line ordered (null when the line was added by a receipt). */
  amount_ordered: Nullable(Type.Integer()),
  added_by_receipt: Type.Boolean(),
  location: Nullable(Type.Object({ idlocation: Type.Integer(), name: Type.String() })),
  created_at: Type.String(),
  received_by_iduser: Type.Null(),
  reverted_at: Nullable(Type.String()),
  reverted_by_iduser: Type.Null(),
});
export type ReceiptProductView = Static<typeof ReceiptProduct>;

export const Receipt = Type.Object({
  idreceipt: Type.Integer(),
  idwarehouse: Type.Integer(),
  version: Type.Integer(),
  supplier: Nullable(Type.Object({ idsupplier: Type.Integer(), name: Type.String() })),
  purchaseorder: Nullable(Type.Object({ idpurchaseorder: Type.Integer(), purchaseorderid: Type.String() })),
  receiptid: Type.String(),
  status: ReceiptStatus,
  completed_by: Type.Null(),
  amount_received: Type.Integer(),
  completed_at: Nullable(Type.String()),
  created: Type.String(),
  updated: Type.String(),
  products: Type.Array(ReceiptProduct),
});
export type ReceiptView = Static<typeof Receipt>;

export const ReceiptCreate = Type.Object({
  idpurchaseorder: Type.Optional(Nullable(Id)),
  idsupplier: Type.Optional(Nullable(Id)),
  idwarehouse: Type.Optional(Nullable(Id)),
  version: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 })),
});
export type ReceiptCreate = Static<typeof ReceiptCreate>;

export const ReceiptUpdate = Type.Object({ status: Type.Optional(ReceiptStatus) });
export type ReceiptUpdate = Static<typeof ReceiptUpdate>;

export const ReceiveProduct = Type.Object({
  idproduct: Id,
  amount: PositiveAmount,
  idlocation: Type.Optional(Nullable(Id)),
  idpurchaseorder_product: Type.Optional(Nullable(Id)),
});
export type ReceiveProduct = Static<typeof ReceiveProduct>;

export const ReceiptQuery = Type.Object({
  status: Type.Optional(ReceiptStatus),
  idpurchaseorder: Type.Optional(Id),
  idsupplier: Type.Optional(Id),
  updated_after: Type.Optional(DateTimeString),
  offset: Type.Optional(Offset),
  receiptid: Type.Optional(Type.String({ maxLength: 64, description: 'The receipt number, exactly' })),
  completed_after: Type.Optional(DateTimeString),
  search: Type.Optional(
    Type.String({
      maxLength: 255,
      description: "Text in the receipt's number, its supplier's name or purchase order number",
    }),
  ),
});
export type ReceiptQuery = Static<typeof ReceiptQuery>;

/** An open purchase order line the receipt expects. */
export const ExpectedProduct = Type.Object({
  idproduct: Type.Integer(),
  productcode: Type.String(),
  name: Type.String(),
  idpurchaseorder: Type.Integer(),
  purchaseorderid: Type.String(),
  idpurchaseorder_product: Type.Integer(),
  amount_ordered: Type.Integer(),
  amount_received: Type.Integer(),
  amount_expected: Type.Integer(),
  delivery_date: Nullable(Type.String()),
});
export type ExpectedProductView = Static<typeof ExpectedProduct>;
