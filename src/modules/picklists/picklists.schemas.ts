import { Type } from '@sinclair/typebox';
import { Id, Nullable, Offset, SinceId } from '../../http/schemas.ts';

/** Shapes of picklists (reference/picqer-api.md 7). */

export const PICKLIST_STATUSES = ['new', 'paused', 'closed', 'snoozed', 'cancelled'] as const;

export const Picklist = Type.Object({
  idpicklist: Type.Integer(),
  picklistid: Type.String(),
  idorder: Type.Integer(),
  idcustomer: Nullable(Type.Integer()),
  idwarehouse: Type.Integer(),
  status: Type.String(),
  totalproducts: Type.Integer(),
  totalpicked: Type.Integer(),
  closed_at: Nullable(Type.String()),
  created: Type.String(),
  updated: Type.String(),
  products: Type.Array(
    Type.Object({
      idpicklist_product: Type.Integer(),
      idproduct: Type.Integer(),
      idorder_product: Nullable(Type.Integer()),
      productcode: Type.String(),
      name: Type.String(),
      price: Type.Number(),
      amount: Type.Integer(),
      amount_picked: Type.Integer(),
      has_parts: Type.Boolean(),
      partof_idpicklist_product: Nullable(Type.Integer()),
      pick_locations: Type.Array(
        Type.Object({
          idlocation: Nullable(Type.Integer()),
          name: Nullable(Type.String()),
          amount: Type.Integer(),
        }),
      ),
    }),
  ),
});

export const PicklistQuery = Type.Object({
  offset: Type.Optional(Offset),
  idorder: Type.Optional(Id),
  idwarehouse: Type.Optional(Id),
  sinceid: Type.Optional(SinceId),
  status: Type.Optional(Type.Union(PICKLIST_STATUSES.map((s) => Type.Literal(s)))),
  picklistid: Type.Optional(Type.String({ maxLength: 64, description: 'The picklist number, exactly' })),
  assigned_to_iduser: Type.Optional(Id),
  search: Type.Optional(Type.String({ maxLength: 255, description: 'Text in the picklist number' })),
  beforeid: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 2147483647, description: 'Only picklists with a lower idpicklist' }),
  ),
  sincedate: Type.Optional(
    Type.String({ maxLength: 32, description: 'Created after (YYYY-MM-DD HH:MM:SS)' }),
  ),
  untildate: Type.Optional(
    Type.String({ maxLength: 32, description: 'Created before (YYYY-MM-DD HH:MM:SS)' }),
  ),
  closed_after: Type.Optional(
    Type.String({ maxLength: 32, description: 'Closed after (YYYY-MM-DD HH:MM:SS)' }),
  ),
  closed_before: Type.Optional(
    Type.String({ maxLength: 32, description: 'Closed before (YYYY-MM-DD HH:MM:SS)' }),
  ),
});

export const PickBody = Type.Object({
  /** An idproduct, or a productcode as a string. */
  product: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1, maximum: 2147483647 }), Type.String({ maxLength: 255 })]),
  ),
  idpicklist_product: Type.Optional(Id),
  /** Default 1. */
  amount: Type.Optional(Type.Number()),
});
