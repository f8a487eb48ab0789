import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, Offset } from '../../http/schemas.ts';

/** Shapes of backorders (seed 000). */

export const BACKORDER_STATUSES = [
  'pending',
  'confirmed',
  'in-production',
  'in-transit',
  'processed',
  'fulfilled',
  'cancelled',
] as const;

const fields = {
  idbackorder: Type.Integer(),
  idorder: Type.Integer(),
  idorder_product: Type.Integer(),
  idproduct: Type.Integer(),
  idcustomer: Nullable(Type.Integer()),
  idwarehouse: Type.Integer(),
  amount: Type.Integer(),
  amount_available: Type.Integer({ description: 'Units in stock and reserved for this backorder' }),
  priority: Type.Integer({ description: 'Lower numbers get stock first' }),
  status: Type.String({
    description: 'Stockroom extension: pending (waiting), processed, fulfilled, cancelled, ...',
  }),
  has_parts: Type.Boolean(),
  part_of_idbackorder: Nullable(Type.Integer()),
  parts_per_parent: Nullable(Type.Integer()),
  created_at: Type.String(),
};

/** A backorder in lists: without date_available (seed 000). */
export const Backorder = Type.Object(fields);

/** A single backorder (and those of one order): with the expected date. */
export const BackorderDetail = Type.Object({
  ...fields,
  date_available: Nullable(Type.String()),
  is_purchased: Type.Boolean(),
});

export const BackorderQuery = Type.Object({
  offset: Type.Optional(Offset),
  idorder: Type.Optional(Id),
  idproduct: Type.Optional(Id),
  idcustomer: Type.Optional(Id),
  sinceid: Type.Optional(Type.Integer({ minimum: 0 })),
  sincedate: Type.Optional(Type.String({ maxLength: 32 })),
  /** Stockroom extension: default the waiting ones. */
  status: Type.Optional(Type.Union(BACKORDER_STATUSES.map((s) => Type.Literal(s)))),
});
export type BackorderQuery = Static<typeof BackorderQuery>;
