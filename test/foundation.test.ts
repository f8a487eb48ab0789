import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEY_CACHE_MS } from '../src/modules/accounts/accounts.service.ts';
import { describeEngines, startTestApp, engines } from './harness.ts';

describeEngines('foundation', (t) => {
  test('when no key is sent, then the API answers 401 with a Picqer error body', async () => {
    const res = await t().app.inject({ method: 'GET', url: '/api/v1/warehouses' });
    assert.equal(res.statusCode, 401);
    const body = res.json();
    assert.equal(body.error, true);
    assert.equal(typeof body.error_code, 'number');
    assert.match(body.error_message, /API key/);
  });

  test('when a wrong key is sent, then 401', async () => {
    const auth = 'Basic ' + Buffer.from('nope:X').toString('base64');
    const res = await t().app.inject({
      method: 'GET',
      url: '/api/v1/warehouses',
      headers: { authorization: auth },
    });
    assert.equal(res.statusCode, 401);
  });

  test('when the key is sent as Basic user (any password) or Bearer, then it authenticates', async () => {
    const c = await t().newClient();
    for (const authorization of [
      'Basic ' + Buffer.from(`${c.apikey}:X`).toString('base64'),
      'Basic ' + Buffer.from(`${c.apikey}:`).toString('base64'),
      `Bearer ${c.apikey}`,
    ]) {
      const res = await t().app.inject({
        method: 'GET',
        url: '/api/v1/no-such-thing',
        headers: { authorization },
      });
      assert.equal(res.statusCode, 404, authorization);
      assert.equal(res.json().error_code, 20);
    }
  });

  test('when a key is revoked, then it no longer authenticates', async () => {
    const c = await t().newClient();
    const keys = await t().services.accounts.listKeys(c.idaccount);
    await t().services.accounts.revokeKey(c.idaccount, keys[0]!.idapikey);
    assert.equal((await c.get('/no-such-thing')).status, 401);
  });

  test('when a key is revoked by another process, then this one refuses it within a second', async () => {
    const c = await t().newClient();
    assert.equal((await c.get('/no-such-thing')).status, 404, 'the key works and is now cached');
    // Another process (or the CLI) revokes it in the database, behind this process's cache.
    await t()
      .handle.db.updateTable('api_keys')
      .set({ revoked_at: '2026-01-01 00:00:00' })
      .where('idaccount', '=', c.idaccount)
      .execute();
    await new Promise((r) => setTimeout(r, KEY_CACHE_MS + 50));
    assert.equal((await c.get('/no-such-thing')).status, 401);
  });

  test('when a nullable body field is sent as null, then it stays null (bodies are never coerced)', async () => {
    const c = await t().newClient();
    const w = await c.expect(201, 'POST', '/warehouses', { name: 'W' });
    const l = await c.expect(201, 'POST', '/locations', {
      idwarehouse: w.idwarehouse,
      name: 'A-1',
      remarks: null,
    });
    assert.equal(l.remarks, null);
    const bad = await c.post('/locations', { idwarehouse: String(w.idwarehouse), name: 'A-2' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error_code, 5);
  });

  test('health answers without authentication, and the OpenAPI document and docs page are served', async () => {
    assert.equal((await t().app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    const doc = await t().app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(doc.statusCode, 200);
    assert.equal(doc.json().openapi, '3.0.3');
    const docs = await t().app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /swagger/i);
  });
});

for (const engine of engines) {
  test(`rate limit [${engine.name}]: headers on every response, 429 with Retry-After and code 28 past the limit`, async () => {
    const t = await startTestApp(engine, { rateLimitPerMinute: 3 });
    try {
      const c = await t.newClient();
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await c.get('/events');
        assert.equal(res.headers['x-ratelimit-limit'], '3');
        remaining.push(String(res.headers['x-ratelimit-remaining']));
      }
      assert.deepEqual(remaining, ['2', '1', '0']);
      const refused = await c.get('/events');
      assert.equal(refused.status, 429);
      assert.equal(refused.body.error_code, 28);
      assert.ok(Number(refused.headers['retry-after']) > 0);
      // Another key has its own budget.
      const other = await t.newClient();
      assert.equal((await other.get('/events')).status, 200);
    } finally {
      await t.close();
    }
  });
}
