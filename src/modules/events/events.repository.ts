import { CompiledQuery } from 'kysely';
import { prepared } from '../../db/statement.ts';
import type { Engine } from '../../db/engine.ts';
import type { Db } from '../../db/transaction.ts';

export interface NewEvent {
  idaccount: number;
  event: string;
  resource_type: string;
  resource_id: number;
  data: string;
  created_at: string;
}

/**
 * The fan-out of new events (the webhooks module's deliveries): an INSERT ... SELECT reading the
 * events just inserted from `newEvents`, a relation of (idaccount, idevent, event, now).
 */
export type FanOutSql = (newEvents: string) => string;

// The events travel as one JSON parameter, so the statement's text is the same for any number of
// them: prepared once, and one round trip on PostgreSQL however many events a transaction emits.
const PG_INSERT = `insert into events (idaccount, event, resource_type, resource_id, data, created_at)
  select idaccount, event, resource_type, resource_id, data, created_at
  from jsonb_to_recordset($1::jsonb) as x(idaccount integer, event text, resource_type text,
    resource_id integer, data text, created_at text)
  returning idaccount, idevent, event`;
const SQLITE_INSERT = `insert into events (idaccount, event, resource_type, resource_id, data, created_at)
  select value ->> 'idaccount', value ->> 'event', value ->> 'resource_type', value ->> 'resource_id',
    value ->> 'data', value ->> 'created_at'
  from json_each(?)`;

/** The statements that write events, built once per service (when its fan-out is known). */
export interface EventStatements {
  engine: Engine;
  insert: string;
  /** SQLite only: the fan-out, run after the insert on the new events' id range. */
  fanOut?: string;
  /** PostgreSQL: whether `insert` runs the fan-out too (it takes the time as $2). */
  fansOut: boolean;
}

export function eventStatements(engine: Engine, fanOut: FanOutSql | undefined): EventStatements {
  if (engine === 'postgres')
    return {
      engine,
      fansOut: fanOut !== undefined,
      insert: prepared(
        fanOut
          ? `with e as (${PG_INSERT}),
            d as (${fanOut('(select idaccount, idevent, event, $2::text as now from e)')})
          select count(*) as n from e`
          : PG_INSERT,
      ),
    };
  return {
    engine,
    fansOut: fanOut !== undefined,
    insert: SQLITE_INSERT,
    ...(fanOut && {
      fanOut: fanOut(
        '(select idaccount, idevent, event, ? as now from events where idevent between ? and ?)',
      ),
    }),
  };
}

/**
 * Inserts events in the order given and runs their fan-out, whatever their number: one statement
 * on PostgreSQL (a data-modifying WITH), two on SQLite, where the ids of one INSERT are consecutive
 * (AUTOINCREMENT under the database's single write lock) and the fan-out reads them by range.
 */
export async function insertEvents(
  db: Db,
  statements: EventStatements,
  events: readonly NewEvent[],
  now: string,
): Promise<void> {
  if (events.length === 0) return;
  const rows = JSON.stringify(events);
  if (statements.engine === 'postgres') {
    await db.executeQuery(CompiledQuery.raw(statements.insert, statements.fansOut ? [rows, now] : [rows]));
    return;
  }
  const inserted = await db.executeQuery(CompiledQuery.raw(statements.insert, [rows]));
  if (statements.fanOut === undefined) return;
  const last = Number(inserted.insertId);
  await db.executeQuery(CompiledQuery.raw(statements.fanOut, [now, last - events.length + 1, last]));
}

export async function listEvents(
  db: Db,
  idaccount: number,
  filter: { sinceid?: number; event?: string; limit: number },
) {
  let q = db.selectFrom('events').selectAll().where('idaccount', '=', idaccount);
  if (filter.sinceid !== undefined) q = q.where('idevent', '>', filter.sinceid);
  if (filter.event !== undefined) q = q.where('event', '=', filter.event);
  return q.orderBy('idevent').limit(filter.limit).execute();
}

/** The newest event's id of an account (0 when it has none): where a live stream starts. */
export async function latestEventId(db: Db, idaccount: number): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max('idevent').as('idevent'))
    .where('idaccount', '=', idaccount)
    .executeTakeFirst();
  return Number(row?.idevent ?? 0);
}
