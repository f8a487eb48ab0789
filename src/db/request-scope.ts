import { AsyncLocalStorage } from 'node:async_hooks';
import type { Trx } from './transaction.ts';

/**
 * Work a request asks every transaction it opens to do, inside that transaction: `begin` before the
 * use case runs, `end` after it and before the commit. The Idempotency-Key of a write uses it to
 * claim its key and record its result in the same transaction as the effect (ADR 0013).
 */
export interface TransactionParticipant {
  begin(trx: Trx): Promise<void>;
  end(trx: Trx, result: unknown): Promise<void>;
}

export interface RequestScope {
  participant: TransactionParticipant | undefined;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs fn (and everything it starts) in a new request scope; see registerIdempotency. */
export function runInRequestScope<T>(participant: TransactionParticipant, fn: () => T): T {
  return storage.run({ participant }, fn);
}

/** The scope of the request being handled, or undefined outside one (background work, the CLI). */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/**
 * Runs a transaction's use case with the current request's participant around it; without one it is
 * just fn(trx). Called by withTransaction for every attempt, so a retried transaction claims again.
 */
export async function inRequestScope<T>(trx: Trx, fn: (trx: Trx) => Promise<T>): Promise<T> {
  const participant = storage.getStore()?.participant;
  if (!participant) return fn(trx);
  await participant.begin(trx);
  const result = await fn(trx);
  await participant.end(trx, result);
  return result;
}
