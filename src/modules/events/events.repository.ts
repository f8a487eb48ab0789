import type { Db } from '../../db/transaction.ts';

export interface NewEvent {
  idaccount: number;
  event: string;
  resource_type: string;
  resource_id: number;
  data: string;
  created_at: string;
}

export async function insertEvent(db: Db, event: NewEvent): Promise<number> {
  const row = await db.insertInto('events').values(event).returning('idevent').executeTakeFirstOrThrow();
  return row.idevent;
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
