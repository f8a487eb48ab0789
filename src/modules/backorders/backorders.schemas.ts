import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { BACKORDER_STATUSES, PRIORITY_LEVELS } from '../../domain/backorder-lifecycle.ts';
import { Id, Nullable, Offset, PositiveAmount, SinceId } from '../../http/schemas.ts';

/** Shapes of backorders: Picqer's (seed 000) and the lifecycle of seed 002 (docs/adr/0010). */

const DateOrNull = Nullable(Type.String({ description: 'YYYY-MM-DD' }));
const MetadataValue = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

const fields = {
  idbackorder: Type.Integer(),
  idorder: Type.Integer(),
  idorder_product: Type.Integer(),
  idproduct: Type.Integer(),
  idcustomer: Nullable(Type.Integer()),
  idwarehouse: Type.Integer(),
  amount: Type.Integer(),
  amount_available: Type.Integer({ description: 'Units in stock and reserved for this backorder' }),
  priority: Type.Integer({ description: 'Lower numbers get stock first (within the priority_level)' }),
  status: Type.Union(
    BACKORDER_STATUSES.map((s) => Type.Literal(s)),
    {
      description:
        'Stockroom extension: pending, confirmed, in-production, in-transit (waiting for stock), ' +
        'processed (on a picklist, not shipped), fulfilled (shipped), cancelled',
    },
  ),
  has_parts: Type.Boolean(),
  part_of_idbackorder: Nullable(Type.Integer()),
  parts_per_parent: Nullable(Type.Integer()),
  created_at: Type.String(),
  price: Type.Integer({ description: 'Price per unit locked at creation from the order line, in cents' }),
  priority_level: Type.Union(
    PRIORITY_LEVELS.map((l) => Type.Literal(l)),
    { description: 'rush before expedited before standard, then priority' },
  ),
  estimated_ship_date: DateOrNull,
  estimated_delivery_date: DateOrNull,
  actual_ship_date: DateOrNull,
  actual_delivery_date: DateOrNull,
  idpurchaseorder: Nullable(Type.Integer({ description: 'The purchase order that replenishes it' })),
  idpicklist: Nullable(Type.Integer({ description: 'The picklist it was processed into' })),
  cancelled_at: Nullable(Type.String()),
  metadata: Type.Record(Type.String(), MetadataValue),
  updated_at: Type.String(),
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
  sinceid: Type.Optional(SinceId),
  sincedate: Type.Optional(Type.String({ maxLength: 32 })),
  /** Stockroom extension: default the waiting ones. */
  status: Type.Optional(Type.Union(BACKORDER_STATUSES.map((s) => Type.Literal(s)))),
  idwarehouse: Type.Optional(Id),
  search: Type.Optional(
    Type.String({
      maxLength: 255,
      description: "Text in the product's code or name, or the order's number or reference",
    }),
  ),
});
export type BackorderQuery = Static<typeof BackorderQuery>;

/**
 * Null first: Ajv coerces types (coerceTypes), and tried first a string branch would turn null
 * into "" and an integer branch into 0.
 */
const NullOr = <T extends TSchema>(t: T) => Type.Union([Type.Null(), t]);

/** Checked by the domain, so that a wrong value gets a message that says what is allowed. */
const Level = Type.String({ maxLength: 32, description: 'rush, expedited or standard' });
const Metadata = Type.Unknown({
  description:
    'Object of at most 50 keys (1-40 characters) with strings (max 500), numbers, booleans or null',
});

export const BackorderCreate = Type.Object({
  idorder_product: Id,
  amount: Type.Optional(PositiveAmount),
  idwarehouse: Type.Optional(Id),
  priority_level: Type.Optional(Level),
  metadata: Type.Optional(Metadata),
});
export type BackorderCreate = Static<typeof BackorderCreate>;

export const BackorderUpdate = Type.Object({
  amount: Type.Optional(PositiveAmount),
  priority: Type.Optional(Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000 })),
  priority_level: Type.Optional(Level),
  status: Type.Optional(Type.String({ maxLength: 32, description: 'in-production or in-transit' })),
  idpurchaseorder: Type.Optional(NullOr(Id)),
  metadata: Type.Optional(Metadata),
  actual_delivery_date: Type.Optional(NullOr(Type.String({ maxLength: 32 }))),
  /** Refused with a pointer to update-estimate. */
  estimated_ship_date: Type.Optional(Type.Unknown()),
  estimated_delivery_date: Type.Optional(Type.Unknown()),
});
export type BackorderUpdate = Static<typeof BackorderUpdate>;

export const EstimateUpdate = Type.Object({
  estimated_ship_date: Type.Optional(NullOr(Type.String({ maxLength: 32 }))),
  estimated_delivery_date: Type.Optional(NullOr(Type.String({ maxLength: 32 }))),
});

export const CustomerNotification = Type.Object({
  message: Type.Optional(
    Nullable(Type.String({ maxLength: 2000, description: 'A note added to the e-mail' })),
  ),
});
