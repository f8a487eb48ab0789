import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import { detail, historyOf, stockSetup } from './stock-fixtures.ts';

let now = new Date('2026-03-02T10:00:00Z');

/** Idempotency-Key claimed in the use case's transaction (ADR 0013): crash windows and expiry. */
describeEngines(
  'idempotency inside the transaction',
  (t) => {
    const url = (s: { idproduct: number; idwarehouse: number }) =>
      `/products/${s.idproduct}/stock/${s.idwarehouse}`;

    test('when the process fails after the commit and before the answer is stored, then the retry gets the recovered answer and the effect stays single', async () => {
      const c = await t().newClient();
      const s = await stockSetup(c);
      const stock = t().services.stock;
      const real = stock.changeStock;
      // The effect commits, then the request dies before its answer (a 500 stores nothing).
      stock.changeStock = async (...args: Parameters<typeof real>) => {
        await real(...args);
        throw new Error('crash after commit');
      };
      const body = { idlocation: null, change: 4, reason: 'crash window' };
      try {
        const first = await c.request('POST', url(s), body, { 'idempotency-key': 'crash-1' });
        assert.equal(first.status, 500);
      } finally {
        stock.changeStock = real;
      }
      const retry = await c.request('POST', url(s), body, { 'idempotency-key': 'crash-1' });
      assert.equal(retry.status, 200, retry.raw);
      assert.equal(retry.headers['idempotent-replayed'], 'true');
      assert.equal(retry.body.stock, 4);
      assert.equal((await detail(c, s)).stock, 4);
      assert.equal((await historyOf(c, s.idproduct)).length, 1);
      await t().assertLedger(c);
    });

    test('when the use case fails before its commit, then the key stays free and the retry carries out the change once', async () => {
      const c = await t().newClient();
      const s = await stockSetup(c);
      const stock = t().services.stock;
      const real = stock.changeStock;
      // The key is claimed inside the transaction, which then dies: the claim rolls back with it.
      stock.changeStock = () =>
        stock.transaction(async () => {
          throw new Error('crash before commit');
        });
      const body = { idlocation: null, change: 3, reason: 'before commit' };
      try {
        assert.equal(
          (await c.request('POST', url(s), body, { 'idempotency-key': 'rolled-back' })).status,
          500,
        );
      } finally {
        stock.changeStock = real;
      }
      const retry = await c.request('POST', url(s), body, { 'idempotency-key': 'rolled-back' });
      assert.equal(retry.status, 200, retry.raw);
      assert.equal(retry.headers['idempotent-replayed'], undefined);
      assert.equal((await detail(c, s)).stock, 3);
      const replay = await c.request('POST', url(s), body, { 'idempotency-key': 'rolled-back' });
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.equal((await detail(c, s)).stock, 3);
    });

    test('when a key has expired, then it is claimed anew by exactly one of two concurrent requests', async () => {
      const c = await t().newClient();
      const s = await stockSetup(c);
      const first = await c.request(
        'POST',
        url(s),
        { idlocation: null, change: 1, reason: 'day 1' },
        { 'idempotency-key': 'old' },
      );
      assert.equal(first.status, 200);
      now = new Date(now.getTime() + 25 * 60 * 60 * 1000);
      const body = { idlocation: null, change: 10, reason: 'day 2' };
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => c.request('POST', url(s), body, { 'idempotency-key': 'old' })),
      );
      for (const a of answers) assert.ok([200, 409].includes(a.status), a.raw);
      assert.ok(answers.some((a) => a.status === 200));
      assert.equal((await detail(c, s)).stock, 11);
      assert.equal((await historyOf(c, s.idproduct)).length, 2);
      await t().assertLedger(c);
    });

    test('when expired keys are purged, then they are gone and fresh ones stay', async () => {
      const { purgeExpiredKeys } = await import('../src/modules/idempotency/idempotency.service.ts');
      const c = await t().newClient();
      const s = await stockSetup(c);
      await c.request(
        'POST',
        url(s),
        { idlocation: null, change: 1, reason: 'a' },
        { 'idempotency-key': 'purge-old' },
      );
      now = new Date(now.getTime() + 25 * 60 * 60 * 1000);
      await c.request(
        'POST',
        url(s),
        { idlocation: null, change: 1, reason: 'b' },
        { 'idempotency-key': 'purge-new' },
      );
      assert.ok((await purgeExpiredKeys(t().handle, now)) >= 1);
      const keys = await t()
        .handle.db.selectFrom('idempotency_keys')
        .select('idempotency_key')
        .where('idaccount', '=', c.idaccount)
        .execute();
      assert.deepEqual(
        keys.map((k) => k.idempotency_key),
        ['purge-new'],
      );
    });

    test('when GET /ready is asked of a migrated app, then 200', async () => {
      const res = await t().app.inject({ method: 'GET', url: '/ready' });
      assert.equal(res.statusCode, 200, res.body);
    });
  },
  { clock: () => now },
);
