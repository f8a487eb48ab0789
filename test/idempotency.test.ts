import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import { detail, historyOf, stockSetup } from './stock-fixtures.ts';

/** Idempotency-Key on writes (beyond Picqer): one effect per key, the same answer on every retry. */
describeEngines('idempotent writes', (t) => {
  const url = (s: { idproduct: number; idwarehouse: number }) =>
    `/products/${s.idproduct}/stock/${s.idwarehouse}`;

  test('when a stock change is retried with the same key, then it is applied once and the answer is replayed', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    const body = { idlocation: null, change: 5, reason: 'delivery' };
    const first = await c.request('POST', url(s), body, { 'idempotency-key': 'k-1' });
    assert.equal(first.status, 200, first.raw);
    const again = await c.request('POST', url(s), body, { 'idempotency-key': 'k-1' });
    assert.equal(again.status, 200);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.body, first.body);
    assert.equal((await detail(c, s)).stock, 5);
    assert.equal((await historyOf(c, s.idproduct)).length, 1);
    await t().assertLedger(c);
  });

  test('when a key is reused for a different request, then 409 and nothing changes', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    await c.request(
      'POST',
      url(s),
      { idlocation: null, change: 5, reason: 'a' },
      { 'idempotency-key': 'k-2' },
    );
    const res = await c.request(
      'POST',
      url(s),
      { idlocation: null, change: 7, reason: 'a' },
      { 'idempotency-key': 'k-2' },
    );
    assert.equal(res.status, 409);
    assert.equal(res.body.error_code, 101);
    assert.equal((await detail(c, s)).stock, 5);
  });

  test('when a refused request is retried with its key, then the same refusal comes back and nothing changes', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    const body = { idlocation: null, change: -1, reason: 'too much' };
    const first = await c.request('POST', url(s), body, { 'idempotency-key': 'k-3' });
    assert.equal(first.status, 400);
    const again = await c.request('POST', url(s), body, { 'idempotency-key': 'k-3' });
    assert.equal(again.status, 400);
    assert.deepEqual(again.body, first.body);
    assert.equal((await detail(c, s)).stock, 0);
  });

  test('when the same key arrives concurrently, then exactly one request takes effect', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    const body = { idlocation: null, change: 1, reason: 'burst' };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => c.request('POST', url(s), body, { 'idempotency-key': 'k-burst' })),
    );
    for (const a of answers) assert.ok([200, 409].includes(a.status), a.raw);
    assert.equal((await detail(c, s)).stock, 1);
    await t().assertLedger(c);
  });

  test('when two accounts use the same key, then each gets its own effect', async () => {
    const a = await t().newClient();
    const b = await t().newClient();
    const sa = await stockSetup(a);
    const sb = await stockSetup(b);
    const body = { idlocation: null, change: 2, reason: 'x' };
    assert.equal((await a.request('POST', url(sa), body, { 'idempotency-key': 'shared' })).status, 200);
    assert.equal((await b.request('POST', url(sb), body, { 'idempotency-key': 'shared' })).status, 200);
    assert.equal((await detail(a, sa)).stock, 2);
    assert.equal((await detail(b, sb)).stock, 2);
  });
});
