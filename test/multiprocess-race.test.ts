import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { connect, type DatabaseHandle } from '../src/db/connection.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { systemClock } from '../src/domain/time.ts';
import { createAccountsService } from '../src/modules/accounts/accounts.service.ts';
import { reconcile } from '../src/modules/stock/stock.reconcile.ts';
import { postgresUrl } from './harness.ts';

/**
 * Stateless service processes over one PostgreSQL: two real servers started at the same moment
 * with the same key (bootstrap must not trip over itself), then one burst of stock changes split
 * between them. The database alone keeps the stock right.
 */
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

describe(
  'two server processes on one PostgreSQL',
  { skip: postgresUrl ? false : 'TEST_DATABASE_URL is not set' },
  () => {
    const servers: { proc: ChildProcess; base: string; log: string[] }[] = [];
    let handle: DatabaseHandle;
    const startKey = 'mp-' + randomBytes(12).toString('hex');

    before(async () => {
      handle = connect({ databaseUrl: postgresUrl, dataDir: '/nonexistent' });
      await migrateToLatest(handle);
      for (let i = 0; i < 2; i++) {
        const port = await freePort();
        const log: string[] = [];
        const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
          env: {
            ...process.env,
            PORT: String(port),
            HOST: '127.0.0.1',
            DATABASE_URL: postgresUrl,
            STOCKROOM_API_KEY: startKey,
            LOG_LEVEL: 'warn',
            WEBHOOK_WORKER_IN_SERVER: 'false',
            RATE_LIMIT_PER_MINUTE: '100000',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        proc.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
        proc.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
        servers.push({ proc, base: `http://127.0.0.1:${port}`, log });
      }
      for (const s of servers) {
        let up = false;
        for (let i = 0; i < 120 && !up; i++) {
          up = await fetch(`${s.base}/health`).then(
            (r) => r.status === 200,
            () => false,
          );
          if (!up) await new Promise((r) => setTimeout(r, 250));
        }
        assert.ok(up, `server did not start: ${s.log.join('')}`);
      }
    });

    after(async () => {
      for (const s of servers) s.proc.kill('SIGTERM');
      await Promise.all(
        servers.map((s) => new Promise((r) => (s.proc.exitCode !== null ? r(null) : s.proc.once('exit', r)))),
      );
      await handle?.close();
    });

    test('when both start at once with one key, then the key works on both', async () => {
      for (const s of servers) {
        const res = await fetch(`${s.base}/api/v1/warehouses`, {
          headers: { authorization: `Bearer ${startKey}` },
        });
        assert.equal(res.status, 200);
      }
    });

    test('when 200 concurrent {change: -1} against stock 100 are split over both processes, then exactly 100 succeed', async () => {
      const account = await createAccountsService(handle, systemClock).createAccount(`mp-${Date.now()}`);
      const auth = { authorization: `Bearer ${account.apikey}`, 'content-type': 'application/json' };
      const call = async (i: number, method: string, path: string, body?: unknown) => {
        const res = await fetch(`${servers[i % 2]!.base}/api/v1${path}`, {
          method,
          headers: auth,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        return { status: res.status, body: await res.json() };
      };
      const w = await call(0, 'POST', '/warehouses', { name: 'W' });
      const p = await call(1, 'POST', '/products', { productcode: 'MP-1', name: 'Multi' });
      const url = `/products/${p.body.idproduct}/stock/${w.body.idwarehouse}`;
      assert.equal((await call(0, 'POST', url, { idlocation: null, change: 100, reason: 'in' })).status, 200);

      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          call(i, 'POST', url, { idlocation: null, change: -1, reason: 'out' }),
        ),
      );
      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status === 400);
      assert.equal(ok.length, 100);
      assert.equal(refused.length, 100);
      for (const r of refused) assert.equal(r.body.error_code, 100);
      assert.deepEqual(
        ok.map((r) => r.body.stock).sort((a, b) => a - b),
        Array.from({ length: 100 }, (_, i) => i),
      );
      assert.equal((await call(1, 'GET', url)).body.stock, 0);
      assert.deepEqual(await reconcile(handle.db, account.idaccount), []);
    });
  },
);
