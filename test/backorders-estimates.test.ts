import assert from 'node:assert/strict';
import { test } from 'node:test';
import { periodicTasks } from '../src/background.ts';
import { describeEngines, type Client } from './harness.ts';
import {
  addStock,
  backordered,
  eventLines,
  eventsSince,
  lastEventId,
  processed,
  product,
  purchased,
  shop,
} from './lifecycle-fixtures.ts';

/**
 * Estimates of backorders follow purchase orders at once (seed 002): estimated_ship_date is the
 * expected date of the purchase order that completes the backorder, delivery TRANSIT_DAYS (2 in
 * tests) later; each change emits backorders.estimate_updated once, a later date also
 * backorders.delay_noticed once; a periodic check notices estimated ship dates that passed.
 */

let nowMs = Date.parse('2030-01-01T08:00:00Z');
const setDay = (day: string) => {
  nowMs = Date.parse(`${day}T08:00:00Z`);
};

async function estimate(c: Client, idbackorder: number) {
  const b = await c.expect(200, 'GET', `/backorders/${idbackorder}`);
  return [b.estimated_ship_date, b.estimated_delivery_date, b.idpurchaseorder];
}

describeEngines(
  'backorder estimates',
  (t) => {
    test('when purchase orders change, then the estimate follows at once and each change emits its events once', async () => {
      setDay('2030-01-01');
      const c = await t().newClient();
      const s = await shop(c);
      const p = await product(c);
      const b = await backordered(c, s, p, 5);
      const id = b.idbackorder;
      const step = async (change: () => Promise<unknown>) => {
        const since = await lastEventId(c);
        await change();
        return eventLines(c, since, 'backorder');
      };
      assert.deepEqual(
        await step(() => purchased(c, s, [{ idproduct: p, amount: 3 }], '2030-01-10')),
        [],
        'too small to complete it',
      );
      let po2: any;
      assert.deepEqual(
        await step(async () => (po2 = await purchased(c, s, [{ idproduct: p, amount: 10 }], '2030-02-01'))),
        [`backorders.estimate_updated ${id}`],
      );
      assert.deepEqual(await estimate(c, id), ['2030-02-01', '2030-02-03', po2.idpurchaseorder]);
      // Later: a delay, and the estimate follows.
      assert.deepEqual(
        await step(() =>
          c.expect(200, 'PUT', `/purchaseorders/${po2.idpurchaseorder}`, { delivery_date: '2030-03-15' }),
        ),
        [`backorders.delay_noticed ${id}`, `backorders.estimate_updated ${id}`],
      );
      assert.deepEqual(await estimate(c, id), ['2030-03-15', '2030-03-17', po2.idpurchaseorder]);
      // Earlier (a line's own date wins): no delay.
      const line = po2.products[0].idpurchaseorder_product;
      assert.deepEqual(
        await step(() =>
          c.expect(200, 'PUT', `/purchaseorders/${po2.idpurchaseorder}/products/${line}`, {
            delivery_date: '2030-02-20',
          }),
        ),
        [`backorders.estimate_updated ${id}`],
      );
      // A concept order expects nothing yet.
      assert.deepEqual(
        await step(() =>
          c.expect(201, 'POST', '/purchaseorders', {
            idsupplier: s.idsupplier,
            idwarehouse: s.idwarehouse,
            delivery_date: '2030-01-02',
            products: [{ idproduct: p, amount: 50 }],
          }),
        ),
        [],
      );
      // 2 arrive early: 3 are missing, and the January order completes them.
      const r = await c.expect(201, 'POST', '/receipts', { idpurchaseorder: po2.idpurchaseorder });
      assert.deepEqual(
        await step(() =>
          c.expect(201, 'POST', `/receipts/${r.idreceipt}/products`, { idproduct: p, amount: 2 }),
        ),
        [`backorders.inventory_arrived ${id}`, `backorders.estimate_updated ${id}`],
      );
      const jan = (await estimate(c, id))[2];
      assert.deepEqual((await estimate(c, id)).slice(0, 2), ['2030-01-10', '2030-01-12']);
      assert.notEqual(jan, po2.idpurchaseorder);
      // The January order is cancelled: later again.
      assert.deepEqual(await step(() => c.expect(200, 'POST', `/purchaseorders/${jan}/cancel`)), [
        `backorders.delay_noticed ${id}`,
        `backorders.estimate_updated ${id}`,
      ]);
      assert.deepEqual(await estimate(c, id), ['2030-02-20', '2030-02-22', po2.idpurchaseorder]);
      // All in stock: the last estimate stands until it ships; nothing to announce but the stock.
      assert.deepEqual(
        await step(() =>
          c.expect(201, 'POST', `/receipts/${r.idreceipt}/products`, { idproduct: p, amount: 3 }),
        ),
        [`backorders.inventory_arrived ${id}`],
      );
      const done = await c.expect(200, 'GET', `/backorders/${id}`);
      assert.deepEqual(
        [done.amount_available, done.date_available, done.estimated_ship_date, done.idpurchaseorder],
        [5, null, '2030-02-20', po2.idpurchaseorder],
      );
      await t().assertLedger(c);
    });

    test('when backorders queue, then purchase orders cover them in queue order and reordering moves their estimates', async () => {
      setDay('2030-01-01');
      const c = await t().newClient();
      const s = await shop(c);
      const p = await product(c);
      const b1 = await backordered(c, s, p, 4);
      const b2 = await backordered(c, s, p, 4);
      await purchased(c, s, [{ idproduct: p, amount: 5 }], '2030-01-15');
      await purchased(c, s, [{ idproduct: p, amount: 5 }], '2030-03-01');
      assert.deepEqual((await estimate(c, b1.idbackorder))[0], '2030-01-15');
      assert.deepEqual((await estimate(c, b2.idbackorder))[0], '2030-03-01');
      // A third one finds 2 left: no estimate, and creating it changes nobody else's.
      let since = await lastEventId(c);
      const b3 = await backordered(c, s, p, 3);
      assert.deepEqual(await eventLines(c, since, 'backorder'), [`backorders.created ${b3.idbackorder}`]);
      assert.deepEqual(await estimate(c, b3.idbackorder), [null, null, null]);
      // Prioritising the second order swaps the first two.
      since = await lastEventId(c);
      const answer = await c.expect(200, 'POST', `/orders/${b2.idorder}/prioritise`);
      assert.equal(answer[0].estimated_ship_date, '2030-01-15', 'the answer shows the new estimate');
      assert.deepEqual((await eventLines(c, since, 'backorder')).sort(), [
        `backorders.delay_noticed ${b1.idbackorder}`,
        `backorders.estimate_updated ${b1.idbackorder}`,
        `backorders.estimate_updated ${b2.idbackorder}`,
      ]);
      // Rush for the third: it takes 3 of January; the second needs March; the first is not covered.
      since = await lastEventId(c);
      await c.expect(200, 'PUT', `/backorders/${b3.idbackorder}`, { priority_level: 'rush' });
      assert.deepEqual((await estimate(c, b3.idbackorder)).slice(0, 2), ['2030-01-15', '2030-01-17']);
      assert.deepEqual((await estimate(c, b2.idbackorder))[0], '2030-03-01');
      assert.deepEqual(await estimate(c, b1.idbackorder), [null, null, null]);
      assert.deepEqual((await eventLines(c, since, 'backorder')).sort(), [
        `backorders.delay_noticed ${b1.idbackorder}`,
        `backorders.delay_noticed ${b2.idbackorder}`,
        `backorders.estimate_updated ${b1.idbackorder}`,
        `backorders.estimate_updated ${b2.idbackorder}`,
        `backorders.estimate_updated ${b3.idbackorder}`,
        `backorders.updated ${b3.idbackorder}`,
      ]);
    });

    test('when a long queue waits, then a growing purchase order reaches the ones behind, and cancelling it reaches them all', async () => {
      setDay('2030-01-01');
      const c = await t().newClient();
      const s = await shop(c);
      const p = await product(c);
      const { backorders } = await processed(
        c,
        s,
        Array.from({ length: 20 }, () => [p, 1] as [number, number]),
      );
      assert.equal(backorders.length, 20);
      const po = await purchased(c, s, [{ idproduct: p, amount: 5 }], '2030-02-01');
      const dated = async () => {
        const rows = await c.expect(200, 'GET', `/backorders?idproduct=${p}`);
        return rows.filter((b: any) => b.estimated_ship_date === '2030-02-01').length;
      };
      assert.equal(await dated(), 5);
      let since = await lastEventId(c);
      await c.expect(
        200,
        'PUT',
        `/purchaseorders/${po.idpurchaseorder}/products/${po.products[0].idpurchaseorder_product}`,
        { amount: 20 },
      );
      assert.equal(await dated(), 20);
      assert.equal((await eventLines(c, since, 'backorder')).length, 15);
      since = await lastEventId(c);
      await c.expect(200, 'POST', `/purchaseorders/${po.idpurchaseorder}/cancel`);
      assert.equal(await dated(), 0);
      const events = await eventLines(c, since, 'backorder');
      assert.equal(events.filter((e) => e.startsWith('backorders.delay_noticed')).length, 20);
      assert.equal(events.filter((e) => e.startsWith('backorders.estimate_updated')).length, 20);
      assert.equal(new Set(events).size, 40, 'each once');
    });

    test('when the purchase order is set by hand, then it stays until set back to null', async () => {
      setDay('2030-01-01');
      const c = await t().newClient();
      const s = await shop(c);
      const p = await product(c);
      const b = await backordered(c, s, p, 2);
      const covering = await purchased(c, s, [{ idproduct: p, amount: 2 }], '2030-02-01');
      const other = await purchased(c, s, [{ idproduct: await product(c), amount: 1 }], '2030-05-01');
      const set = await c.expect(200, 'PUT', `/backorders/${b.idbackorder}`, {
        idpurchaseorder: other.idpurchaseorder,
      });
      assert.equal(set.idpurchaseorder, other.idpurchaseorder);
      await c.expect(200, 'PUT', `/purchaseorders/${covering.idpurchaseorder}`, {
        delivery_date: '2030-02-05',
      });
      assert.deepEqual(await estimate(c, b.idbackorder), ['2030-02-05', '2030-02-07', other.idpurchaseorder]);
      const back = await c.expect(200, 'PUT', `/backorders/${b.idbackorder}`, { idpurchaseorder: null });
      assert.equal(back.idpurchaseorder, covering.idpurchaseorder);
    });

    test('when a composition waits for parts, then it is expected when its last part is', async () => {
      setDay('2030-01-01');
      const c = await t().newClient();
      const s = await shop(c);
      const [P, Q] = [await product(c, 'P'), await product(c, 'Q')];
      const V = (
        await c.expect(201, 'POST', '/products', {
          productcode: `V-${process.pid}-${P}`,
          name: 'Kit',
          type: 'virtual_composition',
          price: 30,
        })
      ).idproduct;
      await c.expect(201, 'POST', `/products/${V}/parts`, { idproduct: P, amount: 1 });
      await c.expect(201, 'POST', `/products/${V}/parts`, { idproduct: Q, amount: 2 });
      const { backorders } = await processed(c, s, [[V, 1]]);
      const parent = backorders.find((b: any) => b.idproduct === V);
      await purchased(c, s, [{ idproduct: P, amount: 1 }], '2030-01-10');
      assert.deepEqual((await estimate(c, parent.idbackorder))[0], null, 'Q is not expected yet');
      await purchased(c, s, [{ idproduct: Q, amount: 2 }], '2030-02-01');
      assert.deepEqual((await estimate(c, parent.idbackorder)).slice(0, 2), ['2030-02-01', '2030-02-03']);
      // Q in stock: P's date is the last one missing.
      const since = await lastEventId(c);
      await addStock(c, Q, s.idwarehouse, 2);
      assert.deepEqual((await estimate(c, parent.idbackorder))[0], '2030-01-10');
      assert.ok(
        (await eventLines(c, since, 'backorder')).includes(
          `backorders.estimate_updated ${parent.idbackorder}`,
        ),
      );
      await t().assertLedger(c);
    });

    test('when an estimated ship date passes before the backorder ships, then the periodic check notices it once per date', async () => {
      setDay('2030-01-01');
      const c = await t().newClient();
      const s = await shop(c);
      const p = await product(c);
      const late = await backordered(c, s, p, 2);
      const gone = await backordered(c, s, p, 2);
      const po = await purchased(c, s, [{ idproduct: p, amount: 4 }], '2030-01-10');
      await c.expect(200, 'POST', `/backorders/${gone.idbackorder}/cancel`);
      const task = periodicTasks().find((x) => x.name === 'backorder-missed-dates')!;
      const check = async () => {
        const since = await lastEventId(c);
        await task.run(t().services);
        return eventsSince(c, since);
      };
      setDay('2030-01-10');
      assert.deepEqual(await check(), [], 'the day itself is not missed');
      setDay('2030-01-11');
      const [missed, ...more] = await check();
      assert.deepEqual(more, [], 'the cancelled one is not reported');
      assert.deepEqual(
        [missed.event, missed.resource_id, missed.data.missed_estimated_ship_date, missed.data.reason],
        ['backorders.delay_noticed', late.idbackorder, '2030-01-10', 'date_passed'],
      );
      assert.deepEqual(await check(), [], 'once per date');
      // A new, later date: its own notice when it passes too.
      await c.expect(200, 'PUT', `/purchaseorders/${po.idpurchaseorder}`, { delivery_date: '2030-01-20' });
      setDay('2030-01-15');
      assert.deepEqual(await check(), []);
      // In stock and on a picklist, but not shipped: still late.
      await addStock(c, p, s.idwarehouse, 2);
      await c.expect(200, 'POST', `/backorders/${late.idbackorder}/fulfill`);
      setDay('2030-01-21');
      assert.deepEqual(
        (await check()).map((e) => [e.event, e.resource_id, e.data.missed_estimated_ship_date]),
        [['backorders.delay_noticed', late.idbackorder, '2030-01-20']],
      );
      assert.deepEqual(await check(), []);
      setDay('2030-01-01');
    });
  },
  { clock: () => new Date(nowMs) },
);
