import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import Fastify, { type FastifyReply, type FastifyServerOptions } from 'fastify';
import { invalid } from '../domain/errors.ts';
import type { Services } from '../services.ts';
import { registerAuth } from './auth.ts';
import { clientErrorHandler } from './client-errors.ts';
import { errorBody, registerErrorHandler } from './errors.ts';
import { ErrorSchema } from './schemas.ts';
import type { App } from './types.ts';
import { registerIdempotency } from './idempotency.ts';
import { registerQueryNormalize } from './query-normalize.ts';
import { describeOpenApi } from './openapi.ts';
import { apiRoutes } from './routes.ts';
import { registerStrictIntegers } from './strict-integers.ts';
import { createLifecycle, registerLifecycle, type Lifecycle } from './lifecycle.ts';
import { createAuthThrottle, limitsRedis, type LimitsOptions } from './limits.ts';
import { registerMetrics } from './metrics.ts';
import { registerWebApp } from './web-app.ts';

/**
 * PostgreSQL text cannot hold NUL (a 500 there, stored as is on SQLite), so it is refused up front
 * on both engines. Iterative, so that a deeply nested body cannot overflow the stack.
 */
function containsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\0')) return true;
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        if (key.includes('\0')) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

export interface AppOptions {
  services: Services;
  rateLimitPerMinute: number;
  logger?: FastifyServerOptions['logger'];
  /** Answer /health with 503 until this says ready (set by the server after migrations). */
  isReady?: () => boolean;
  /** Phase for GET /ready and the count of running handlers the shutdown waits for (server.ts). */
  lifecycle?: Lifecycle;
  /** Rate-limit counters in Redis (shared by all processes) when redisUrl is set; in memory otherwise. */
  limits?: LimitsOptions;
  /** Failed authentications per client address and minute before 429; unset: not limited. */
  authFailuresPerMinute?: number;
  /** Bearer token GET /metrics asks for (METRICS_TOKEN); unset: /metrics is open. */
  metricsToken?: string | undefined;
}

/**
 * Builds the HTTP application without listening, so tests drive it with inject() and the server
 * entry point adds only listen and shutdown.
 */
export async function buildApp(options: AppOptions): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    clientErrorHandler,
    // The router refuses some URLs before any route or error handler runs (a path segment over
    // maxParamLength, bad percent-encoding); those answer in Picqer's format too.
    frameworkErrors: (err, _request, reply) => {
      const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 400;
      const message =
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'Invalid URL: a path segment is too long; ids are integers'
          : 'Invalid URL: the path is not validly percent-encoded';
      void (reply as FastifyReply).status(status).send(errorBody(5, message));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Query strings and path params arrive as text and are coerced to the schema's numbers and
  // booleans. JSON bodies are never coerced: with coercion `{"change": "5"}` would pass as an integer
  // and `null` for a nullable field would become "" or 0 when the union lists the non-null branch first.
  const bodyAjv = new Ajv({
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: false,
    allErrors: false,
    strict: false,
  });
  const partsAjv = new Ajv({
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: 'array',
    allErrors: false,
    strict: false,
  });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : partsAjv).compile(schema),
  );

  // Picqer's PHP client sends `null` as the body of action endpoints and `[]` on deletes; an empty
  // body with a JSON content type is common too. All of them mean "no parameters".
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '' || text === 'null' || text === '[]') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      const err = new SyntaxError('invalid JSON') as SyntaxError & { statusCode: number };
      err.statusCode = 400;
      done(err, undefined);
    }
  });
  // JSON only: without this Fastify parses text/plain bodies into strings; now they are a 415.
  app.removeContentTypeParser('text/plain');
  // Bodyless requests (no content type) validate as an empty object too.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.body === null) request.body = {};
    if (containsNul(request.body) || containsNul(request.query) || containsNul(request.params))
      throw invalid('Text must not contain the NUL character (\\u0000)');
  });
  registerQueryNormalize(app);

  registerErrorHandler(app);
  registerStrictIntegers(app);
  registerLifecycle(app, options.lifecycle ?? createLifecycle('ready'), options.services.handle);
  app.addSchema(ErrorSchema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Stockroom API',
        version: '1',
        description: 'Inventory and backorder engine with a Picqer-compatible REST API.',
      },
      components: {
        securitySchemes: {
          apikey: { type: 'http', scheme: 'basic' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ apikey: [] }, { bearer: [] }],
    },
    transformObject: (documentObject) =>
      describeOpenApi((documentObject as { openapiObject: never }).openapiObject) as never,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await registerWebApp(app);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerMetrics(app, options.services, options.metricsToken);

  app.get('/health', { schema: { hide: true } }, async (_request, reply) => {
    if (options.isReady && !options.isReady()) return reply.status(503).send({ status: 'starting' });
    return { status: 'ok' };
  });

  await app.register(
    async (api) => {
      const throttle =
        options.authFailuresPerMinute === undefined
          ? undefined
          : createAuthThrottle(api, options.authFailuresPerMinute);
      registerAuth(api, (key) => options.services.accounts.resolveKey(key), throttle);
      const redis = options.limits?.redisUrl ? limitsRedis(app, options.limits.redisUrl) : undefined;
      await api.register(rateLimit, {
        max: options.rateLimitPerMinute,
        timeWindow: 60_000,
        hook: 'preParsing',
        keyGenerator: (request) => request.apikey,
        ...(redis && { redis, nameSpace: options.limits?.redisPrefix ?? 'stockroom:rate-limit:' }),
        skipOnError: true,
      });
      registerIdempotency(api, options.services.handle, options.services.clock);
      await apiRoutes(api, options.services);
      // Inside this context so that unknown API paths are authenticated before they are a 404.
      api.setNotFoundHandler((request, reply) => {
        reply.status(404).send(errorBody(20, `No route for ${request.method} ${request.url.split('?')[0]}`));
      });
    },
    { prefix: '/api/v1' },
  );
  return app;
}
