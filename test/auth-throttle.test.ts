import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { connect } from '../src/db/connection.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { buildApp } from '../src/http/app.ts';
import { createServices } from '../src/services.ts';
import { describeEngines, engines } from './harness.ts';

const basic = (key: string) => 'Basic ' + Buffer.from(`${key}:X`).toString('base64');

/** Failed authentication is throttled per client address; other clients are not slowed. */
describeEngines('failed-auth throttle', (t) => {
  test('when an address fails authentication N times in a minute, then 429 with Retry-After, even for a valid key, while other addresses pass', async () => {
    const c = await t().newClient();
    const app = await buildApp({
      services: t().services,
      rateLimitPerMinute: 1000,
      authFailuresPerMinute: 3,
    });
    try {
      const call = (key: string, remoteAddress: string) =>
        app.inject({
          method: 'GET',
          url: '/api/v1/warehouses',
          headers: { authorization: basic(key) },
          remoteAddress,
        });
      for (let i = 0; i < 3; i++) assert.equal((await call(`guess-${i}`, '10.0.0.1')).statusCode, 401);
      const blocked = await call('guess-3', '10.0.0.1');
      assert.equal(blocked.statusCode, 429, blocked.body);
      assert.equal(JSON.parse(blocked.body).error_code, 28);
      const retryAfter = Number(blocked.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `retry-after ${retryAfter}`);
      // Blocked before the key is looked up: a right guess is not told apart from a wrong one.
      assert.equal((await call(c.apikey, '10.0.0.1')).statusCode, 429);
      // Another client with a valid key, and one failing for the first time, are not affected.
      assert.equal((await call(c.apikey, '10.0.0.2')).statusCode, 200);
      assert.equal((await call('typo', '10.0.0.3')).statusCode, 401);
      // A valid key's requests never count as failures.
      for (let i = 0; i < 10; i++) assert.equal((await call(c.apikey, '10.0.0.4')).statusCode, 200);
      assert.equal((await call('typo', '10.0.0.4')).statusCode, 401);
    } finally {
      await app.close();
    }
  });
});

/** The start refuses a start key that cannot work, in one line and with exit code 1. */
for (const engine of engines)
  test(`when STOCKROOM_API_KEY is revoked, then the server refuses to start with one clear line and exit code 1 [${engine.name}]`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-revoked-'));
    const key = `revoked-${process.pid}-${Date.now()}`;
    const env = {
      ...process.env,
      DATA_DIR: dir,
      ...(engine.url ? { DATABASE_URL: engine.url } : { DATABASE_URL: '' }),
      STOCKROOM_API_KEY: key,
      LOG_LEVEL: 'error',
    };
    try {
      const handle = connect({ databaseUrl: engine.url, dataDir: dir });
      try {
        await migrateToLatest(handle);
        const services = createServices({
          handle,
          config: {
            transitDays: 2,
            webhookAllowedHosts: [],
            smtpUrl: undefined,
            smtpFrom: 'x <x@localhost>',
          },
        });
        await services.accounts.bootstrap(key);
        const idapikey = (
          await handle.db
            .selectFrom('api_keys')
            .select('idapikey')
            .where('name', '=', 'STOCKROOM_API_KEY')
            .orderBy('idapikey', 'desc')
            .executeTakeFirstOrThrow()
        ).idapikey;
        const owner = (
          await handle.db
            .selectFrom('api_keys')
            .select('idaccount')
            .where('idapikey', '=', idapikey)
            .executeTakeFirstOrThrow()
        ).idaccount;
        await services.accounts.revokeKey(owner, idapikey);
      } finally {
        await handle.close();
      }
      const start = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        env: { ...env, PORT: '0' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(start.status, 1, `${start.stdout}\n${start.stderr}`);
      const lines = start.stderr.trim().split('\n');
      assert.equal(lines.length, 1, start.stderr);
      assert.match(lines[0]!, /^STOCKROOM_API_KEY is revoked .*: set it to an active key/);
      assert.doesNotMatch(start.stderr, /UNIQUE|at .*\.ts:\d+/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
