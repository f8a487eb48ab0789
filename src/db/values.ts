import { sql, type RawBuilder } from 'kysely';

/**
 * A VALUES list of integer rows, `(values (cast(? as integer), ...), ...)`, to name in a WITH and
 * join in an UPDATE ... FROM: one statement changes many rows, each by its own amounts. The casts
 * type the parameters on PostgreSQL (untyped they would be text). Both engines run
 * `with d(a, b) as (values ...) update t set x = t.x + d.b from d where t.a = d.a` (SQLite 3.33+).
 * The caller keeps each target row to one VALUES row (aggregated deltas), and lists stay short
 * enough for the engines' parameter limits (SQLite 32,766).
 *
 * @example
 * await sql`with d(id, delta) as ${integerValues([[1, 5], [2, -3]])}
 *   update t set n = t.n + d.delta from d where t.id = d.id`.execute(trx);
 */
export function integerValues(rows: readonly (readonly number[])[]): RawBuilder<unknown> {
  // One raw node with a parameter per value (the text of nested sql`cast(${v} as integer)` nodes,
  // without building and compiling thousands of them: a batch's VALUES lists have 6,000 values).
  const fragments = ['(values '];
  const values: number[] = [];
  rows.forEach((row, i) => {
    row.forEach((v, j) => {
      fragments[fragments.length - 1] += `${j > 0 ? ', ' : i > 0 ? ', (' : '('}cast(`;
      fragments.push(' as integer)');
      values.push(v);
    });
    fragments[fragments.length - 1] += ')';
  });
  fragments[fragments.length - 1] += ')';
  return sql(Object.assign(fragments, { raw: fragments }), ...values);
}

/** Rows per multi-row statement: a few columns each stays well below the parameter limits. */
export const ROWS_PER_STATEMENT = 1000;

/** Ids per `in (...)` list: well below the engines' parameter limits (SQLite 32,766). */
export const IDS_PER_STATEMENT = 5000;

/**
 * A read by a list of ids of any length, one statement per IDS_PER_STATEMENT ids, rows in the order
 * of the chunks.
 */
export async function readInChunks<I, R>(
  ids: readonly I[],
  read: (chunk: I[]) => Promise<R[]>,
): Promise<R[]> {
  const rows: R[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT)
    rows.push(...(await read(ids.slice(i, i + IDS_PER_STATEMENT))));
  return rows;
}
