import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { invalid } from '../domain/errors.ts';
import { normaliseDateTime } from '../domain/time.ts';

/**
 * `search=` of lists: the term, case-insensitive, anywhere in any of the columns. LIKE wildcards in
 * the term are escaped, so `50%` finds "50%" and not everything that starts with 50.
 *
 * @example
 * q.where(() => containsAny(['o.orderid', 'o.reference'], query.search))
 */
export function containsAny(columns: readonly string[], term: string): RawBuilder<SqlBool> {
  const pattern = `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const parts = columns.map(
    (col) => sql<SqlBool>`lower(coalesce(${sql.ref(col)}, '')) like ${pattern} escape '\\'`,
  );
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/** A datetime filter value normalised to text that sorts as the stored ones, or a 400 naming it. */
export function dateTimeParam(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const normalised = normaliseDateTime(value);
  if (!normalised) throw invalid(`${name} "${value}" is not a date: use YYYY-MM-DD HH:MM:SS`);
  return normalised;
}

/**
 * `idproducts=1,2` or `idproducts[]=1&idproducts[]=2` (gathered by http/query-normalize.ts) as ids;
 * a value that is not an id is a 400.
 */
export function idList(name: string, value: string | readonly string[] | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const parts = (typeof value === 'string' ? [value] : value).flatMap((v) => v.split(','));
  const ids = parts.map((p) => p.trim()).filter((p) => p !== '');
  return ids.map((p) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || n < 1 || n > 2147483647)
      throw invalid(
        `${name}: "${p.length > 20 ? `${p.slice(0, 20)}...` : p}" is not an id; give ids as 1,2,3`,
      );
    return n;
  });
}
