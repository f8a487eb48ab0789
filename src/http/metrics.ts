import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createMetrics } from '../modules/ops/ops.metrics.ts';
import type { Services } from '../services.ts';
import { keyFromAuthorization } from './auth.ts';
import { errorBody } from './errors.ts';

const sameToken = (given: string, token: string): boolean => {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b);
};

/**
 * GET /metrics in Prometheus' text format, outside the API's auth and rate limit. With a token
 * (METRICS_TOKEN) it answers only `Authorization: Bearer <token>`; without one it is open, for a
 * port that only the monitoring network reaches. Every request of the app is counted and timed by
 * its route template (never the raw URL: ids would make a series per resource).
 */
export function registerMetrics(app: FastifyInstance, services: Services, token: string | undefined): void {
  const metrics = createMetrics(services.handle, services.clock);
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (token !== undefined) {
      const given = keyFromAuthorization(request.headers.authorization);
      if (given === undefined || !sameToken(given, token))
        return reply
          .status(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send(errorBody(3, 'Metrics need Authorization: Bearer <METRICS_TOKEN>'));
    }
    const text = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(text);
  });
}
