import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildApp } from '../src/http/app.ts';
import { describeEngines, type TestApp } from './harness.ts';
import { addStock, placed, world } from './orders-fixtures.ts';
import { purchasedPO, purchasingSetup } from './purchasing-fixtures.ts';

/** The value of one series in a Prometheus text answer (undefined when absent). */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(t: TestApp): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /^text\/plain/);
  return res.body;
}

describeEngines('metrics', (t, engine) => {
  test('when requests, transactions and business changes happened, then /metrics shows their names and values', async () => {
    const c = await t().newClient();
    const before = await scrape(t());
    const route = 'method="GET",route="/api/v1/warehouses/:idwarehouse",status="200"';
    const requestsBefore = value(before, `stockroom_http_requests_total{${route}}`) ?? 0;
    const txBefore = value(before, 'stockroom_db_transactions_total')!;
    assert.ok(txBefore >= 0);

    const wd = world(c, { products: { A: 'normal' } });
    const { w, p } = await wd;
    await c.expect(200, 'GET', `/warehouses/${w.W1}`);
    await c.expect(200, 'GET', `/warehouses/${w.W1}`);
    // Two backorders of A (no stock), then 1 arrives: one backorder holds available stock.
    await placed(c, await wd, [[p.A!, 1]]);
    await placed(c, await wd, [[p.A!, 1]]);
    await addStock(c, p.A!, w.W1!, 1);
    const s = await purchasingSetup(c);
    await purchasedPO(c, s, [{ idproduct: s.P, amount: 3 }], { delivery_date: '2020-01-01' });
    await purchasedPO(c, s, [{ idproduct: s.P, amount: 3 }], { delivery_date: '2999-01-01' });

    const after = await scrape(t());
    assert.equal(value(after, `stockroom_http_requests_total{${route}}`), requestsBefore + 2);
    assert.ok(
      (value(after, `stockroom_http_request_duration_seconds_count{${route}}`) ?? 0) >= 2,
      'latency histogram counts the requests',
    );
    assert.match(after, /stockroom_http_request_duration_seconds_bucket\{le="0.005",method="GET"/);
    assert.ok(value(after, 'stockroom_db_transactions_total')! > txBefore);
    assert.notEqual(value(after, 'stockroom_db_transaction_retries_total'), undefined);
    assert.notEqual(value(after, 'stockroom_db_deadlocks_total'), undefined);
    const acc = `idaccount="${c.idaccount}"`;
    assert.equal(value(after, `stockroom_backorders_open{${acc}}`), 2);
    assert.equal(value(after, `stockroom_backorders_available_unprocessed{${acc}}`), 1);
    assert.equal(value(after, `stockroom_purchaseorders_overdue{${acc}}`), 1);
    if (engine.name === 'postgres') {
      assert.ok(value(after, 'stockroom_db_pool_connections{state="total"}')! >= 1);
      assert.equal(value(after, 'stockroom_db_pool_connections{state="waiting"}'), 0);
    } else assert.doesNotMatch(after, /stockroom_db_pool_connections/);

    // Processing turns the available backorder into a picklist: the gauge follows.
    await c.expect(200, 'POST', '/backorders/process');
    const processed = await scrape(t());
    assert.equal(value(processed, `stockroom_backorders_open{${acc}}`), 1);
    assert.equal(value(processed, `stockroom_backorders_available_unprocessed{${acc}}`), undefined);
  });

  test('when a hook has undelivered events, then the outbox lag and deliveries by outcome show them', async () => {
    const c = await t().newClient();
    const hook = await c.expect(201, 'POST', '/hooks', {
      name: 'h',
      event: 'products.created',
      address: 'http://127.0.0.1:9/never',
    });
    await c.expect(201, 'POST', '/products', { productcode: `M-${process.pid}-1`, name: 'x' });
    await c.expect(201, 'POST', '/products', { productcode: `M-${process.pid}-2`, name: 'y' });
    const text = await scrape(t());
    const labels = `idaccount="${c.idaccount}",idhook="${hook.idhook}"`;
    // Nothing delivered (no worker runs in the test app): the lag is the newest queued event id.
    assert.ok(value(text, `stockroom_outbox_lag_events{${labels}}`)! > 0);
    assert.ok(value(text, `stockroom_outbox_lag_seconds{${labels}}`)! >= 0);
    assert.ok(value(text, 'stockroom_webhook_deliveries{status="pending"}')! >= 2);
  });

  test('when METRICS_TOKEN is set, then /metrics answers only that bearer token, outside the API auth', async () => {
    const app = await buildApp({
      services: t().services,
      rateLimitPerMinute: 1000,
      metricsToken: 'sekrit',
    });
    try {
      assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
      const wrong = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: 'Bearer nope' },
      });
      assert.equal(wrong.statusCode, 401);
      assert.equal(JSON.parse(wrong.body).error_code, 3);
      const ok = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: 'Bearer sekrit' },
      });
      assert.equal(ok.statusCode, 200);
      assert.match(ok.body, /# TYPE stockroom_http_requests_total counter/);
    } finally {
      await app.close();
    }
  });
});
