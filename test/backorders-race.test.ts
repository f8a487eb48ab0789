import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describePostgres, type Client } from './harness.ts';
import { addStock, order, stockOf, world } from './orders-fixtures.ts';

/** Every picklist line and open backorder of an account. */
async function everything(c: Client) {
  const picklists: any[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await c.expect(200, 'GET', `/picklists?offset=${offset}`);
    picklists.push(...page);
    if (page.length < 100) break;
  }
  const backorders: any[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await c.expect(200, 'GET', `/backorders?offset=${offset}`);
    backorders.push(...page);
    if (page.length < 100) break;
  }
  return { picklists, backorders };
}

describePostgres(
  'order processing races',
  (t) => {
    test('when 100 orders of 1 are processed at once for 50 units, then exactly 50 are picked and 50 wait, never more reserved than exists', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      await addStock(c, wd.p.A!, wd.w.W1!, 50);
      const orders: any[] = [];
      for (let i = 0; i < 100; i++) orders.push(await order(c, wd, [[wd.p.A!, 1]]));
      const answers = await Promise.all(orders.map((o) => c.request('POST', `/orders/${o.idorder}/process`)));
      assert.deepEqual(
        answers.filter((r) => r.status !== 200).map((r) => r.raw),
        [],
      );
      const { picklists, backorders } = await everything(c);
      const picked = picklists.flatMap((p) => p.products).reduce((s, l) => s + l.amount, 0);
      assert.equal(picked, 50);
      assert.equal(picklists.length, 50);
      assert.equal(backorders.length, 50);
      assert.ok(backorders.every((b) => b.amount === 1 && b.amount_available === 0));
      // Queue numbers were handed out under the level lock: no two backorders share one.
      assert.equal(new Set(backorders.map((b) => b.priority)).size, 50);
      const s = await stockOf(c, wd.p.A!, wd.w.W1!);
      assert.deepEqual([s.stock, s.reservedpicklists, s.reservedbackorders, s.freestock], [50, 50, 50, -50]);
      await t().assertLedger(c);
    });

    test('when 100 orders are processed at once with no stock and 50 units arrive, then the 50 first in the queue get them', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      const orders: any[] = [];
      for (let i = 0; i < 100; i++) orders.push(await order(c, wd, [[wd.p.A!, 1]]));
      const answers = await Promise.all(orders.map((o) => c.request('POST', `/orders/${o.idorder}/process`)));
      assert.ok(answers.every((r) => r.status === 200));
      // The stock arrives in several concurrent changes.
      const changes = await Promise.all(
        Array.from({ length: 10 }, () =>
          c.request('POST', `/products/${wd.p.A}/stock/${wd.w.W1}`, { change: 5, reason: 'receipt' }),
        ),
      );
      assert.ok(changes.every((r) => r.status === 200));
      const { picklists, backorders } = await everything(c);
      assert.deepEqual(picklists, []);
      assert.equal(backorders.length, 100);
      const queue = [...backorders].sort((a, b) => a.priority - b.priority || a.idbackorder - b.idbackorder);
      assert.deepEqual(
        queue.map((b) => b.priority),
        Array.from({ length: 100 }, (_, i) => i + 1),
      );
      assert.deepEqual(
        queue.map((b) => b.amount_available),
        [...Array<number>(50).fill(1), ...Array<number>(50).fill(0)],
      );
      // Processing them all at once from many requests picks exactly those 50.
      const runs = await Promise.all(
        Array.from({ length: 8 }, () => c.request('POST', '/backorders/process')),
      );
      assert.ok(runs.every((r) => r.status === 200));
      assert.equal(
        runs.reduce((n, r) => n + r.body.length, 0),
        50,
      );
      const after = await everything(c);
      assert.deepEqual(
        after.backorders.map((b) => b.idbackorder).sort((a, b) => a - b),
        queue
          .slice(50)
          .map((b) => b.idbackorder)
          .sort((a, b) => a - b),
      );
      const s = await stockOf(c, wd.p.A!, wd.w.W1!);
      assert.deepEqual([s.stock, s.reservedpicklists, s.reservedbackorders], [50, 50, 50]);
      await t().assertLedger(c);
    });

    test('when stock changes, processing, prioritising, cancelling and closing interleave, then nothing is over-reserved and the ledger agrees', async () => {
      const c = await t().newClient();
      const wd = await world(c, { warehouses: { W1: 1, W2: 2 } });
      await addStock(c, wd.p.A!, wd.w.W1!, 10);
      await addStock(c, wd.p.B!, wd.w.W2!, 10);
      const orders: any[] = [];
      for (let i = 0; i < 40; i++)
        orders.push(
          await order(
            c,
            wd,
            [
              [wd.p.A!, 1 + (i % 3)],
              [wd.p.B!, 1 + (i % 2)],
            ],
            { partialdelivery: i % 4 !== 0 },
          ),
        );
      const requests: Promise<{ status: number; raw: string }>[] = [];
      for (const [i, o] of orders.entries()) {
        requests.push(c.request('POST', `/orders/${o.idorder}/process`));
        if (i % 5 === 0)
          requests.push(
            c.request('POST', `/products/${wd.p.A}/stock/${wd.w.W1}`, { change: 3, reason: 'in' }),
          );
        if (i % 7 === 0)
          requests.push(
            c.request('POST', `/products/${wd.p.B}/stock/${wd.w.W2}`, { change: 2, reason: 'in' }),
          );
        if (i % 6 === 0) requests.push(c.request('POST', '/backorders/process'));
        if (i % 9 === 0)
          requests.push(c.request('POST', `/orders/${orders[Math.max(0, i - 3)].idorder}/prioritise`));
        if (i % 11 === 0) requests.push(c.request('DELETE', `/orders/${orders[Math.max(0, i - 1)].idorder}`));
      }
      const serverErrors = (await Promise.all(requests)).filter((r) => r.status >= 500);
      assert.deepEqual(
        serverErrors.map((r) => r.raw),
        [],
      );
      // Close or cancel every open picklist concurrently, then process what became available.
      const { picklists } = await everything(c);
      const ends = await Promise.all(
        picklists
          .filter((p) => p.status === 'new')
          .map(async (p, i) => {
            if (i % 3 === 0) return c.request('POST', `/picklists/${p.idpicklist}/cancel`);
            await c.request('POST', `/picklists/${p.idpicklist}/pickall`);
            return c.request('POST', `/picklists/${p.idpicklist}/close`);
          }),
      );
      assert.ok(ends.length > 0 && ends.every((r) => r.status === 200));
      const last = await Promise.all([
        c.request('POST', '/backorders/process'),
        c.request('POST', '/backorders/process'),
      ]);
      assert.ok(last.every((r) => r.status === 200));
      for (const [p, w] of [
        [wd.p.A!, wd.w.W1!],
        [wd.p.B!, wd.w.W2!],
      ] as const) {
        const s = await stockOf(c, p, w);
        assert.ok(s.stock >= 0 && s.reservedpicklists <= s.stock, JSON.stringify(s));
      }
      const { backorders } = await everything(c);
      for (const b of backorders) assert.ok(b.amount_available >= 0 && b.amount_available <= b.amount);
      await t().assertLedger(c);
    });
  },
  { pgPoolSize: 20 },
);
