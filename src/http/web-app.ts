import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { App } from './types.ts';

/** Where `vite build` writes the operator web app (web/vite.config.ts). */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/**
 * Serves the operator web app (web/) at /app. It is a static bundle talking to /api/v1 like any
 * other client, so the server only hands out files. Without a build (a checkout without
 * `npm run build:web`) /app says how to build it instead of failing at start.
 */
export async function registerWebApp(app: App, dist: string = WEB_DIST): Promise<void> {
  app.get('/app', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/app/'));
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    app.get('/app/*', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web app is not built: run `npm run build:web` (npm start does it for you).\n'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: dist,
    prefix: '/app/',
    index: ['index.html'],
    cacheControl: false,
    // Hashed asset names change with their content; index.html must always be fetched anew.
    setHeaders: (res, file) => {
      res.setHeader(
        'cache-control',
        file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
      );
      res.setHeader(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data: blob:; frame-src 'self' blob:; object-src 'none'; base-uri 'none'",
      );
    },
  });
}
