import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import { addStock, pickLines, placed, stockOf, waiting, world } from './orders-fixtures.ts';

/** A clock the tests move forward, so that created_at and sincedate are predictable. */
let nowMs = Date.parse('2026-03-01T08:00:00Z');
const tick = (seconds = 60) => {
  nowMs += seconds * 1000;
};

/** Backorders (seed 000 and reference/picqer-api.md 8 and 11), through the API on every engine. */
describeEngines(
  'backorders',
  (t) => {
    test('when an order waits, then its backorder has the fields of the seed, the list leaves date_available out', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      const { order: o } = await placed(c, wd, [[wd.p.C!, 2]]);
      const [listed, ...others] = await c.expect(200, 'GET', '/backorders');
      assert.equal(others.length, 0);
      // Picqer's fields, then the lifecycle's (seed 002, test/backorders-lifecycle.test.ts).
      assert.deepEqual(Object.keys(listed).sort(), [
        'actual_delivery_date',
        'actual_ship_date',
        'amount',
        'amount_available',
        'cancelled_at',
        'created_at',
        'estimated_delivery_date',
        'estimated_ship_date',
        'has_parts',
        'idbackorder',
        'idcustomer',
        'idorder',
        'idorder_product',
        'idpicklist',
        'idproduct',
        'idpurchaseorder',
        'idwarehouse',
        'metadata',
        'part_of_idbackorder',
        'parts_per_parent',
        'price',
        'priority',
        'priority_level',
        'status',
        'updated_at',
      ]);
      assert.deepEqual(
        [
          listed.idorder,
          listed.idproduct,
          listed.idcustomer,
          listed.idwarehouse,
          listed.amount,
          listed.amount_available,
        ],
        [o.idorder, wd.p.C, wd.idcustomer, wd.w.W1, 2, 0],
      );
      assert.equal(listed.idorder_product, o.products[0].idorder_product);
      assert.deepEqual(
        [listed.priority, listed.has_parts, listed.part_of_idbackorder, listed.parts_per_parent],
        [1, false, null, null],
      );
      assert.match(listed.created_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const single = await c.expect(200, 'GET', `/backorders/${listed.idbackorder}`);
      assert.deepEqual(single, { ...listed, date_available: null, is_purchased: false });
      assert.deepEqual(await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`), [single]);
    });

    test('when nothing is in stock and 12 wait, then freestock is -12 (reservedbackorders counts the full amount)', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      await placed(c, wd, [[wd.p.A!, 5]]);
      await placed(c, wd, [[wd.p.A!, 7]]);
      const s = await stockOf(c, wd.p.A!, wd.w.W1!);
      assert.deepEqual([s.stock, s.reservedbackorders, s.reserved, s.freestock], [0, 12, 12, -12]);
      await t().assertLedger(c);
    });

    test('when stock arrives for two waiting orders, then the first in (FIFO) gets it and adding stock creates no picklist', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      const o1 = (await placed(c, wd, [[wd.p.A!, 5]])).order;
      tick();
      const o2 = (await placed(c, wd, [[wd.p.A!, 5]])).order;
      await addStock(c, wd.p.A!, wd.w.W1!, 5);
      const [b1] = await c.expect(200, 'GET', `/orders/${o1.idorder}/backorders`);
      const [b2] = await c.expect(200, 'GET', `/orders/${o2.idorder}/backorders`);
      assert.deepEqual([b1.priority, b1.amount_available], [1, 5]);
      assert.deepEqual([b2.priority, b2.amount_available], [2, 0]);
      assert.deepEqual(await c.expect(200, 'GET', '/picklists'), []);
      await addStock(c, wd.p.A!, wd.w.W1!, 3);
      assert.equal((await c.expect(200, 'GET', `/backorders/${b2.idbackorder}`)).amount_available, 3);
      const s = await stockOf(c, wd.p.A!, wd.w.W1!);
      assert.deepEqual([s.stock, s.reservedbackorders, s.freestock], [8, 10, -2]);
      await t().assertLedger(c);
    });

    test('when stock is lowered, then the last in the queue loses its assignment first', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      const o1 = (await placed(c, wd, [[wd.p.A!, 2]])).order;
      const o2 = (await placed(c, wd, [[wd.p.A!, 2]])).order;
      await addStock(c, wd.p.A!, wd.w.W1!, 4);
      await addStock(c, wd.p.A!, wd.w.W1!, -1);
      const [b1] = await c.expect(200, 'GET', `/orders/${o1.idorder}/backorders`);
      const [b2] = await c.expect(200, 'GET', `/orders/${o2.idorder}/backorders`);
      assert.deepEqual([b1.amount_available, b2.amount_available], [2, 1]);
      await t().assertLedger(c);
    });

    test('when an order is prioritised, then its backorders go first and take the stock from the previous first', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      const o1 = (await placed(c, wd, [[wd.p.A!, 5]])).order;
      const o2 = (await placed(c, wd, [[wd.p.A!, 5]])).order;
      await addStock(c, wd.p.A!, wd.w.W1!, 5);
      const answer = await c.expect(200, 'POST', `/orders/${o2.idorder}/prioritise`);
      assert.deepEqual(
        answer.map((b: any) => [b.idorder, b.priority, b.amount_available]),
        [[o2.idorder, 0, 5]],
      );
      const [b1] = await c.expect(200, 'GET', `/orders/${o1.idorder}/backorders`);
      assert.deepEqual([b1.priority, b1.amount_available], [1, 0]);
      // Prioritising the first order again puts it before the second (one below the current first).
      await c.expect(200, 'POST', `/orders/${o1.idorder}/prioritise`);
      const [again] = await c.expect(200, 'GET', `/orders/${o1.idorder}/backorders`);
      assert.deepEqual([again.priority, again.amount_available], [-1, 5]);
      await t().assertLedger(c);
    });

    test('when backorders are processed with partial delivery, then the available part is picked and the backorder shrinks', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      const { order: o, backorders } = await placed(c, wd, [[wd.p.A!, 5]]);
      await addStock(c, wd.p.A!, wd.w.W1!, 3);
      const created = await c.expect(200, 'POST', '/backorders/process');
      assert.equal(created.length, 1);
      assert.deepEqual(pickLines(created, wd.p), ['Ax3']);
      assert.equal(created[0].idorder, o.idorder);
      const [left] = await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`);
      assert.deepEqual(
        [left.idbackorder, left.amount, left.amount_available],
        [backorders[0].idbackorder, 2, 0],
      );
      const s = await stockOf(c, wd.p.A!, wd.w.W1!);
      assert.deepEqual([s.stock, s.reservedpicklists, s.reservedbackorders, s.freestock], [3, 3, 2, -2]);
      // Nothing more is available: processing again creates nothing.
      assert.deepEqual(await c.expect(200, 'POST', '/backorders/process', null), []);
      await t().assertLedger(c);
    });

    test('when an order without partial delivery has one backorder short, then none of its backorders is processed', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      const { order: o, picklists } = await placed(
        c,
        wd,
        [
          [wd.p.A!, 2],
          [wd.p.B!, 2],
        ],
        { partialdelivery: false },
      );
      assert.deepEqual(picklists, []);
      await addStock(c, wd.p.A!, wd.w.W1!, 2);
      await addStock(c, wd.p.B!, wd.w.W1!, 1);
      assert.deepEqual(await c.expect(200, 'POST', `/orders/${o.idorder}/process-backorders`), []);
      assert.deepEqual(waiting(await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`), wd.p), [
        'Ax2',
        'Bx2',
      ]);
      await addStock(c, wd.p.B!, wd.w.W1!, 1);
      const created = await c.expect(200, 'POST', `/orders/${o.idorder}/process-backorders`);
      assert.deepEqual(pickLines(created, wd.p), ['Ax2', 'Bx2']);
      assert.deepEqual(await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`), []);
      await t().assertLedger(c);
    });

    test('when the worked example gets 2 more B, then processing backorders picks B x2 and B x1, C x1 keep waiting', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      await addStock(c, wd.p.A!, wd.w.W1!, 6);
      await addStock(c, wd.p.B!, wd.w.W1!, 3);
      const { order: o } = await placed(c, wd, [
        [wd.p.A!, 4],
        [wd.p.B!, 6],
        [wd.p.C!, 1],
      ]);
      await addStock(c, wd.p.B!, wd.w.W1!, 2);
      const created = await c.expect(200, 'POST', `/orders/${o.idorder}/process-backorders`);
      assert.deepEqual(pickLines(created, wd.p), ['Bx2']);
      assert.deepEqual(waiting(await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`), wd.p), [
        'Bx1',
        'Cx1',
      ]);
      assert.equal((await c.expect(200, 'GET', `/picklists?idorder=${o.idorder}`)).length, 2);
      await t().assertLedger(c);
    });

    test('when a backorder is deleted, then 204, the order line is cancelled by that amount and the order completes', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      await addStock(c, wd.p.A!, wd.w.W1!, 1);
      const {
        order: o,
        picklists,
        backorders,
      } = await placed(c, wd, [
        [wd.p.A!, 1],
        [wd.p.C!, 3],
      ]);
      const res = await c.request('DELETE', `/backorders/${backorders[0].idbackorder}`);
      assert.equal(res.status, 204);
      assert.equal(res.raw, '');
      const line = (await c.expect(200, 'GET', `/orders/${o.idorder}`)).products.find(
        (l: any) => l.idproduct === wd.p.C,
      );
      assert.deepEqual([line.amount, line.amount_cancelled], [3, 3]);
      const gone = await c.expect(200, 'GET', `/backorders/${backorders[0].idbackorder}`);
      assert.equal(gone.status, 'cancelled');
      assert.deepEqual(await c.expect(200, 'GET', '/backorders'), []);
      assert.equal((await c.expect(200, 'GET', '/backorders?status=cancelled')).length, 1);
      assert.equal((await stockOf(c, wd.p.C!, wd.w.W1!)).reservedbackorders, 0);
      // Still processing: the picklist is open. Closing it completes the order.
      assert.equal((await c.expect(200, 'GET', `/orders/${o.idorder}`)).status, 'processing');
      await c.expect(200, 'POST', `/picklists/${picklists[0].idpicklist}/pickall`);
      await c.expect(200, 'POST', `/picklists/${picklists[0].idpicklist}/close`);
      assert.equal((await c.expect(200, 'GET', `/orders/${o.idorder}`)).status, 'completed');
      // A cancelled backorder cannot be deleted again.
      assert.equal((await c.request('DELETE', `/backorders/${backorders[0].idbackorder}`)).status, 400);
      await t().assertLedger(c);
    });

    test('when the only backorder of an order that shipped nothing is deleted, then the order is cancelled and its stock moves on', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      const o1 = (await placed(c, wd, [[wd.p.A!, 2]])).order;
      const o2 = (await placed(c, wd, [[wd.p.A!, 2]])).order;
      await addStock(c, wd.p.A!, wd.w.W1!, 2);
      const [b1] = await c.expect(200, 'GET', `/orders/${o1.idorder}/backorders`);
      await c.expect(204, 'DELETE', `/backorders/${b1.idbackorder}`, []);
      assert.equal((await c.expect(200, 'GET', `/orders/${o1.idorder}`)).status, 'cancelled');
      const [b2] = await c.expect(200, 'GET', `/orders/${o2.idorder}/backorders`);
      assert.equal(b2.amount_available, 2);
      await t().assertLedger(c);
    });

    test('when filtering backorders, then idorder, idproduct, idcustomer, sinceid and sincedate each narrow the list', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      const other = (await c.expect(201, 'POST', '/customers', { name: 'Other' })).idcustomer;
      const o1 = (await placed(c, wd, [[wd.p.A!, 1]])).order;
      tick();
      const mark = new Date(nowMs).toISOString().slice(0, 19).replace('T', ' ');
      tick();
      const o2 = (
        await placed(
          c,
          wd,
          [
            [wd.p.A!, 1],
            [wd.p.B!, 1],
          ],
          { idcustomer: other },
        )
      ).order;
      const all = await c.expect(200, 'GET', '/backorders');
      assert.equal(all.length, 3);
      const ids = (q: string) =>
        c.expect(200, 'GET', `/backorders?${q}`).then((rows: any[]) => rows.map((r) => r.idbackorder));
      assert.deepEqual(await ids(`idorder=${o1.idorder}`), [all[0].idbackorder]);
      assert.deepEqual(await ids(`idorder=${o2.idorder}`), [all[1].idbackorder, all[2].idbackorder]);
      assert.deepEqual(await ids(`idproduct=${wd.p.B}`), [all[2].idbackorder]);
      assert.deepEqual(await ids(`idcustomer=${wd.idcustomer}`), [all[0].idbackorder]);
      assert.deepEqual(await ids(`idcustomer=${other}`), [all[1].idbackorder, all[2].idbackorder]);
      assert.deepEqual(await ids(`sinceid=${all[0].idbackorder}`), [all[1].idbackorder, all[2].idbackorder]);
      assert.deepEqual(await ids(`sincedate=${encodeURIComponent(mark)}`), [
        all[1].idbackorder,
        all[2].idbackorder,
      ]);
      assert.deepEqual(await ids(`sincedate=${encodeURIComponent(all[2].created_at)}`), []);
      assert.deepEqual(await ids(`idorder=${o2.idorder}&idproduct=${wd.p.A}`), [all[1].idbackorder]);
      assert.equal((await c.request('GET', '/backorders?sincedate=yesterday')).status, 400);
      assert.equal((await c.request('GET', '/backorders?idorder=abc')).status, 400);
    });

    test('when 150 backorders wait, then the list pages by 100 with offset', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      await placed(
        c,
        wd,
        Array.from({ length: 150 }, () => [wd.p.C!, 1] as [number, number]),
      );
      const page = (offset: number) => c.expect(200, 'GET', `/backorders?offset=${offset}`);
      const [p0, p1, p2] = [await page(0), await page(100), await page(200)];
      assert.deepEqual([p0.length, p1.length, p2.length], [100, 50, 0]);
      assert.ok(p0[99].idbackorder < p1[0].idbackorder);
      assert.deepEqual(
        p0.slice(0, 3).map((b: any) => b.priority),
        [1, 2, 3],
      );
      assert.equal((await stockOf(c, wd.p.C!, wd.w.W1!)).reservedbackorders, 150);
      await t().assertLedger(c);
    });

    test('when another account asks for a backorder, then it is a 404', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      const { backorders } = await placed(c, wd, [[wd.p.C!, 1]]);
      const stranger = await t().newClient();
      assert.equal((await stranger.request('GET', `/backorders/${backorders[0].idbackorder}`)).status, 404);
      assert.equal(
        (await stranger.request('DELETE', `/backorders/${backorders[0].idbackorder}`)).status,
        404,
      );
      assert.deepEqual(await stranger.expect(200, 'GET', '/backorders'), []);
      assert.equal((await c.request('GET', '/backorders/99999999')).status, 404);
    });

    test('when backorders change, then each event is emitted exactly once per cause', async () => {
      const c = await t().newClient();
      const wd = await world(c);
      const { order: o, backorders } = await placed(c, wd, [[wd.p.A!, 3]]);
      await addStock(c, wd.p.A!, wd.w.W1!, 2);
      await addStock(c, wd.p.A!, wd.w.W1!, 1);
      const [pl] = await c.expect(200, 'POST', `/orders/${o.idorder}/process-backorders`);
      await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/pickall`);
      await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/close`);
      const events = (await c.expect(200, 'GET', '/events')).filter(
        (e: any) => e.resource_type === 'backorder',
      );
      assert.deepEqual(
        events.map((e: any) => [e.event, e.data.amount_available]),
        [
          ['backorders.created', 0],
          ['backorders.inventory_arrived', 2],
          ['backorders.inventory_arrived', 3],
          ['backorders.fulfilled', 0],
        ],
      );
      assert.ok(events.every((e: any) => e.resource_id === backorders[0].idbackorder));
      const orderEvents = (await c.expect(200, 'GET', '/events')).filter(
        (e: any) => e.resource_type === 'order',
      );
      assert.deepEqual(
        orderEvents.map((e: any) => e.event),
        [
          'orders.created',
          'orders.closed',
          'orders.status_changed',
          'orders.status_changed',
          'orders.completed',
        ],
      );
      await t().assertLedger(c);
    });
  },
  { clock: () => new Date(nowMs) },
);
