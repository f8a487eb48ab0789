import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DatabaseHandle } from '../db/connection.ts';
import { DomainError, invalid } from '../domain/errors.ts';
import { formatDateTime, type Clock } from '../domain/time.ts';
import * as repo from '../modules/idempotency/idempotency.repository.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey: string | undefined;
  }
}

/** How long a key is remembered. */
const RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Idempotent writes (beyond Picqer): a POST, PUT or DELETE with an `Idempotency-Key` header is carried
 * out once per account and key; a retry with the same key and the same request gets the stored answer
 * (header `Idempotent-Replayed: true`), with another request a 409. The key is claimed before the
 * handler runs, so two concurrent requests with one key never both run: the second gets a 409 until
 * the first has answered. A 5xx releases the key so the client may retry.
 */
export function registerIdempotency(app: FastifyInstance, handle: DatabaseHandle, clock: Clock): void {
  app.decorateRequest('idempotencyKey', undefined);
  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (key === undefined || request.method === 'GET' || request.method === 'HEAD') return;
    if (typeof key !== 'string' || key.length === 0 || key.length > 255)
      throw invalid('Idempotency-Key must be a string of 1 to 255 characters');
    const path = request.url;
    const hash = createHash('sha256')
      .update(`${request.method} ${path}\n${JSON.stringify(request.body ?? {})}`)
      .digest('hex');
    const now = clock();
    const row = {
      idaccount: request.idaccount,
      idempotency_key: key,
      method: request.method,
      path,
      request_hash: hash,
    };
    if (await repo.claim(handle.db, { ...row, created_at: formatDateTime(now) })) {
      request.idempotencyKey = key;
      return;
    }
    const stored = await repo.find(handle.db, request.idaccount, key);
    if (!stored) throw new DomainError('busy', 'The idempotency key was released by a failed request; retry');
    if (stored.created_at < formatDateTime(new Date(now.getTime() - RETENTION_MS))) {
      // Expired: forget it and treat this as a new request.
      await repo.release(handle.db, request.idaccount, key);
      if (await repo.claim(handle.db, { ...row, created_at: formatDateTime(now) })) {
        request.idempotencyKey = key;
        return;
      }
      throw new DomainError('idempotency_mismatch', 'A request with this Idempotency-Key is in progress');
    }
    if (stored.request_hash !== hash)
      throw new DomainError(
        'idempotency_mismatch',
        'This Idempotency-Key was used for a different request; use a new key for a new request',
      );
    if (stored.status_code === 0)
      throw new DomainError(
        'idempotency_mismatch',
        'A request with this Idempotency-Key is still in progress; retry later',
      );
    reply.header('idempotent-replayed', 'true').header('content-type', 'application/json; charset=utf-8');
    return reply
      .status(stored.status_code)
      .send(stored.response_body === '' ? undefined : stored.response_body);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (key === undefined) return payload;
    request.idempotencyKey = undefined;
    if (reply.statusCode >= 500) await repo.release(handle.db, request.idaccount, key);
    else
      await repo.complete(
        handle.db,
        request.idaccount,
        key,
        reply.statusCode,
        typeof payload === 'string' ? payload : '',
      );
    return payload;
  });
}
