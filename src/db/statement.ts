import { CompiledQuery } from 'kysely';
import type { Engine } from './engine.ts';
import type { Db } from './transaction.ts';

/**
 * A statement of a hot path, written once as SQL text with `?` placeholders and run as it is: no
 * query is built per request, and on SQLite the text finds its prepared statement in the
 * StatementCache (src/db/connection.ts). PostgreSQL gets the same text with numbered placeholders.
 * `postgresOnly` parts (row locks) are given as a second text appended on PostgreSQL.
 */
export interface Statement {
  sqlite: string;
  postgres: string;
}

/** `?` placeholders become $1, $2, ... (the texts here hold no `?` elsewhere). */
function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** The PostgreSQL texts of these statements, with the name each is prepared under (see connection.ts). */
export const preparedNames = new Map<string, string>();

/** Registers a PostgreSQL text as a statement prepared once per connection (a constant text). */
export function prepared(postgres: string): string {
  if (!preparedNames.has(postgres)) preparedNames.set(postgres, `stockroom_${preparedNames.size + 1}`);
  return postgres;
}

export function statement(text: string, postgresOnly = ''): Statement {
  return { sqlite: text, postgres: prepared(numbered(postgresOnly ? `${text} ${postgresOnly}` : text)) };
}

/** A statement whose text differs by engine (e.g. rows as one JSON parameter: json_each or jsonb_to_recordset). */
export function statementPerEngine(sqlite: string, postgres: string): Statement {
  return { sqlite, postgres: prepared(numbered(postgres)) };
}

/** Runs a statement in db (a transaction or the pool) and answers its rows. */
export async function run<R>(
  db: Db,
  engine: Engine,
  s: Statement,
  parameters: readonly unknown[],
): Promise<R[]> {
  return (await db.executeQuery<R>(CompiledQuery.raw(s[engine], parameters as unknown[]))).rows;
}
