import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describePostgres } from './harness.ts';
import {
  addStock,
  backordered,
  eventsSince,
  lastEventId,
  processed,
  product,
  purchased,
  shop,
} from './lifecycle-fixtures.ts';

/** The backorder lifecycle under concurrent requests, on PostgreSQL. */

const nowMs = Date.parse('2030-01-01T08:00:00Z');

describePostgres(
  'backorder lifecycle races',
  (t) => {
    test('when cancel, fulfill, confirm and updates race on one backorder, then one outcome wins, each event once, counters agree', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      for (let round = 0; round < 5; round++) {
        const p = await product(c);
        const b = await backordered(c, s, p, 3);
        await addStock(c, p, s.idwarehouse, 3);
        const since = await lastEventId(c);
        const url = `/backorders/${b.idbackorder}`;
        const calls = [
          () => c.post(`${url}/cancel`),
          () => c.post(`${url}/fulfill`),
          () => c.del(url),
          () => c.post(`${url}/confirm`),
          () => c.put(url, { status: 'in-transit', metadata: { round } }),
          () => c.put(url, { amount: 2 }),
          () => c.post(`${url}/update-estimate`, { estimated_ship_date: '2030-02-01' }),
        ];
        const answers = await Promise.all([...calls, ...calls].map((call) => call()));
        assert.deepEqual(
          answers.filter((r) => r.status >= 500).map((r) => r.raw),
          [],
        );
        const after = await c.expect(200, 'GET', url);
        const events = (await eventsSince(c, since)).filter((e) => e.resource_type === 'backorder');
        const count = (name: string) => events.filter((e) => e.event === name).length;
        // Cancel, delete and fulfill end the waiting: exactly one of them happened, once.
        const ends = count('backorders.cancelled') + count('backorders.deleted') + (after.idpicklist ? 1 : 0);
        assert.equal(ends, 1, JSON.stringify(events.map((e) => e.event)));
        assert.ok(['cancelled', 'processed'].includes(after.status), after.status);
        assert.ok(count('backorders.confirmed') <= 1);
        const level = await c.expect(200, 'GET', `/products/${p}/stock/${s.idwarehouse}`);
        assert.equal(level.reservedbackorders, 0);
        assert.equal(level.reservedpicklists, after.status === 'processed' ? after.amount : 0);
        const line = (await c.expect(200, 'GET', `/orders/${b.idorder}`)).products[0];
        const shippedOrWaiting = after.status === 'processed' ? after.amount : 0;
        assert.equal(
          line.amount - line.amount_cancelled,
          shippedOrWaiting,
          'the order line accounts for every unit',
        );
      }
      await t().assertLedger(c);
    });

    test('when purchase orders change while receipts arrive, then every stored estimate equals the expected date computed now', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const p = await product(c);
      const { backorders } = await processed(
        c,
        s,
        Array.from({ length: 12 }, () => [p, 2] as [number, number]),
      );
      const pos: any[] = [];
      for (const [i, date] of ['2030-02-01', '2030-03-01', '2030-04-01'].entries())
        pos.push(await purchased(c, s, [{ idproduct: p, amount: 6 + i }], date));
      const receipt = await c.expect(201, 'POST', '/receipts', { idpurchaseorder: pos[2].idpurchaseorder });
      const work = [
        ...pos.map(
          (po, i) => () =>
            c.put(`/purchaseorders/${po.idpurchaseorder}`, { delivery_date: `2030-0${5 - i}-15` }),
        ),
        ...Array.from(
          { length: 4 },
          () => () => c.post(`/receipts/${receipt.idreceipt}/products`, { idproduct: p, amount: 1 }),
        ),
        () => c.post(`/orders/${backorders[11].idorder}/prioritise`),
        () => c.put(`/backorders/${backorders[7].idbackorder}`, { priority_level: 'rush' }),
        () => c.post(`/purchaseorders/${pos[0].idpurchaseorder}/cancel`),
        () => addStock(c, p, s.idwarehouse, 1),
      ];
      const answers = await Promise.all(work.map((w) => w()));
      assert.deepEqual(
        answers.filter((r: any) => r.status >= 500).map((r: any) => r.raw),
        [],
      );
      for (const b of backorders) {
        const now = await c.expect(200, 'GET', `/backorders/${b.idbackorder}`);
        if (now.amount_available < now.amount)
          assert.equal(now.estimated_ship_date, now.date_available, `backorder ${b.idbackorder}`);
      }
      await t().assertLedger(c);
    });

    test('when several processes run the missed-date check at once, then each missed date is reported once', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const ids = [];
      for (let i = 0; i < 6; i++) {
        const b = await backordered(c, s, await product(c), 1);
        await c.expect(200, 'POST', `/backorders/${b.idbackorder}/update-estimate`, {
          estimated_ship_date: '2029-12-20',
        });
        ids.push(b.idbackorder);
      }
      await Promise.all(Array.from({ length: 5 }, () => t().services.backorders.noticeMissedDates(2)));
      // The check spans accounts: another test file's run on the same database may report some of
      // these first. Whoever ran it, each missed date is reported once in this account.
      const events = (await eventsSince(c, 0)).filter(
        (e) => e.event === 'backorders.delay_noticed' && e.data.reason === 'date_passed',
      );
      assert.deepEqual(
        events.map((e) => e.resource_id).sort((a, b) => a - b),
        ids,
      );
    });
  },
  { clock: () => new Date(nowMs) },
);
