import { sql } from 'kysely';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { DatabaseHandle } from '../db/connection.ts';

export type Phase = 'starting' | 'ready' | 'draining';

/**
 * Where the process is in its life, for GET /ready and the graceful shutdown: the server sets the
 * phase; the app counts the route handlers running, including those whose client has gone (Fastify's
 * close waits for open connections only, and a handler outlives its aborted connection).
 */
export interface Lifecycle {
  phase: Phase;
  readonly inFlight: number;
  /** Resolves when no route handler runs. */
  idle(): Promise<void>;
}

export function createLifecycle(phase: Phase = 'starting'): Lifecycle {
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const lifecycle = {
    phase,
    get inFlight() {
      return inFlight;
    },
    idle(): Promise<void> {
      if (inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    enter() {
      inFlight++;
    },
    leave() {
      inFlight--;
      if (inFlight === 0) {
        const done = waiters;
        waiters = [];
        for (const resolve of done) resolve();
      }
    },
  };
  return lifecycle;
}

/** How long /ready waits for the database before it says it does not answer. */
const PING_TIMEOUT_MS = 2_000;

async function databaseAnswers(handle: DatabaseHandle): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      sql`select 1`.execute(handle.db).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS))),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /ready: 200 when the process takes traffic (migrated, listening, the database answers), 503
 * while it starts, drains, or cannot reach its database. Also counts the running route handlers.
 * Registered on the root instance before the routes, so its onRoute hook sees all of them.
 */
export function registerLifecycle(app: FastifyInstance, lifecycle: Lifecycle, handle: DatabaseHandle): void {
  const counter = lifecycle as Lifecycle & { enter?: () => void; leave?: () => void };
  app.addHook('onRoute', (route: RouteOptions) => {
    const handler = route.handler;
    if (!counter.enter || !counter.leave) return;
    const { enter, leave } = counter;
    route.handler = function (this: FastifyInstance, request, reply) {
      enter();
      let result: unknown;
      try {
        result = handler.call(this, request, reply);
      } catch (err) {
        leave();
        throw err;
      }
      if (result instanceof Promise) result.then(leave, leave);
      else leave();
      return result;
    };
  });

  // While draining, answers close their connection: a keep-alive connection that was busy when the
  // close began would otherwise stay open for Fastify's keepAliveTimeout (72 s) and hold the close.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (lifecycle.phase === 'draining') reply.header('connection', 'close');
    return payload;
  });

  app.get('/ready', { schema: { hide: true } }, async (_request, reply) => {
    if (lifecycle.phase !== 'ready') return reply.status(503).send({ status: lifecycle.phase });
    if (!(await databaseAnswers(handle))) return reply.status(503).send({ status: 'database unavailable' });
    return { status: 'ready' };
  });
}
