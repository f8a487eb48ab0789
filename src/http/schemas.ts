import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** Shared pieces of route schemas. */

export const ErrorSchema = Type.Object(
  { error: Type.Literal(true), error_code: Type.Integer(), error_message: Type.String() },
  { $id: 'Error', description: "Picqer's error body" },
);

/** Ids in paths: positive integers that fit PostgreSQL's integer. */
export const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
export const idParams = <K extends string>(...names: K[]) =>
  Type.Object(Object.fromEntries(names.map((n) => [n, Id])) as Record<K, typeof Id>);

/** Amounts of stock: integers within a range no warehouse reaches, so sums never overflow. */
export const Amount = Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000 });
export const PositiveAmount = Type.Integer({ minimum: 1, maximum: 1_000_000_000 });
export const Price = Type.Number({ minimum: 0, maximum: 1e12 });

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
export const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
export const DateTimeString = Type.String({ maxLength: 32, description: 'YYYY-MM-DD HH:MM:SS' });
export const Bool01 = Type.Boolean();

/** ?offset= of lists, capped so that every engine binds it as an integer (1e20 would bind as a float). */
export const Offset = Type.Integer({ minimum: 0, maximum: 2147483647 });
/** ?sinceid= of polled lists: an id (or 0 for "from the start"), within the id column's range. */
export const SinceId = Type.Integer({ minimum: 0, maximum: 2147483647 });
export const OffsetQuery = Type.Object({ offset: Type.Optional(Offset) });
export type OffsetQuery = Static<typeof OffsetQuery>;

/** Lists are bare arrays of at most this many items, paged with ?offset=. */
export const PAGE_SIZE = 100;

/** Standard error responses for the OpenAPI document. */
export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  404: ErrorSchema,
  429: ErrorSchema,
};
