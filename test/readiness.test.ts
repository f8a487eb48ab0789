import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { connect } from '../src/db/connection.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { buildApp } from '../src/http/app.ts';
import { createLifecycle } from '../src/http/lifecycle.ts';
import { createServices } from '../src/services.ts';
import { engines } from './harness.ts';

/** GET /ready: 200 only when the process takes traffic and its database answers. */
for (const engine of engines)
  test(`when the process starts, drains or loses its database, then /ready says 503, else 200 [${engine.name}]`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-ready-'));
    const handle = connect({ databaseUrl: engine.url, dataDir: dir, pgPoolSize: 2 });
    await migrateToLatest(handle);
    const services = createServices({
      handle,
      config: { transitDays: 2, webhookAllowedHosts: [], smtpUrl: undefined, smtpFrom: 'T <t@localhost>' },
    });
    const lifecycle = createLifecycle('starting');
    const app = await buildApp({ services, lifecycle, rateLimitPerMinute: 1000 });
    const ready = async () => {
      const res = await app.inject({ method: 'GET', url: '/ready' });
      return [res.statusCode, JSON.parse(res.body).status];
    };
    try {
      assert.deepEqual(await ready(), [503, 'starting']);
      lifecycle.phase = 'ready';
      assert.deepEqual(await ready(), [200, 'ready']);
      lifecycle.phase = 'draining';
      assert.deepEqual(await ready(), [503, 'draining']);
      lifecycle.phase = 'ready';
      await handle.close();
      assert.deepEqual(await ready(), [503, 'database unavailable']);
    } finally {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
