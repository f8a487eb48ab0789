import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { registerWebApp } from '../src/http/web-app.ts';
import { buildWebApp } from '../web/build-if-stale.ts';
import { startTestApp } from './harness.ts';

test('when /app is asked for, then it redirects to /app/ and serves the built app with its security headers', async () => {
  await buildWebApp();
  const t = await startTestApp({ name: 'sqlite' });
  try {
    const bare = await t.app.inject({ method: 'GET', url: '/app' });
    assert.equal(bare.statusCode, 302);
    assert.equal(bare.headers.location, '/app/');
    const index = await t.app.inject({ method: 'GET', url: '/app/' });
    assert.equal(index.statusCode, 200);
    assert.match(String(index.headers['content-type']), /^text\/html/);
    assert.match(index.body, /<div id="root">/);
    assert.match(String(index.headers['content-security-policy']), /default-src 'self'/);
    const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(index.body)?.[1];
    assert.ok(script, 'index.html loads the bundle from /app/assets');
    const bundle = await t.app.inject({ method: 'GET', url: script });
    assert.equal(bundle.statusCode, 200);
    assert.match(String(bundle.headers['cache-control']), /immutable/);
  } finally {
    await t.close();
  }
});

test('when the web app is not built, then /app says how to build it and the API is unaffected', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-nodist-'));
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  try {
    await registerWebApp(app, empty);
    const res = await app.inject({ method: 'GET', url: '/app/' });
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /npm run build:web/);
  } finally {
    await app.close();
    fs.rmSync(empty, { recursive: true, force: true });
  }
});
