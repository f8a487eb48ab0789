import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.ts';
import type { AuthThrottle } from './limits.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The account of the API key that authenticated this request. */
    idaccount: number;
    /** Hash-free identity of the key, for rate limiting. */
    apikey: string;
  }
}

/** The key from `Basic base64(key:anything)` (Picqer's way) or `Bearer key`. */
export function keyFromAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return undefined;
  if (/^basic$/i.test(scheme ?? '')) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
    return user || undefined;
  }
  if (/^bearer$/i.test(scheme ?? '')) return value.trim() || undefined;
  return undefined;
}

/** Authenticates every request of the encapsulated context it is registered in. */
export function registerAuth(
  app: FastifyInstance,
  resolveKey: (key: string) => Promise<number | undefined>,
  throttle?: AuthThrottle,
): void {
  app.decorateRequest('idaccount', 0);
  app.decorateRequest('apikey', '');
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const key = keyFromAuthorization(request.headers.authorization);
    if (!key) {
      throw new HttpError(
        401,
        3,
        'Authentication required: use HTTP Basic auth with your API key as user name',
        {
          'www-authenticate': 'Basic realm="Stockroom"',
        },
      );
    }
    const tooMany = (seconds: number) =>
      new HttpError(
        429,
        28,
        `Too many failed authentications from this address: retry in ${seconds} s with a valid API key`,
        { 'retry-after': String(seconds) },
      );
    const blocked = throttle?.blockedFor(request.ip) ?? 0;
    if (blocked > 0) throw tooMany(blocked);
    const idaccount = await resolveKey(key);
    if (idaccount === undefined) {
      const wait = (await throttle?.failed(request)) ?? 0;
      if (wait > 0) throw tooMany(wait);
      throw new HttpError(401, 3, 'Login credentials are incorrect: unknown or revoked API key');
    }
    request.idaccount = idaccount;
    request.apikey = key;
  });
}
