import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';

/**
 * Where the rate-limit counters live: Redis when RATE_LIMIT_REDIS_URL is set, so that every process
 * counts against one limit (the store @fastify/rate-limit ships); in memory otherwise. A Redis that
 * does not answer lets requests through (skipOnError) and is logged, rather than failing every call.
 */
export interface LimitsOptions {
  redisUrl?: string | undefined;
  /** Prefix of the Redis keys; tests use one per run. */
  redisPrefix?: string | undefined;
}

/** A Redis client for the limits, closed with the app. */
export function limitsRedis(app: FastifyInstance, url: string): Redis {
  const redis = new Redis(url, {
    // Fail a command fast instead of queueing it while Redis is away (the request goes through).
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
  });
  let warned = false;
  redis.on('error', (err: Error) => {
    if (warned) return;
    warned = true;
    app.log.warn(
      { err: err.message },
      'rate-limit Redis does not answer: requests are not limited meanwhile',
    );
  });
  redis.on('ready', () => {
    warned = false;
  });
  app.addHook('onClose', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  return redis;
}

/** What auth asks of the failed-authentication throttle (per client address). */
export interface AuthThrottle {
  /** Seconds this address must wait before it may try again, or 0. */
  blockedFor(ip: string): number;
  /** Counts a failed attempt; answers the seconds to wait when that was one too many, else 0. */
  failed(request: FastifyRequest): Promise<number>;
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * Failed authentications per client address, counted in the rate limit's store (so shared through
 * Redis by all processes). Once an address has failed `perMinute` times in a minute it is refused
 * with 429 before its key is even looked up, until the window ends: keys cannot be guessed at speed.
 * The block is also remembered in this process, so a blocked address costs no Redis call; another
 * process learns it on the address's next failure there. Valid keys from other addresses are never
 * counted, so one client's failures do not slow another.
 */
export function createAuthThrottle(api: FastifyInstance, perMinute: number): AuthThrottle {
  const blockedUntil = new Map<string, number>();
  let limiter: Limiter | undefined;
  return {
    blockedFor(ip) {
      const until = blockedUntil.get(ip);
      if (until === undefined) return 0;
      const left = until - Date.now();
      if (left <= 0) {
        blockedUntil.delete(ip);
        return 0;
      }
      return Math.ceil(left / 1000);
    },
    async failed(request) {
      // Created on first use: the rate-limit plugin decorates the instance once it is registered.
      limiter ??= api.createRateLimit({
        max: perMinute,
        timeWindow: 60_000,
        keyGenerator: (req: FastifyRequest) => `auth-failures:${req.ip}`,
      });
      const result = await limiter(request);
      if (result.isAllowed || !result.isExceeded) return 0;
      const seconds = Math.max(1, result.ttlInSeconds);
      if (blockedUntil.size > 10_000) blockedUntil.clear(); // bounded memory under a spray of addresses
      blockedUntil.set(request.ip, Date.now() + seconds * 1000);
      return seconds;
    },
  };
}
