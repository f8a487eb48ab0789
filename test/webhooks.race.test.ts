import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { connect } from '../src/db/connection.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { withTransaction } from '../src/db/transaction.ts';
import type { WebhookWorker } from '../src/modules/webhooks/webhooks.worker.ts';
import { createServices } from '../src/services.ts';
import { describePostgres, postgresUrl } from './harness.ts';
import { Receiver } from './webhooks-receiver.ts';

const config = {
  transitDays: 2,
  webhookAllowedHosts: ['127.0.0.1', 'localhost'],
  smtpUrl: undefined,
  smtpFrom: 'test@localhost',
};

describePostgres('webhook workers', (t) => {
  test('when two workers with their own connections deliver 400 deliveries at once, then the receiver gets each exactly once', async (ctx) => {
    const receiver = await new Receiver().start();
    // A second process's view of the same database: its own pool and services.
    const otherHandle = connect({ databaseUrl: postgresUrl, dataDir: os.tmpdir(), pgPoolSize: 10 });
    try {
      const other = createServices({ handle: otherHandle, config });
      const c = await t().newClient();
      const hooks = [];
      for (const name of ['a', 'b']) {
        hooks.push(
          await c.expect(201, 'POST', '/hooks', {
            name,
            event: 'orders.created',
            address: receiver.url(`/${name}`),
            secret: `secret-${name}`,
          }),
        );
      }
      // 200 events, committed in small transactions as they would be by concurrent requests.
      await Promise.all(
        Array.from({ length: 20 }, (_, batch) =>
          withTransaction(t().handle, async (trx) => {
            for (let i = 0; i < 10; i++) {
              const id = batch * 10 + i + 1;
              await t().services.events.emit(trx, c.idaccount, 'orders.created', 'order', id, {
                idorder: id,
              });
            }
          }),
        ),
      );
      const options = { idaccounts: [c.idaccount], batchSize: 5, concurrency: 3 };
      const workers: [string, WebhookWorker][] = [
        ['first', t().services.webhooks.createWorker({ ...options, workerId: 'first' })],
        ['second', other.webhooks.createWorker({ ...options, workerId: 'second' })],
      ];
      // Three loops per worker claim at the same time; every claim is counted.
      const claimed = new Map<string, number>();
      const loop = async ([name, w]: [string, WebhookWorker]) => {
        for (let idle = 0; idle < 3;) {
          const n = await w.runOnce();
          claimed.set(name, (claimed.get(name) ?? 0) + n);
          idle = n === 0 ? idle + 1 : 0;
        }
      };
      await Promise.all([...workers, ...workers, ...workers].map(loop));
      ctx.diagnostic(`claims: ${JSON.stringify(Object.fromEntries(claimed))}`);

      const total = [...claimed.values()].reduce((a, b) => a + b, 0);
      assert.equal(total, 400, 'every delivery was claimed exactly once');
      assert.equal(receiver.requests.length, 400);
      const seen = new Set(receiver.requests.map((r) => `${r.json.idhook}:${r.json.data.idorder}`));
      assert.equal(seen.size, 400, 'no (hook, event) pair arrived twice');
      for (const hook of hooks) {
        const delivered = await c.expect(200, 'GET', `/hooks/${hook.idhook}/deliveries?status=delivered`);
        assert.equal(delivered.length, 100, 'first page of delivered deliveries');
        assert.ok(delivered.every((d: any) => d.attempts.length === 1));
      }
    } finally {
      await otherHandle.close();
      await receiver.stop();
    }
  });

  test('when two started workers poll the same queue, then each delivery is sent once and stop() waits for them', async () => {
    const receiver = await new Receiver().start();
    const otherHandle = connect({ databaseUrl: postgresUrl, dataDir: os.tmpdir(), pgPoolSize: 5 });
    try {
      const other = createServices({ handle: otherHandle, config });
      const c = await t().newClient();
      await c.expect(201, 'POST', '/hooks', { name: 'x', event: 'orders.closed', address: receiver.url() });
      const options = { idaccounts: [c.idaccount], batchSize: 4, pollIntervalMs: 5 };
      const a = t().services.webhooks.createWorker(options);
      const b = other.webhooks.createWorker(options);
      a.start();
      b.start();
      try {
        for (let i = 1; i <= 50; i++) {
          await withTransaction(t().handle, (trx) =>
            t().services.events.emit(trx, c.idaccount, 'orders.closed', 'order', i, { idorder: i }),
          );
        }
        for (let i = 0; i < 1000 && receiver.requests.length < 50; i++)
          await new Promise((r) => setTimeout(r, 10));
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
      const ids = receiver.requests.map((r) => r.json.data.idorder as number).sort((x, y) => x - y);
      assert.deepEqual(
        ids,
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
    } finally {
      await otherHandle.close();
      await receiver.stop();
    }
  });
});

test('when `npm run worker` runs as its own process, then it delivers and stops cleanly on SIGTERM', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-worker-'));
  const receiver = await new Receiver().start();
  const handle = connect({ dataDir });
  try {
    await migrateToLatest(handle);
    const services = createServices({ handle, config });
    const account = await services.accounts.createAccount('worker-process');
    await services.webhooks.create(account.idaccount, {
      name: 'p',
      event: 'receipts.completed',
      address: receiver.url(),
    });
    await withTransaction(handle, (trx) =>
      services.events.emit(trx, account.idaccount, 'receipts.completed', 'receipt', 7, { idreceipt: 7 }),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 1000 && receiver.requests.length === 0; i++)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal(receiver.requests.length, 1, output);
      assert.deepEqual(receiver.requests[0]!.json.data, { idreceipt: 7 });
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, output);
    assert.match(output, /finishing deliveries in flight/);
  } finally {
    await handle.close();
    await receiver.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
