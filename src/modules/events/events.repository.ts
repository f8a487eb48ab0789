import { sql, type Expression, type OperationNodeSource, type RawBuilder } from 'kysely';
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

/** A statement that writes with an event (an INSERT ... SELECT, no RETURNING). */
export type FanOutStatement = OperationNodeSource & { execute(): Promise<unknown> };

/** The fan-out of one event, given the new event's id as an SQL expression. */
export type FanOut = (idevent: Expression<number>) => FanOutStatement;

/**
 * Inserts an event and runs its fan-out. On PostgreSQL both are one statement (a data-modifying
 * WITH), so an event costs one round trip; SQLite runs the two statements in-process.
 */
export async function insertEvent(db: Db, engine: Engine, event: NewEvent, fanOut?: FanOut): Promise<number> {
  if (fanOut && engine === 'postgres') {
    const row = await db
      .with('e', (qc) => qc.insertInto('events').values(event).returning('idevent'))
      // A CTE may be any statement; Kysely types it as a query with an output, hence the cast.
      .with('d', () => fanOut(sql<number>`(select idevent from e)`) as never)
      .selectFrom('e')
      .select('idevent')
      .executeTakeFirstOrThrow();
    return row.idevent;
  }
  const row = await db.insertInto('events').values(event).returning('idevent').executeTakeFirstOrThrow();
  if (fanOut) await fanOut(sql.val(row.idevent)).execute();
  return row.idevent;
}

/** Events per multi-row INSERT: six parameters each, well below the engines' limits. */
const EVENTS_PER_INSERT = 1000;

/** The fan-out of several events, given a relation of their ids (column idevent). */
export type FanOutMany = (newEvents: RawBuilder<{ idevent: number }>) => FanOutStatement;

/**
 * Inserts several events in one statement and runs their fan-out: one statement on PostgreSQL (the
 * fan-out reads the ids the insert returns), two on SQLite. Answers the ids by resource_id (unique
 * among the events given), as neither engine promises an order for RETURNING rows.
 */
export async function insertEvents(
  db: Db,
  engine: Engine,
  events: readonly NewEvent[],
  fanOut?: FanOutMany,
): Promise<Map<number, number>> {
  const ids = new Map<number, number>();
  for (let i = 0; i < events.length; i += EVENTS_PER_INSERT) {
    const chunk = events.slice(i, i + EVENTS_PER_INSERT);
    let rows: { idevent: number; resource_id: number }[];
    if (fanOut && engine === 'postgres') {
      rows = await db
        .with('e', (qc) => qc.insertInto('events').values(chunk).returning(['idevent', 'resource_id']))
        .with('d', () => fanOut(sql<{ idevent: number }>`(select idevent from e)`) as never)
        .selectFrom('e')
        .select(['idevent', 'resource_id'])
        .execute();
    } else {
      rows = await db.insertInto('events').values(chunk).returning(['idevent', 'resource_id']).execute();
      if (fanOut)
        await fanOut(
          sql<{ idevent: number }>`(select idevent from events where idaccount = ${chunk[0]!.idaccount}
            and idevent in (${sql.join(rows.map((r) => r.idevent))}))`,
        ).execute();
    }
    for (const r of rows) ids.set(r.resource_id, r.idevent);
  }
  return ids;
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
