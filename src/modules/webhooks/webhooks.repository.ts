import { sql, type Selectable } from 'kysely';
import type { Engine } from '../../db/engine.ts';
import type { HooksTable } from '../../db/schema.ts';
import type { Db } from '../../db/transaction.ts';

export type HookRow = Selectable<HooksTable>;

export interface NewHook {
  idaccount: number;
  name: string;
  event: string;
  address: string;
  secret: string | null;
  created: string;
}

export async function insertHook(db: Db, hook: NewHook): Promise<number> {
  const row = await db
    .insertInto('hooks')
    .values({ ...hook, active: 1, deleted: 0, updated: hook.created })
    .returning('idhook')
    .executeTakeFirstOrThrow();
  return row.idhook;
}

/** The hook, deleted or not (deliveries of deleted hooks keep their history). */
export function findHook(db: Db, idaccount: number, idhook: number): Promise<HookRow | undefined> {
  return db
    .selectFrom('hooks')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idhook', '=', idhook)
    .executeTakeFirst();
}

/**
 * Locks the hook for a change of its state. FOR NO KEY UPDATE on PostgreSQL: it does not conflict
 * with the key-share lock that queueing a delivery (its foreign key) takes, so writes that emit
 * events never wait for webhook bookkeeping.
 */
export function lockHook(db: Db, engine: Engine, idaccount: number, idhook: number) {
  const q = db
    .selectFrom('hooks')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idhook', '=', idhook);
  return (engine === 'postgres' ? q.forNoKeyUpdate() : q).executeTakeFirst();
}

export function listHooks(db: Db, idaccount: number, page: { offset: number; limit: number }) {
  return db
    .selectFrom('hooks')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('deleted', '=', 0)
    .orderBy('idhook')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
}

export async function setHookState(
  db: Db,
  idaccount: number,
  idhook: number,
  state: { active: 0 | 1; deleted?: 1; updated: string },
): Promise<void> {
  await db
    .updateTable('hooks')
    .set(state)
    .where('idaccount', '=', idaccount)
    .where('idhook', '=', idhook)
    .execute();
}

/** Pending deliveries of a hook that went inactive are skipped, not sent later. */
export async function skipPending(db: Db, idaccount: number, idhook: number, now: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'skipped', updated_at: now })
    .where('idaccount', '=', idaccount)
    .where('idhook', '=', idhook)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * Fan-out: one pending delivery per active hook of the account subscribed to the event, as one
 * INSERT ... SELECT that the events module runs with the events' own insert (same statement on
 * PostgreSQL), inside their transaction, for every event the transaction emitted at once.
 * `newEvents` is a relation of the new events: (idaccount, idevent, event, now).
 */
export const queueDeliveriesSql = (newEvents: string): string =>
  `insert into webhook_deliveries
     (idaccount, idhook, idevent, status, attempts, next_attempt_at, created_at, updated_at)
   select e.idaccount, h.idhook, e.idevent, 'pending', 0, e.now, e.now, e.now
   from ${newEvents} e
   join hooks h on h.idaccount = e.idaccount and h.event = e.event
   where h.active = 1 and h.deleted = 0`;

export interface ClaimedDelivery {
  idaccount: number;
  iddelivery: number;
  idhook: number;
  idevent: number;
  attempts: number;
}

/**
 * Claims up to `limit` due deliveries for one worker by setting a lease on them, in one statement.
 * On PostgreSQL the candidates are locked with SKIP LOCKED, so concurrent workers each take
 * different rows without waiting; on SQLite the statement holds the database's write lock. A claimed
 * row is not claimed again until its lease passes.
 */
export async function claimDue(
  db: Db,
  engine: Engine,
  c: { now: string; leaseUntil: string; workerId: string; limit: number; idaccounts?: readonly number[] },
): Promise<ClaimedDelivery[]> {
  const skipLocked = engine === 'postgres' ? sql`for update skip locked` : sql``;
  const onlyAccounts = c.idaccounts
    ? sql`and idaccount in (${sql.join(c.idaccounts.length ? c.idaccounts : [-1])})`
    : sql``;
  const result = await sql<ClaimedDelivery>`
    update webhook_deliveries
    set locked_until = ${c.leaseUntil}, locked_by = ${c.workerId}
    where (idaccount, iddelivery) in (
      select idaccount, iddelivery from webhook_deliveries
      where status = 'pending' and next_attempt_at <= ${c.now}
        and (locked_until is null or locked_until < ${c.now})
        ${onlyAccounts}
      order by next_attempt_at, iddelivery
      limit ${c.limit}
      ${skipLocked}
    )
    returning idaccount, iddelivery, idhook, idevent, attempts`.execute(db);
  return result.rows;
}

/** Extends this worker's lease; the ids it still holds. */
export async function renewLease(
  db: Db,
  keys: { idaccount: number; iddelivery: number },
  workerId: string,
  leaseUntil: string,
): Promise<boolean> {
  const r = await db
    .updateTable('webhook_deliveries')
    .set({ locked_until: leaseUntil })
    .where('idaccount', '=', keys.idaccount)
    .where('iddelivery', '=', keys.iddelivery)
    .where('locked_by', '=', workerId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** What a delivery sends: its hook and its event. */
export function deliveryContext(db: Db, idaccount: number, iddelivery: number) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('hooks as h', (j) =>
      j.onRef('h.idaccount', '=', 'd.idaccount').onRef('h.idhook', '=', 'd.idhook'),
    )
    .innerJoin('events as e', (j) =>
      j.onRef('e.idaccount', '=', 'd.idaccount').onRef('e.idevent', '=', 'd.idevent'),
    )
    .select([
      'h.name',
      'h.address',
      'h.secret',
      'h.active',
      'h.deleted',
      'e.event',
      'e.data',
      'e.created_at as event_triggered_at',
    ])
    .where('d.idaccount', '=', idaccount)
    .where('d.iddelivery', '=', iddelivery)
    .executeTakeFirst();
}

export interface NewAttempt {
  idaccount: number;
  iddelivery: number;
  idhook: number;
  attempted_at: string;
  status_code: number | null;
  response_body: string | null;
  error: string | null;
  duration_ms: number;
  success: 0 | 1;
}

export async function insertAttempt(db: Db, attempt: NewAttempt): Promise<void> {
  await db.insertInto('webhook_attempts').values(attempt).execute();
}

type DeliveryKey = { idaccount: number; iddelivery: number };

/**
 * Ends this worker's claim with an outcome. Only the worker holding the lease writes: a worker whose
 * lease ran out (and whose delivery another worker took over) changes nothing. Returns whether the
 * row was written.
 */
export async function finishDelivery(
  db: Db,
  key: DeliveryKey,
  workerId: string,
  outcome:
    | { status: 'delivered' | 'failed' | 'skipped'; attempted: boolean; now: string }
    | { status: 'pending'; attempted: true; now: string; nextAttemptAt: string },
): Promise<boolean> {
  let q = db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: outcome.status,
      attempts: outcome.attempted ? eb('attempts', '+', 1) : eb.ref('attempts'),
      locked_until: null,
      locked_by: null,
      updated_at: outcome.now,
      ...(outcome.status === 'pending' ? { next_attempt_at: outcome.nextAttemptAt } : {}),
    }))
    .where('idaccount', '=', key.idaccount)
    .where('iddelivery', '=', key.iddelivery)
    .where('locked_by', '=', workerId);
  // A delivery skipped meanwhile (hook deleted or deactivated) stays skipped unless it did arrive.
  if (outcome.status !== 'delivered') q = q.where('status', '=', 'pending');
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Deliveries of the hook given up on since `since`: the count that deactivates a hook. */
export async function countFailedSince(db: Db, idaccount: number, idhook: number, since: string) {
  const row = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('idaccount', '=', idaccount)
    .where('idhook', '=', idhook)
    .where('status', '=', 'failed')
    .where('updated_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function listDeliveries(
  db: Db,
  idaccount: number,
  idhook: number,
  filter: { status?: string; offset: number; limit: number },
) {
  let q = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as e', (j) =>
      j.onRef('e.idaccount', '=', 'd.idaccount').onRef('e.idevent', '=', 'd.idevent'),
    )
    .select([
      'd.iddelivery',
      'd.idhook',
      'd.idevent',
      'e.event',
      'e.created_at as event_triggered_at',
      'd.status',
      'd.attempts',
      'd.next_attempt_at',
      'd.created_at',
      'd.updated_at',
    ])
    .where('d.idaccount', '=', idaccount)
    .where('d.idhook', '=', idhook);
  if (filter.status !== undefined) q = q.where('d.status', '=', filter.status);
  return q.orderBy('d.idevent', 'desc').offset(filter.offset).limit(filter.limit).execute();
}

export function attemptsOf(db: Db, idaccount: number, iddeliveries: number[]) {
  if (iddeliveries.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('iddelivery', 'in', iddeliveries)
    .orderBy('idattempt')
    .execute();
}
