import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKORDER_STATUSES, type BackorderStatus } from '../src/domain/backorder-lifecycle.ts';
import { describeEngines, type Client, type Response } from './harness.ts';
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
  type Shop,
} from './lifecycle-fixtures.ts';

/**
 * The backorder lifecycle of seed 002 through the API on every engine: every action from every
 * status (the transition table), what each allowed action does and emits, and what a refusal says.
 */

const nowMs = Date.parse('2030-01-01T08:00:00Z');

const STATUSES = BACKORDER_STATUSES;
type Status = BackorderStatus;

/** A fresh backorder of 2 (its own product) brought to `status` through the API. */
async function inStatus(c: Client, s: Shop, status: Status): Promise<{ b: any; idproduct: number }> {
  const idproduct = await product(c);
  const { idbackorder, idorder } = await backordered(c, s, idproduct, 2);
  const url = `/backorders/${idbackorder}`;
  if (status === 'confirmed') await c.expect(200, 'POST', `${url}/confirm`);
  if (status === 'in-production' || status === 'in-transit') await c.expect(200, 'PUT', url, { status });
  if (status === 'processed' || status === 'fulfilled') {
    await addStock(c, idproduct, s.idwarehouse, 2);
    await c.expect(200, 'POST', `${url}/fulfill`);
  }
  if (status === 'fulfilled') {
    const [pl] = await c.expect(200, 'GET', `/picklists?idorder=${idorder}`);
    await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/pickall`);
    await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/close`);
  }
  if (status === 'cancelled') await c.expect(200, 'POST', `${url}/cancel`);
  const b = await c.expect(200, 'GET', url);
  assert.equal(b.status, status);
  return { b, idproduct };
}

interface Action {
  call: (c: Client, b: any) => Promise<Response>;
  /** The status after it, when it changes it. */
  to?: Status;
  /** The backorder events it emits. */
  emits: string[];
  check?: (after: any) => void;
}

const ACTIONS: Record<string, Action> = {
  confirm: {
    call: (c, b) => c.post(`/backorders/${b.idbackorder}/confirm`),
    to: 'confirmed',
    emits: ['backorders.confirmed'],
  },
  update: {
    call: (c, b) => c.put(`/backorders/${b.idbackorder}`, { priority: 50 }),
    emits: ['backorders.updated'],
    check: (b) => assert.equal(b.priority, 50),
  },
  'update status to in-production': {
    call: (c, b) => c.put(`/backorders/${b.idbackorder}`, { status: 'in-production' }),
    to: 'in-production',
    emits: ['backorders.updated'],
  },
  'update status to in-transit': {
    call: (c, b) => c.put(`/backorders/${b.idbackorder}`, { status: 'in-transit' }),
    to: 'in-transit',
    emits: ['backorders.updated'],
  },
  'update metadata': {
    call: (c, b) => c.put(`/backorders/${b.idbackorder}`, { metadata: { crm: 'R-1', gift: true } }),
    emits: ['backorders.updated'],
    check: (b) => assert.deepEqual(b.metadata, { crm: 'R-1', gift: true }),
  },
  'update actual_delivery_date': {
    call: (c, b) => c.put(`/backorders/${b.idbackorder}`, { actual_delivery_date: '2030-01-03' }),
    emits: ['backorders.updated'],
    check: (b) => assert.equal(b.actual_delivery_date, '2030-01-03'),
  },
  'update-estimate': {
    call: (c, b) =>
      c.post(`/backorders/${b.idbackorder}/update-estimate`, { estimated_ship_date: '2030-03-01' }),
    emits: ['backorders.estimate_updated'],
    check: (b) =>
      assert.deepEqual([b.estimated_ship_date, b.estimated_delivery_date], ['2030-03-01', '2030-03-03']),
  },
  'notify-customer': {
    call: (c, b) => c.post(`/backorders/${b.idbackorder}/notify-customer`, null),
    emits: [],
  },
  fulfill: {
    call: (c, b) => c.post(`/backorders/${b.idbackorder}/fulfill`),
    to: 'processed',
    emits: [],
    check: (b) => assert.ok(b.idpicklist > 0),
  },
  cancel: {
    call: (c, b) => c.post(`/backorders/${b.idbackorder}/cancel`, []),
    to: 'cancelled',
    emits: ['backorders.cancelled'],
    check: (b) => assert.equal(b.cancelled_at, '2030-01-01 08:00:00'),
  },
  delete: {
    call: (c, b) => c.del(`/backorders/${b.idbackorder}`),
    to: 'cancelled',
    emits: ['backorders.deleted'],
  },
};

const OPEN_ACTIONS = [
  'update',
  'update metadata',
  'update-estimate',
  'notify-customer',
  'fulfill',
  'cancel',
  'delete',
];

/** What each status allows, written out (the test of src/domain/backorder-lifecycle.ts's table). */
const ALLOWED: Record<Status, string[]> = {
  pending: ['confirm', 'update status to in-production', 'update status to in-transit', ...OPEN_ACTIONS],
  confirmed: ['update status to in-production', 'update status to in-transit', ...OPEN_ACTIONS],
  'in-production': ['update status to in-transit', ...OPEN_ACTIONS],
  'in-transit': OPEN_ACTIONS,
  processed: ['update metadata', 'update-estimate', 'notify-customer'],
  fulfilled: ['update metadata', 'update actual_delivery_date', 'notify-customer'],
  cancelled: ['update metadata', 'notify-customer'],
};

describeEngines(
  'backorder lifecycle',
  (t) => {
    for (const status of STATUSES)
      test(`when a backorder is ${status}, then every action does what the transition table says`, async () => {
        const c = await t().newClient();
        const s = await shop(c);
        for (const [name, action] of Object.entries(ACTIONS)) {
          const { b, idproduct } = await inStatus(c, s, status);
          // Setting the status it already has changes nothing: allowed, no event.
          const same = action.to === status && name.startsWith('update status');
          const allowed = ALLOWED[status].includes(name) || same;
          if (name === 'fulfill' && allowed) await addStock(c, idproduct, s.idwarehouse, 2);
          const before = await c.expect(200, 'GET', `/backorders/${b.idbackorder}`);
          const since = await lastEventId(c);
          const res = await action.call(c, b);
          const after = await c.expect(200, 'GET', `/backorders/${b.idbackorder}`);
          const events = await eventLines(c, since, 'backorder');
          const what = `${name} from ${status}: ${res.raw}`;
          if (!allowed) {
            assert.equal(res.status, 400, what);
            assert.equal(res.body.error_code, 21, what);
            assert.match(
              res.body.error_message,
              new RegExp(`^Backorder ${b.idbackorder} is ${status}: .* Allowed when ${status}: `),
              what,
            );
            assert.deepEqual(after, before, what);
            assert.deepEqual(await eventLines(c, since), [], what);
            continue;
          }
          assert.equal(res.status, name === 'delete' ? 204 : 200, what);
          if (name !== 'delete') assert.deepEqual(res.body, after, what);
          assert.equal(after.status, action.to ?? status, what);
          assert.deepEqual(events, same ? [] : action.emits.map((e) => `${e} ${b.idbackorder}`), what);
          action.check?.(after);
        }
        await t().assertLedger(c);
      });

    test('when an action is refused, then the message names the status and every action it allows', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const { b } = await inStatus(c, s, 'fulfilled');
      const res = await c.post(`/backorders/${b.idbackorder}/cancel`);
      assert.equal(res.status, 400);
      assert.equal(
        res.body.error_message,
        `Backorder ${b.idbackorder} is fulfilled: cancel is not allowed. Allowed when fulfilled: ` +
          'update metadata, update actual_delivery_date, notify-customer',
      );
    });

    test('when another account acts on a backorder, then every action is a 404 and nothing changes', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const { b } = await inStatus(c, s, 'pending');
      const stranger = await t().newClient();
      for (const [name, action] of Object.entries(ACTIONS)) {
        const res = await action.call(stranger, b);
        assert.equal(res.status, 404, `${name}: ${res.raw}`);
        assert.equal(res.body.error_code, 20);
      }
      assert.equal((await stranger.get(`/backorders/${b.idbackorder}/notifications`)).status, 404);
      assert.deepEqual(await c.expect(200, 'GET', `/backorders/${b.idbackorder}`), b);
      assert.equal((await c.post('/backorders/99999999/confirm')).status, 404);
    });

    test('when a backorder is created, then it has the price of its order line in cents, standard priority, an empty metadata', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const p = await product(c);
      const o = await c.expect(201, 'POST', '/orders', {
        idcustomer: s.idcustomer,
        products: [{ idproduct: p, amount: 3, price: 19.99 }],
      });
      await c.expect(200, 'POST', `/orders/${o.idorder}/process`);
      const [b] = await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`);
      assert.deepEqual(
        {
          status: b.status,
          price: b.price,
          priority_level: b.priority_level,
          estimated_ship_date: b.estimated_ship_date,
          estimated_delivery_date: b.estimated_delivery_date,
          actual_ship_date: b.actual_ship_date,
          actual_delivery_date: b.actual_delivery_date,
          idpurchaseorder: b.idpurchaseorder,
          idpicklist: b.idpicklist,
          cancelled_at: b.cancelled_at,
          metadata: b.metadata,
          updated_at: b.updated_at,
        },
        {
          status: 'pending',
          price: 1999,
          priority_level: 'standard',
          estimated_ship_date: null,
          estimated_delivery_date: null,
          actual_ship_date: null,
          actual_delivery_date: null,
          idpurchaseorder: null,
          idpicklist: null,
          cancelled_at: null,
          metadata: {},
          updated_at: '2030-01-01 08:00:00',
        },
      );
    });

    test('when a backorder is cancelled, then its order line amount is cancelled and the event carries the refund', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const [a, b] = [await product(c), await product(c)];
      await addStock(c, b, s.idwarehouse, 1);
      const o = await c.expect(201, 'POST', '/orders', {
        idcustomer: s.idcustomer,
        products: [
          { idproduct: a, amount: 3, price: 19.99 },
          { idproduct: b, amount: 1 },
        ],
      });
      await c.expect(200, 'POST', `/orders/${o.idorder}/process`);
      const [bo] = await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`);
      const since = await lastEventId(c);
      const cancelled = await c.expect(200, 'POST', `/backorders/${bo.idbackorder}/cancel`);
      assert.deepEqual([cancelled.status, cancelled.amount], ['cancelled', 3]);
      const [event] = (await eventsSince(c, since)).filter((e) => e.resource_type === 'backorder');
      assert.equal(event.event, 'backorders.cancelled');
      assert.equal(event.data.refund_amount_cents, 3 * 1999);
      assert.equal(event.data.status, 'cancelled');
      const line = (await c.expect(200, 'GET', `/orders/${o.idorder}`)).products.find(
        (l: any) => l.idproduct === a,
      );
      assert.deepEqual([line.amount, line.amount_cancelled], [3, 3]);
      assert.equal(
        (await c.expect(200, 'GET', `/products/${a}/stock/${s.idwarehouse}`)).reservedbackorders,
        0,
      );
      // Still processing (the picklist of B is open), then completed when it closes.
      assert.equal((await c.expect(200, 'GET', `/orders/${o.idorder}`)).status, 'processing');
      assert.deepEqual(await c.expect(200, 'GET', '/backorders?status=cancelled'), [
        (({ date_available: _d, is_purchased: _p, ...rest }) => rest)(cancelled),
      ]);
      await t().assertLedger(c);
    });

    test('when cancelled units of a line in processing are backordered again, then POST /backorders brings them back', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const [a, b] = [await product(c), await product(c)];
      await addStock(c, b, s.idwarehouse, 1);
      const { order, backorders } = await processed(c, s, [
        [a, 4],
        [b, 1],
      ]);
      const lineA = order.products.find((l: any) => l.idproduct === a);
      const lineB = order.products.find((l: any) => l.idproduct === b);
      // Nothing is free while 4 wait: refused, and nothing changes.
      const full = await c.post('/backorders', { idorder_product: lineA.idorder_product });
      assert.equal(full.status, 400);
      assert.match(
        full.body.error_message,
        /has nothing left to backorder: all 4 units are shipped, on a picklist or waiting/,
      );
      await c.expect(200, 'PUT', `/backorders/${backorders[0].idbackorder}`, { amount: 1 });
      const since = await lastEventId(c);
      const created = await c.expect(201, 'POST', '/backorders', {
        idorder_product: lineA.idorder_product,
        amount: 2,
        priority_level: 'rush',
        metadata: { reason: 'customer asked again' },
      });
      assert.deepEqual(
        [
          created.idorder,
          created.idproduct,
          created.amount,
          created.status,
          created.priority_level,
          created.price,
        ],
        [order.idorder, a, 2, 'pending', 'rush', 1250],
      );
      assert.deepEqual(created.metadata, { reason: 'customer asked again' });
      const events = await eventsSince(c, since);
      assert.deepEqual(
        events
          .filter((e) => e.resource_type === 'backorder')
          .map((e) => [e.event, e.resource_id, e.data.metadata]),
        [['backorders.created', created.idbackorder, { reason: 'customer asked again' }]],
      );
      let line = (await c.expect(200, 'GET', `/orders/${order.idorder}`)).products.find(
        (l: any) => l.idproduct === a,
      );
      assert.deepEqual([line.amount, line.amount_cancelled], [4, 1]);
      assert.equal(
        (await c.expect(200, 'GET', `/products/${a}/stock/${s.idwarehouse}`)).reservedbackorders,
        3,
      );
      // Without an amount: all that is free (the last cancelled unit).
      const rest = await c.expect(201, 'POST', '/backorders', { idorder_product: lineA.idorder_product });
      assert.equal(rest.amount, 1);
      line = (await c.expect(200, 'GET', `/orders/${order.idorder}`)).products.find(
        (l: any) => l.idproduct === a,
      );
      assert.equal(line.amount_cancelled, 0);
      // Refusals: more than is free, a line on a picklist, an unknown line, a foreign warehouse.
      for (const [body, message] of [
        [{ idorder_product: lineA.idorder_product, amount: 1 }, /nothing left to backorder/],
        [{ idorder_product: lineB.idorder_product }, /nothing left to backorder: all 1 units/],
        [{ idorder_product: 99999999 }, /Order line 99999999 does not exist/],
        [
          { idorder_product: lineA.idorder_product, idwarehouse: 99999999 },
          /not one of the active warehouses/,
        ],
        [
          { idorder_product: lineA.idorder_product, priority_level: 'urgent' },
          /priority_level "urgent" is unknown/,
        ],
        [{ idorder_product: lineA.idorder_product, metadata: [1] }, /metadata must be an object/],
      ] as const) {
        const res = await c.post('/backorders', body);
        assert.equal(res.status, 400, res.raw);
        assert.match(res.body.error_message, message);
      }
      await t().assertLedger(c);
    });

    test('when the order is not processing, then no backorder is created for its lines', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const a = await product(c);
      const concept = await c.expect(201, 'POST', '/orders', {
        idcustomer: s.idcustomer,
        products: [{ idproduct: a, amount: 1 }],
      });
      const res = await c.post('/backorders', { idorder_product: concept.products[0].idorder_product });
      assert.equal(res.status, 400);
      assert.match(
        res.body.error_message,
        /is concept; backorders are created only for lines of an order in processing/,
      );
      // Cancelling its only backorder cancels the order: its line cannot come back.
      const b = await backordered(c, s, a, 2);
      await c.expect(200, 'POST', `/backorders/${b.idbackorder}/cancel`);
      const again = await c.post('/backorders', { idorder_product: b.idorder_product });
      assert.match(again.body.error_message, /is cancelled; backorders are created only/);
      assert.deepEqual(await c.expect(200, 'GET', '/backorders'), []);
    });

    test('when the amount of a backorder changes, then a smaller one cancels on the line with a refund and a larger one needs free units', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const a = await product(c);
      const b = await backordered(c, s, a, 5);
      await addStock(c, a, s.idwarehouse, 4);
      const since = await lastEventId(c);
      const smaller = await c.expect(200, 'PUT', `/backorders/${b.idbackorder}`, { amount: 3 });
      assert.deepEqual([smaller.amount, smaller.amount_available], [3, 3]);
      const [event] = (await eventsSince(c, since)).filter((e) => e.resource_type === 'backorder');
      assert.deepEqual(
        [event.event, event.data.amount, event.data.refund_amount_cents],
        ['backorders.updated', 3, 2 * 1250],
      );
      let line = (await c.expect(200, 'GET', `/orders/${b.idorder}`)).products[0];
      assert.equal(line.amount_cancelled, 2);
      const level = await c.expect(200, 'GET', `/products/${a}/stock/${s.idwarehouse}`);
      assert.deepEqual([level.reservedbackorders, level.freestock], [3, 1]);
      const tooMuch = await c.put(`/backorders/${b.idbackorder}`, { amount: 6 });
      assert.equal(tooMuch.status, 400);
      assert.match(
        tooMuch.body.error_message,
        /has 2 unit\(s\) that are not shipped, on a picklist or waiting/,
      );
      const larger = await c.expect(200, 'PUT', `/backorders/${b.idbackorder}`, { amount: 5 });
      assert.deepEqual([larger.amount, larger.amount_available], [5, 4]);
      line = (await c.expect(200, 'GET', `/orders/${b.idorder}`)).products[0];
      assert.equal(line.amount_cancelled, 0);
      assert.equal((await c.put(`/backorders/${b.idbackorder}`, { amount: 0 })).status, 400);
      await t().assertLedger(c);
    });

    test('when a PUT asks for what it cannot do, then a 400 says what to use and nothing changes', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const b = await backordered(c, s, await product(c), 2);
      const cases: [object, RegExp][] = [
        [{ status: 'confirmed' }, /for "confirmed" use POST \/backorders\/\{id\}\/confirm/],
        [{ status: 'fulfilled' }, /in-production or in-transit with PUT/],
        [{ estimated_ship_date: '2030-02-01' }, /update-estimate, not with PUT/],
        [{ priority_level: 'asap' }, /use rush, expedited or standard/],
        [{ idpurchaseorder: 99999999 }, /Purchase order 99999999 does not exist/],
        [{ metadata: { a: { b: 1 } } }, /"a" is object/],
        [{ metadata: 'x' }, /metadata must be an object/],
        [{ actual_delivery_date: '2030-01-02' }, /is pending: update actual_delivery_date is not allowed/],
        [{ priority: 'high' }, /Invalid body/],
      ];
      for (const [body, message] of cases) {
        const res = await c.put(`/backorders/${b.idbackorder}`, body);
        assert.equal(res.status, 400, res.raw);
        assert.match(res.body.error_message, message);
      }
      assert.deepEqual(await c.expect(200, 'GET', `/backorders/${b.idbackorder}`), b);
      // Nothing new: no event, the answer as it was.
      const since = await lastEventId(c);
      assert.deepEqual(
        await c.expect(200, 'PUT', `/backorders/${b.idbackorder}`, { priority: b.priority }),
        b,
      );
      assert.deepEqual(await eventsSince(c, since), []);
    });

    test('when metadata is set, then it replaces the old, shows in lists and events, and limits are clear 400s', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const b = await backordered(c, s, await product(c), 1);
      const big = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key${i}`, 'v'.repeat(500)]));
      await c.expect(200, 'PUT', `/backorders/${b.idbackorder}`, { metadata: big });
      const [listed] = await c.expect(200, 'GET', '/backorders');
      assert.deepEqual(listed.metadata, big);
      await c.expect(200, 'PUT', `/backorders/${b.idbackorder}`, { metadata: { only: 1, none: null } });
      assert.deepEqual((await c.expect(200, 'GET', `/backorders/${b.idbackorder}`)).metadata, {
        only: 1,
        none: null,
      });
      const tooMany = await c.put(`/backorders/${b.idbackorder}`, { metadata: { ...big, key50: 1 } });
      assert.equal(tooMany.status, 400);
      assert.equal(tooMany.body.error_message, 'metadata has 51 keys; at most 50 are allowed');
      const tooLong = await c.put(`/backorders/${b.idbackorder}`, { metadata: { note: 'x'.repeat(501) } });
      assert.match(tooLong.body.error_message, /"note" has 501 characters; at most 500/);
      assert.deepEqual((await c.expect(200, 'GET', `/backorders/${b.idbackorder}`)).metadata, {
        only: 1,
        none: null,
      });
    });

    test('when backorders have priority levels, then rush gets stock before expedited before standard, whatever the priority number', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const a = await product(c);
      const standard = await backordered(c, s, a, 1);
      const expedited = await backordered(c, s, a, 1);
      const rush = await backordered(c, s, a, 1);
      const late = await backordered(c, s, a, 1);
      await c.expect(200, 'PUT', `/backorders/${expedited.idbackorder}`, { priority_level: 'expedited' });
      await c.expect(200, 'PUT', `/backorders/${rush.idbackorder}`, { priority_level: 'rush' });
      await addStock(c, a, s.idwarehouse, 2);
      const available = async () =>
        Promise.all(
          [standard, expedited, rush, late].map(
            async (b) => (await c.expect(200, 'GET', `/backorders/${b.idbackorder}`)).amount_available,
          ),
        );
      assert.deepEqual(await available(), [0, 1, 1, 0]);
      // Prioritising a standard order puts it first among standard ones, still behind the levels above.
      await c.expect(200, 'POST', `/orders/${late.idorder}/prioritise`);
      await addStock(c, a, s.idwarehouse, 1);
      assert.deepEqual(await available(), [0, 1, 1, 1]);
      // Taking the rush level away moves its stock on, to the first standard one in line.
      await c.expect(200, 'PUT', `/backorders/${rush.idbackorder}`, { priority_level: 'standard' });
      assert.deepEqual(await available(), [1, 1, 0, 1]);
      // A priority number orders within a level: the lowest standard one goes first.
      await c.expect(200, 'PUT', `/backorders/${rush.idbackorder}`, { priority: -100 });
      assert.deepEqual(await available(), [0, 1, 1, 1]);
      await t().assertLedger(c);
    });

    test('when a backorder is fulfilled, then it goes on a picklist now, and it is fulfilled when the picklist closes', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const a = await product(c);
      const b = await backordered(c, s, a, 3);
      const none = await c.post(`/backorders/${b.idbackorder}/fulfill`);
      assert.equal(none.status, 400);
      assert.equal(none.body.error_code, 100);
      assert.match(
        none.body.error_message,
        new RegExp(`backorder ${b.idbackorder} has 0 of 3 .* POST /orders/${b.idorder}/process-backorders`),
      );
      await addStock(c, a, s.idwarehouse, 2);
      assert.match((await c.post(`/backorders/${b.idbackorder}/fulfill`)).body.error_message, /has 2 of 3/);
      await addStock(c, a, s.idwarehouse, 1);
      const since = await lastEventId(c);
      const done = await c.expect(200, 'POST', `/backorders/${b.idbackorder}/fulfill`);
      assert.deepEqual([done.status, done.amount, done.amount_available], ['processed', 3, 0]);
      const [pl] = await c.expect(200, 'GET', `/picklists?idorder=${b.idorder}`);
      assert.equal(done.idpicklist, pl.idpicklist);
      assert.deepEqual(
        pl.products.map((l: any) => [l.idproduct, l.amount]),
        [[a, 3]],
      );
      assert.deepEqual(await eventLines(c, since, 'picklist'), [`picklists.created ${pl.idpicklist}`]);
      // Processed: not in the default list, found by status.
      assert.deepEqual(await c.expect(200, 'GET', '/backorders'), []);
      assert.equal((await c.expect(200, 'GET', '/backorders?status=processed')).length, 1);
      await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/pickall`);
      await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/close`);
      const shipped = await c.expect(200, 'GET', `/backorders/${b.idbackorder}`);
      assert.deepEqual([shipped.status, shipped.actual_ship_date], ['fulfilled', '2030-01-01']);
      assert.deepEqual(
        (await c.expect(200, 'GET', '/backorders?status=fulfilled')).map((x: any) => x.idbackorder),
        [b.idbackorder],
      );
      assert.equal((await c.expect(200, 'GET', `/orders/${b.idorder}`)).status, 'completed');
      await t().assertLedger(c);
    });

    test('when a backorder ships in parts, then every part keeps its promise: metadata, estimate, purchase order', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const a = await product(c);
      const b = await backordered(c, s, a, 3);
      const url = `/backorders/${b.idbackorder}`;
      await c.expect(200, 'PUT', url, { metadata: { ref: 'A-1' } });
      await c.expect(200, 'POST', `${url}/update-estimate`, { estimated_ship_date: '2030-02-01' });
      await addStock(c, a, s.idwarehouse, 2);
      const [pl] = await c.expect(200, 'POST', `/orders/${b.idorder}/process-backorders`);
      const promise = (x: any) => [x.metadata, x.estimated_ship_date, x.estimated_delivery_date, x.price];
      const expected = [{ ref: 'A-1' }, '2030-02-01', '2030-02-03', 1250];
      const [processedPart] = await c.expect(200, 'GET', `/backorders?status=processed`);
      assert.deepEqual([processedPart.amount, ...promise(processedPart)], [2, ...expected]);
      assert.deepEqual(promise(await c.expect(200, 'GET', url)), expected);
      // One of the two is picked: the other waits again, as a new backorder with the same promise.
      await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/pick`, { product: a, amount: 1 });
      await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/close`);
      const waiting = await c.expect(200, 'GET', `/orders/${b.idorder}/backorders`);
      assert.deepEqual(
        waiting.map((x: any) => [x.amount, ...promise(x)]),
        [
          [1, ...expected],
          [1, ...expected],
        ],
      );
      await t().assertLedger(c);
    });

    test('when an order without partial delivery has other backorders, or is paused, then fulfill is refused', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const [a, b] = [await product(c), await product(c)];
      const { order, backorders } = await processed(
        c,
        s,
        [
          [a, 1],
          [b, 1],
        ],
        { partialdelivery: false },
      );
      await addStock(c, a, s.idwarehouse, 1);
      const res = await c.post(`/backorders/${backorders[0].idbackorder}/fulfill`);
      assert.equal(res.status, 400);
      assert.match(
        res.body.error_message,
        new RegExp(`does not allow partial delivery and backorders ${backorders[1].idbackorder} wait too`),
      );
      await addStock(c, b, s.idwarehouse, 1);
      await c.expect(200, 'POST', `/orders/${order.idorder}/pause`);
      const paused = await c.post(`/backorders/${backorders[0].idbackorder}/fulfill`);
      assert.match(paused.body.error_message, /is paused: resume it before fulfilling its backorders/);
      await c.expect(200, 'POST', `/orders/${order.idorder}/resume`);
      const together = await c.expect(200, 'POST', `/orders/${order.idorder}/process-backorders`);
      assert.equal(together.length, 1);
      await t().assertLedger(c);
    });

    test('when an estimate is set by hand, then purchase orders leave it alone until both dates are cleared', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const a = await product(c);
      const b = await backordered(c, s, a, 2);
      const url = `/backorders/${b.idbackorder}`;
      const manual = await c.expect(200, 'POST', `${url}/update-estimate`, {
        estimated_ship_date: '2030-02-01',
        estimated_delivery_date: '2030-02-10',
      });
      assert.deepEqual(
        [manual.estimated_ship_date, manual.estimated_delivery_date],
        ['2030-02-01', '2030-02-10'],
      );
      const since = await lastEventId(c);
      const po = await purchased(c, s, [{ idproduct: a, amount: 5 }], '2030-01-20');
      let now = await c.expect(200, 'GET', url);
      assert.deepEqual(
        [now.estimated_ship_date, now.date_available, now.idpurchaseorder],
        ['2030-02-01', '2030-01-20', po.idpurchaseorder],
      );
      assert.deepEqual(await eventLines(c, since, 'backorder'), [
        `backorders.estimate_updated ${b.idbackorder}`,
      ]);
      // Later than the estimate by hand: a delay is noticed, the estimate stays.
      const later = await lastEventId(c);
      await c.expect(200, 'PUT', `/purchaseorders/${po.idpurchaseorder}`, { delivery_date: '2030-02-15' });
      now = await c.expect(200, 'GET', url);
      assert.equal(now.estimated_ship_date, '2030-02-01');
      const [delay] = (await eventsSince(c, later)).filter((e) => e.resource_type === 'backorder');
      assert.deepEqual(
        [delay.event, delay.data.date_available, delay.data.missed_estimated_ship_date, delay.data.reason],
        ['backorders.delay_noticed', '2030-02-15', '2030-02-01', 'expected_later'],
      );
      // Cleared: it follows the purchase order again (once), delivery after the transit days.
      const clear = await lastEventId(c);
      const auto = await c.expect(200, 'POST', `${url}/update-estimate`, {
        estimated_ship_date: null,
        estimated_delivery_date: null,
      });
      assert.deepEqual(
        [auto.estimated_ship_date, auto.estimated_delivery_date],
        ['2030-02-15', '2030-02-17'],
      );
      assert.deepEqual(await eventLines(c, clear, 'backorder'), [
        `backorders.estimate_updated ${b.idbackorder}`,
      ]);
      for (const [body, message] of [
        [{ estimated_ship_date: '2030-02-31' }, /not a calendar date/],
        [{ estimated_delivery_date: '2030-02-01' }, /Give estimated_ship_date with/],
        [
          { estimated_ship_date: '2030-03-01', estimated_delivery_date: '2030-02-01' },
          /is before estimated_ship_date/,
        ],
      ] as const) {
        const res = await c.post(`${url}/update-estimate`, body);
        assert.equal(res.status, 400);
        assert.match(res.body.error_message, message);
      }
    });
  },
  { clock: () => new Date(nowMs) },
);
