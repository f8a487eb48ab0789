import { randomBytes } from 'node:crypto';
import type { DatabaseHandle } from '../../db/connection.ts';
import type { TransactionParticipant } from '../../db/request-scope.ts';
import type { Trx } from '../../db/transaction.ts';
import { DomainError } from '../../domain/errors.ts';
import { formatDateTime } from '../../domain/time.ts';
import * as repo from './idempotency.repository.ts';

/** How long a key is remembered (Stripe keeps them 24 hours too). */
export const RETENTION_MS = 24 * 60 * 60 * 1000;

/** This process, in the owner of the keys it claims: a claim of this instance is known to be in flight or not. */
export const INSTANCE = randomBytes(6).toString('hex');
let requests = 0;
export const newOwner = (): string => `${INSTANCE}:${++requests}`;
export const ownerInstance = (owner: string): string => owner.slice(0, owner.indexOf(':'));

export const expiredBefore = (now: Date): string => formatDateTime(new Date(now.getTime() - RETENTION_MS));

/** What a transaction of a keyed request does in addition to its use case (ADR 0013). */
export function keyParticipant(
  row: repo.KeyRow,
  now: Date,
  recoveryOf: (result: unknown) => string,
): TransactionParticipant & { readonly state: { claimed: boolean; conflicted: boolean } } {
  const state = { claimed: false, conflicted: false };
  async function claim(trx: Trx): Promise<boolean> {
    if (await repo.insertClaim(trx, row)) return true;
    if (await repo.takeOverExpired(trx, row, expiredBefore(now))) return true;
    const existing = await repo.find(trx, row.idaccount, row.idempotency_key);
    if (existing?.owner === row.owner) return true; // an earlier transaction of this request
    if (existing) {
      state.conflicted = true;
      throw new DomainError(
        'idempotency_mismatch',
        'A request with this Idempotency-Key is in progress or has just finished; retry to get its answer',
      );
    }
    return false; // purged between the insert and the look-up: try again
  }
  return {
    state,
    async begin(trx: Trx) {
      for (let round = 0; round < 3; round++) {
        if (await claim(trx)) {
          state.claimed = true;
          return;
        }
      }
      throw new DomainError('busy', 'The Idempotency-Key could not be claimed; retry');
    },
    async end(trx: Trx, result: unknown) {
      await repo.recordRecovery(trx, row.idaccount, row.idempotency_key, row.owner, recoveryOf(result));
    },
  };
}

/** Deletes expired keys (a periodic task); returns how many. */
export async function purgeExpiredKeys(handle: DatabaseHandle, now: Date): Promise<number> {
  return repo.deleteOlderThan(handle.db, expiredBefore(now));
}
