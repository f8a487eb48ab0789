import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DatabaseHandle } from '../db/connection.ts';
import { runInRequestScope, type TransactionParticipant } from '../db/request-scope.ts';
import { DomainError, invalid } from '../domain/errors.ts';
import { formatDateTime, type Clock } from '../domain/time.ts';
import * as repo from '../modules/idempotency/idempotency.repository.ts';
import {
  expiredBefore,
  INSTANCE,
  keyParticipant,
  newOwner,
  ownerInstance,
} from '../modules/idempotency/idempotency.service.ts';

interface KeyState {
  row: repo.KeyRow;
  state: { claimed: boolean; conflicted: boolean };
  flight: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: KeyState | undefined;
  }
}

/**
 * A claim of another process without its final answer is taken as still running for this long: the
 * gap between a commit and the stored answer is a serialisation; past it, that process is gone.
 */
const OTHER_PROCESS_GRACE_MS = 5_000;

/** The status a route answers on success: the lowest 2xx of its response schema. */
function successStatus(request: FastifyRequest): number {
  const responses = (request.routeOptions.schema?.response ?? {}) as Record<string, unknown>;
  const codes = Object.keys(responses)
    .map(Number)
    .filter((c) => c >= 200 && c < 300);
  return codes.length > 0 ? Math.min(...codes) : 200;
}

/** The answer to store for a use case's result, for a retry after a crash before the final answer. */
function recoveryOf(request: FastifyRequest, reply: FastifyReply, result: unknown): string {
  const status = successStatus(request);
  if (status === 204 || result === undefined) return JSON.stringify({ status, body: '' });
  try {
    const body = reply.serializeInput(result as Record<string, unknown>, String(status));
    return typeof body === 'string' ? JSON.stringify({ status, body }) : '';
  } catch {
    return ''; // not the route's answer: a retry learns the effect happened, not its answer
  }
}

function replay(reply: FastifyReply, status: number, body: string): void {
  reply.header('idempotent-replayed', 'true').header('content-type', 'application/json; charset=utf-8');
  // A string with a JSON content type is sent as is, not serialized again.
  void reply.status(status).send(body === '' ? undefined : body);
}

/**
 * Idempotent writes (beyond Picqer; ADR 0013): a POST, PUT or DELETE with an `Idempotency-Key`
 * header is carried out once per account and key. The key is claimed inside the use case's own
 * transaction (through the request scope that withTransaction consults), so the claim commits with
 * the effect or not at all: a crash before the commit leaves the key free and the retry runs the
 * effect; after it the key is taken and the retry is answered. That transaction also stores a
 * recovery answer; the final answer is stored over it once the reply is serialised. A retry with
 * the same key and the same request gets the stored answer (header `Idempotent-Replayed: true`),
 * with another request a 409. A concurrent request with the same key waits for the first (on the
 * unique index on PostgreSQL, on the write lock on SQLite) and then gets 409 until it is answered.
 */
export function registerIdempotency(app: FastifyInstance, handle: DatabaseHandle, clock: Clock): void {
  const inFlight = new Set<string>();
  app.decorateRequest('idempotency', undefined);

  async function prepare(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<TransactionParticipant | 'replied'> {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length === 0 || key.length > 255)
      throw invalid('Idempotency-Key must be a string of 1 to 255 characters');
    const path = request.url;
    const hash = createHash('sha256')
      .update(`${request.method} ${path}\n${JSON.stringify(request.body ?? {})}`)
      .digest('hex');
    const now = clock();
    const flight = `${request.idaccount}\n${key}`;
    const stored = await repo.find(handle.db, request.idaccount, key);
    if (stored && stored.created_at >= expiredBefore(now)) {
      if (stored.request_hash !== hash)
        throw new DomainError(
          'idempotency_mismatch',
          'This Idempotency-Key was used for a different request; use a new key for a new request',
        );
      if (stored.status_code > 0) {
        replay(reply, stored.status_code, stored.response_body);
        return 'replied';
      }
      // The effect committed; its final answer is not stored (yet).
      const mine = ownerInstance(stored.owner) === INSTANCE;
      const age = now.getTime() - Date.parse(`${stored.created_at.replace(' ', 'T')}Z`);
      if ((mine && inFlight.has(flight)) || (!mine && age < OTHER_PROCESS_GRACE_MS)) {
        reply.header('retry-after', '1');
        throw new DomainError(
          'idempotency_mismatch',
          'A request with this Idempotency-Key is still in progress; retry later',
        );
      }
      const recovery = stored.response_body === '' ? undefined : parseRecovery(stored.response_body);
      if (!recovery)
        throw new DomainError(
          'idempotency_mismatch',
          'The request with this Idempotency-Key was carried out, but its answer was lost in a crash; read the resource to see the result',
        );
      replay(reply, recovery.status, recovery.body);
      return 'replied';
    }
    if (inFlight.has(flight)) {
      reply.header('retry-after', '1');
      throw new DomainError(
        'idempotency_mismatch',
        'A request with this Idempotency-Key is still in progress; retry later',
      );
    }
    const row: repo.KeyRow = {
      idaccount: request.idaccount,
      idempotency_key: key,
      method: request.method,
      path,
      request_hash: hash,
      created_at: formatDateTime(now),
      owner: newOwner(),
    };
    const participant = keyParticipant(row, now, (result) => recoveryOf(request, reply, result));
    inFlight.add(flight);
    request.idempotency = { row, state: participant.state, flight };
    return participant;
  }

  // Callback style: the handler must run inside the request scope, so `done` is called in it.
  app.addHook('preHandler', (request, reply, done) => {
    if (
      request.headers['idempotency-key'] === undefined ||
      request.method === 'GET' ||
      request.method === 'HEAD'
    )
      return done();
    prepare(request, reply).then(
      (participant) => {
        if (participant === 'replied') return;
        // Every transaction the handler opens claims the key and records its result.
        runInRequestScope(participant, () => done());
      },
      (err: Error) => done(err),
    );
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const keyed = request.idempotency;
    if (keyed === undefined) return payload;
    request.idempotency = undefined;
    try {
      // 5xx: nothing is stored. Either the effect rolled back with the claim (the key stays free) or
      // it committed, and the recovery answer written with it answers the retry.
      if (reply.statusCode >= 500 || keyed.state.conflicted) return payload;
      const body = typeof payload === 'string' ? payload : '';
      const { row } = keyed;
      const stored = await repo.storeAnswer(
        handle.db,
        row.idaccount,
        row.idempotency_key,
        row.owner,
        reply.statusCode,
        body,
      );
      // No committed claim of ours: the request changed nothing (a refusal); remember the answer.
      if (!stored) await repo.insertAnswer(handle.db, row, reply.statusCode, body);
      return payload;
    } finally {
      inFlight.delete(keyed.flight);
    }
  });
}

function parseRecovery(text: string): { status: number; body: string } | undefined {
  try {
    const value = JSON.parse(text) as { status?: unknown; body?: unknown };
    if (typeof value.status === 'number' && typeof value.body === 'string')
      return { status: value.status, body: value.body };
  } catch {
    // not a recovery answer
  }
  return undefined;
}
