import type { Kysely, SelectQueryBuilder, Transaction } from 'kysely';
import type { DatabaseHandle } from './connection.ts';
import type { Engine } from './engine.ts';
import { inRequestScope } from './request-scope.ts';
import type { Database } from './schema.ts';

export type Trx = Transaction<Database>;
/** A database handle usable for reads: the pool, or a transaction. */
export type Db = Kysely<Database>;

/**
 * Counts of this process since it started, readable by metrics: transactions begun (each attempt),
 * attempts retried, and of those the deadlocks.
 */
export const transactionStats = { transactions: 0, retries: 0, deadlocks: 0, reruns: 0 };

/**
 * Thrown by a use case that locked its footprint and then found, under the locks, that it had
 * grown meanwhile (a purchase order line added between reading the lines and locking the order):
 * the locks it would still need come later in the global order than what it holds, so instead of
 * taking them out of order the transaction rolls back and runs again, reading the new footprint
 * first. Not a deadlock: counted and reported apart (transactionStats.reruns).
 */
export class FootprintChanged extends Error {
  constructor(what: string) {
    super(`footprint changed: ${what}`);
  }
}

/** Where retries are reported: the server sets its logger (warn); unset, they go to stderr. */
export interface RetryReport {
  code: string;
  attempt: number;
  /** PostgreSQL's own account of the conflict (for a deadlock: which process waited on which lock). */
  detail: string | undefined;
  message: string;
}
let reportRetry: (r: RetryReport) => void = (r) =>
  process.stderr.write(`transaction retried: ${JSON.stringify(r)}\n`);

/** Sends every retried transaction to `report` (the server passes its logger's warn). */
export function onTransactionRetry(report: (r: RetryReport) => void): void {
  reportRetry = report;
}

/** PostgreSQL errors worth a retry: serialization failure and deadlock (both roll back the whole transaction). */
const RETRYABLE = new Set(['40001', '40P01']);
/** Bounded: under heavy contention some use cases still meet in a deadlock (see the closing note of session 1). */
const MAX_ATTEMPTS = 10;

/**
 * Runs fn in one transaction and commits, or rolls back on any throw. On PostgreSQL a deadlock or
 * serialization failure is retried a few times with jittered backoff (our fixed lock order makes
 * deadlocks rare, but unique-index inserts can still collide). On SQLite the write lock is taken at
 * BEGIN IMMEDIATE, so transactions are serial and never deadlock.
 */
export async function withTransaction<T>(handle: DatabaseHandle, fn: (trx: Trx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    transactionStats.transactions++;
    try {
      return await handle.db.transaction().execute(async (trx) => {
        deferred.set(trx, { work: new Map(), last: new Map(), state: new Map() });
        // The request's Idempotency-Key is claimed and recorded in this transaction (ADR 0013).
        const result = await inRequestScope(trx, fn);
        await runDeferred(trx);
        return result;
      });
    } catch (err) {
      if (err instanceof FootprintChanged && attempt < MAX_ATTEMPTS) {
        transactionStats.reruns++;
        continue;
      }
      const code = (err as { code?: unknown }).code;
      if (
        handle.engine !== 'postgres' ||
        typeof code !== 'string' ||
        !RETRYABLE.has(code) ||
        attempt >= MAX_ATTEMPTS
      )
        throw err;
      transactionStats.retries++;
      if (code === '40P01') transactionStats.deadlocks++;
      const e = err as { detail?: string; message?: string };
      reportRetry({ code, attempt, detail: e.detail, message: e.message ?? String(err) });
      await new Promise((r) => setTimeout(r, 10 * 2 ** Math.min(attempt, 6) * Math.random()));
    }
  }
}

/**
 * The unit of work of one transaction opened by withTransaction: what its use case keeps until the
 * commit (the rows it has locked as they are now, the events it owes, the queues it marked: each
 * module's slot, see unitState) and the work deferred to just before the commit (beforeCommit;
 * `last` runs after the rest). Keyed by the transaction object: a retried transaction is a new
 * object and starts empty; nothing outlives the transaction.
 */
interface UnitOfWork {
  work: Map<string, (trx: Trx) => Promise<void>>;
  last: Map<string, (trx: Trx) => Promise<void>>;
  state: Map<UnitSlot<unknown>, unknown>;
}
const deferred = new WeakMap<Trx, UnitOfWork>();

/** A module's place in every unit of work (one per module, made once with unitSlot). */
export interface UnitSlot<T> {
  readonly name: string;
  readonly init: () => T;
}

export const unitSlot = <T>(name: string, init: () => T): UnitSlot<T> => ({ name, init });

/**
 * A module's state in the transaction's unit of work, made on first use. Only for transactions
 * opened by withTransaction: on the pool, state would outlive the commit and go stale.
 */
export function unitState<T>(trx: Trx, slot: UnitSlot<T>): T {
  const unit = deferred.get(trx);
  if (!unit) throw new Error(`${slot.name}: needs a transaction opened by withTransaction`);
  if (!unit.state.has(slot)) unit.state.set(slot, slot.init());
  return unit.state.get(slot) as T;
}

/** The module's state if this db is a transaction that has made it, else undefined (for reads). */
export function unitStateIfAny<T>(db: Db, slot: UnitSlot<T>): T | undefined {
  return deferred.get(db as Trx)?.state.get(slot) as T | undefined;
}

/**
 * Runs `fn` once at the end of the transaction, after the use case and before the commit, inside
 * the transaction: for work that must see everything the use case changed, however many times it
 * asked for it (e.g. refreshing the estimates of a backorder queue the use case touched in several
 * steps). A key already waiting keeps its first fn; work deferred while deferred work runs (even
 * under a key that ran already) runs too. `last`: after all other deferred work (the events outbox
 * writes what everything else emitted in one statement). Only for transactions opened by
 * withTransaction.
 *
 * @example
 * beforeCommit(trx, `estimates:${idproduct}:${idwarehouse}`, (trx) => refresh(trx, idproduct, idwarehouse));
 */
export function beforeCommit(
  trx: Trx,
  key: string,
  fn: (trx: Trx) => Promise<void>,
  options: { last?: boolean } = {},
): void {
  const d = deferred.get(trx);
  if (!d) throw new Error('beforeCommit needs a transaction opened by withTransaction');
  const work = options.last ? d.last : d.work;
  if (!work.has(key)) work.set(key, fn);
}

/** Whether trx was opened by withTransaction (so beforeCommit may be used on it). */
export function defersWork(trx: Trx): boolean {
  return deferred.has(trx);
}

async function runDeferred(trx: Trx): Promise<void> {
  const { work, last } = deferred.get(trx)!;
  for (;;) {
    const queue = work.size > 0 ? work : last;
    const next = queue.entries().next();
    if (next.done) return;
    const [key, fn] = next.value;
    queue.delete(key);
    await fn(trx);
  }
}

/**
 * Adds FOR NO KEY UPDATE on PostgreSQL: the row lock of every use case that writes a row it has
 * locked. It excludes other writers and FOR SHARE (a product checked by a stock change) like FOR
 * UPDATE does, but not FOR KEY SHARE, the lock PostgreSQL's foreign-key checks take on the rows an
 * inserted or updated row points at: with FOR UPDATE, a transaction inserting a backorder (or
 * updating one it wrote before, which re-checks its keys) waits on the order and level rows that
 * another transaction holds, against our lock order, and deadlocks (ADR 0003). FOR UPDATE stays
 * for rows about to be deleted. On SQLite the transaction already holds the database's single
 * write lock (BEGIN IMMEDIATE), which is stronger than any row lock.
 */
export function forNoKeyUpdate<DB, TB extends keyof DB, O>(
  engine: Engine,
  qb: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return engine === 'postgres' ? qb.forNoKeyUpdate() : qb;
}
