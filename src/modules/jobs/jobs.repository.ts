import { sql } from 'kysely';
import { OPEN_BACKORDER_STATUSES } from '../../domain/backorder-assignment.ts';
import type { Db } from '../../db/transaction.ts';

export async function insertJob(db: Db, idaccount: number, kind: string, now: string): Promise<number> {
  const r = await db
    .insertInto('jobs')
    .values({ idaccount, kind, status: 'queued', progress_done: 0, created_at: now, updated_at: now })
    .returning('idjob')
    .executeTakeFirstOrThrow();
  return r.idjob;
}

export async function markRunning(db: Db, idjob: number, now: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'running', started_at: now, updated_at: now })
    .where('idjob', '=', idjob)
    .execute();
}

export async function setProgress(db: Db, idjob: number, done: number, total: number | null, now: string) {
  await db
    .updateTable('jobs')
    .set({ progress_done: done, progress_total: total, updated_at: now })
    .where('idjob', '=', idjob)
    .execute();
}

export async function finishJob(
  db: Db,
  idjob: number,
  outcome: { status: 'done' | 'failed'; result: string | null; error: string | null },
  now: string,
) {
  await db
    .updateTable('jobs')
    // Done: the progress shows the whole (a last report may not have been written yet).
    .set({
      ...outcome,
      ...(outcome.status === 'done' && {
        progress_done: sql<number>`coalesce(progress_total, progress_done)`,
      }),
      finished_at: now,
      updated_at: now,
    })
    .where('idjob', '=', idjob)
    .execute();
}

export async function findJob(db: Db, idaccount: number, idjob: number) {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idjob', '=', idjob)
    .executeTakeFirst();
}

/** Orders with open backorders holding available stock: how much work a process-all has ahead. */
export async function ordersWithAvailableBackorders(db: Db, idaccount: number): Promise<number> {
  const r = await db
    .selectFrom('backorders')
    .select(sql<number>`count(distinct idorder)`.as('n'))
    .where('idaccount', '=', idaccount)
    .where('status', 'in', [...OPEN_BACKORDER_STATUSES])
    .where('amount_available', '>', 0)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
