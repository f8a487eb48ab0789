import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import {
  addStock,
  order,
  pickLines,
  placed,
  processOrder,
  stockOf,
  waiting,
  world,
} from './orders-fixtures.ts';

/** Orders and processing (reference/picqer-api.md 6), through the API on every engine. */
describeEngines('orders', (t) => {
  test('when the worked example is processed with partial delivery, then A x4 + B x3 are picked and B x3, C x1 wait', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    await addStock(c, wd.p.A!, wd.w.W1!, 6);
    await addStock(c, wd.p.B!, wd.w.W1!, 3);
    const {
      order: o,
      picklists,
      backorders,
    } = await placed(c, wd, [
      [wd.p.A!, 4],
      [wd.p.B!, 6],
      [wd.p.C!, 1],
    ]);
    assert.equal(o.status, 'processing');
    assert.equal(picklists.length, 1);
    assert.deepEqual(pickLines(picklists, wd.p), ['Ax4', 'Bx3']);
    assert.deepEqual(waiting(backorders, wd.p), ['Bx3', 'Cx1']);
    const b = await stockOf(c, wd.p.B!, wd.w.W1!);
    assert.deepEqual([b.stock, b.reservedpicklists, b.reservedbackorders, b.freestock], [3, 3, 3, -3]);
    await t().assertLedger(c);
  });

  test('when the worked example is processed without partial delivery, then nothing is picked and every line waits', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    await addStock(c, wd.p.A!, wd.w.W1!, 6);
    await addStock(c, wd.p.B!, wd.w.W1!, 3);
    const {
      order: o,
      picklists,
      backorders,
    } = await placed(
      c,
      wd,
      [
        [wd.p.A!, 4],
        [wd.p.B!, 6],
        [wd.p.C!, 1],
      ],
      { partialdelivery: false },
    );
    assert.equal(o.partialdelivery, false);
    assert.deepEqual(picklists, []);
    assert.deepEqual(waiting(backorders, wd.p), ['Ax4', 'Bx6', 'Cx1']);
    // The stock that is there is reserved for these backorders.
    assert.deepEqual(
      backorders.map((b: any) => b.amount_available),
      [4, 3, 0],
    );
    const a = await stockOf(c, wd.p.A!, wd.w.W1!);
    assert.deepEqual([a.stock, a.reservedpicklists, a.reservedbackorders, a.freestock], [6, 0, 4, 2]);
    await t().assertLedger(c);
  });

  test('when one warehouse has everything, then it ships all; when both do, the first by priority does', async () => {
    const c = await t().newClient();
    const wd = await world(c, { warehouses: { W1: 1, W2: 2 } });
    await addStock(c, wd.p.A!, wd.w.W2!, 5);
    await addStock(c, wd.p.B!, wd.w.W2!, 5);
    await addStock(c, wd.p.A!, wd.w.W1!, 5);
    const only2 = await placed(c, wd, [
      [wd.p.A!, 1],
      [wd.p.B!, 1],
    ]);
    assert.deepEqual(
      only2.picklists.map((p: any) => p.idwarehouse),
      [wd.w.W2],
    );
    await addStock(c, wd.p.B!, wd.w.W1!, 5);
    const both = await placed(c, wd, [
      [wd.p.A!, 1],
      [wd.p.B!, 1],
    ]);
    assert.deepEqual(
      both.picklists.map((p: any) => p.idwarehouse),
      [wd.w.W1],
    );
    await t().assertLedger(c);
  });

  test('when no warehouse has everything, then partial delivery splits over as few warehouses as possible', async () => {
    const c = await t().newClient();
    const wd = await world(c, { warehouses: { W1: 1, W2: 2, W3: 3 } });
    await addStock(c, wd.p.A!, wd.w.W1!, 1);
    await addStock(c, wd.p.B!, wd.w.W2!, 1);
    await addStock(c, wd.p.A!, wd.w.W3!, 1);
    await addStock(c, wd.p.B!, wd.w.W3!, 1);
    await addStock(c, wd.p.C!, wd.w.W1!, 1);
    const { picklists, backorders } = await placed(c, wd, [
      [wd.p.A!, 1],
      [wd.p.B!, 1],
      [wd.p.C!, 1],
    ]);
    assert.deepEqual(
      picklists.map((p: any) => [p.idwarehouse, pickLines([p], wd.p)]),
      [
        [wd.w.W1, ['Ax1', 'Cx1']],
        [wd.w.W2, ['Bx1']],
      ],
    );
    assert.deepEqual(backorders, []);
    const none = await placed(
      c,
      wd,
      [
        [wd.p.A!, 1],
        [wd.p.B!, 1],
      ],
      { partialdelivery: false },
    );
    // W3 still has A and B: without partial delivery one warehouse must ship it all.
    assert.deepEqual(
      none.picklists.map((p: any) => p.idwarehouse),
      [wd.w.W3],
    );
    await t().assertLedger(c);
  });

  test('when an order lists its warehouses, then only those are used', async () => {
    const c = await t().newClient();
    const wd = await world(c, { warehouses: { W1: 1, W2: 2 } });
    await addStock(c, wd.p.A!, wd.w.W1!, 5);
    const { order: o, backorders } = await placed(c, wd, [[wd.p.A!, 1]], { warehouses: [wd.w.W2] });
    assert.deepEqual(o.warehouses, [wd.w.W2]);
    assert.deepEqual(
      backorders.map((b: any) => b.idwarehouse),
      [wd.w.W2],
    );
    const all = await order(c, wd, [[wd.p.A!, 1]]);
    assert.deepEqual(all.warehouses, [wd.w.W1, wd.w.W2]);
  });

  test('when unlimited stock is ordered, then it is picked without a reservation and never waits', async () => {
    const c = await t().newClient();
    const wd = await world(c, { products: { U: 'unlimited_stock', A: 'normal' } });
    const { picklists, backorders } = await placed(
      c,
      wd,
      [
        [wd.p.U!, 5],
        [wd.p.A!, 1],
      ],
      { partialdelivery: false },
    );
    assert.deepEqual(pickLines(picklists, wd.p), ['Ux5']);
    assert.deepEqual(picklists[0].products[0].pick_locations, []);
    assert.deepEqual(waiting(backorders, wd.p), ['Ax1']);
    await c.expect(200, 'POST', `/picklists/${picklists[0].idpicklist}/pickall`);
    await c.expect(200, 'POST', `/picklists/${picklists[0].idpicklist}/close`);
    await t().assertLedger(c);
  });

  test('when a virtual composition misses a part, then parts join the order and it waits as parent and part backorders', async () => {
    const c = await t().newClient();
    const wd = await world(c, { products: { V: 'virtual_composition', P: 'normal', Q: 'normal' } });
    await c.expect(201, 'POST', `/products/${wd.p.V}/parts`, { idproduct: wd.p.P, amount: 1 });
    await c.expect(201, 'POST', `/products/${wd.p.V}/parts`, { idproduct: wd.p.Q, amount: 2 });
    await addStock(c, wd.p.P!, wd.w.W1!, 1);
    await addStock(c, wd.p.Q!, wd.w.W1!, 1);
    const { order: o, picklists, backorders } = await placed(c, wd, [[wd.p.V!, 1]]);
    assert.deepEqual(picklists, []);
    const parent = o.products.find((l: any) => l.idproduct === wd.p.V);
    assert.equal(parent.has_parts, true);
    assert.deepEqual(
      o.products
        .filter((l: any) => l.partof_idorder_product === parent.idorder_product)
        .map((l: any) => [l.idproduct, l.amount]),
      [
        [wd.p.P, 1],
        [wd.p.Q, 2],
      ],
    );
    const head = backorders.find((b: any) => b.idproduct === wd.p.V);
    assert.deepEqual([head.has_parts, head.amount, head.part_of_idbackorder], [true, 1, null]);
    assert.deepEqual(
      backorders
        .filter((b: any) => b.part_of_idbackorder === head.idbackorder)
        .map((b: any) => [b.idproduct, b.amount, b.parts_per_parent, b.amount_available]),
      [
        [wd.p.P, 1, 1, 1],
        [wd.p.Q, 2, 2, 1],
      ],
    );
    // Nothing ships until every part is there; then the composition ships whole.
    assert.deepEqual(await c.expect(200, 'POST', `/orders/${o.idorder}/process-backorders`), []);
    await addStock(c, wd.p.Q!, wd.w.W1!, 1);
    assert.equal((await c.expect(200, 'GET', `/backorders/${head.idbackorder}`)).amount_available, 1);
    const [pl] = await c.expect(200, 'POST', `/orders/${o.idorder}/process-backorders`);
    assert.deepEqual(
      pl.products.map((l: any) => [l.idproduct, l.amount, l.has_parts, l.partof_idpicklist_product !== null]),
      [
        [wd.p.V, 1, true, false],
        [wd.p.P, 1, false, true],
        [wd.p.Q, 2, false, true],
      ],
    );
    assert.deepEqual(await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`), []);
    await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/pickall`);
    await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/close`);
    assert.equal((await c.expect(200, 'GET', `/orders/${o.idorder}`)).status, 'completed');
    assert.deepEqual(
      [(await stockOf(c, wd.p.P!, wd.w.W1!)).stock, (await stockOf(c, wd.p.Q!, wd.w.W1!)).stock],
      [0, 0],
    );
    await t().assertLedger(c);
  });

  test('when a virtual composition can ship, then its parts are picked at once', async () => {
    const c = await t().newClient();
    const wd = await world(c, { products: { V: 'virtual_composition', P: 'normal' } });
    await c.expect(201, 'POST', `/products/${wd.p.V}/parts`, { idproduct: wd.p.P, amount: 3 });
    await addStock(c, wd.p.P!, wd.w.W1!, 6);
    const { picklists, backorders } = await placed(c, wd, [[wd.p.V!, 2]]);
    assert.deepEqual(pickLines(picklists, wd.p), ['Vx2', 'Px6']);
    assert.deepEqual(backorders, []);
    assert.equal((await stockOf(c, wd.p.P!, wd.w.W1!)).reservedpicklists, 6);
    await t().assertLedger(c);
  });

  test('when stock is allocated to a concept order, then free stock drops but a paid order still gets a picklist', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    await addStock(c, wd.p.A!, wd.w.W1!, 6);
    const b = await order(c, wd, [[wd.p.A!, 2]]);
    const allocated = await c.expect(200, 'POST', `/orders/${b.idorder}/allocate`);
    assert.equal(allocated.allocated, true);
    let s = await stockOf(c, wd.p.A!, wd.w.W1!);
    assert.deepEqual([s.reservedallocations, s.freestock], [2, 4]);
    const paid = await placed(c, wd, [[wd.p.A!, 5]]);
    assert.deepEqual(pickLines(paid.picklists, wd.p), ['Ax5']);
    await processOrder(c, b.idorder);
    const pls = await c.expect(200, 'GET', `/picklists?idorder=${b.idorder}`);
    assert.deepEqual(pickLines(pls, wd.p), ['Ax1']);
    assert.deepEqual(waiting(await c.expect(200, 'GET', `/orders/${b.idorder}/backorders`), wd.p), ['Ax1']);
    s = await stockOf(c, wd.p.A!, wd.w.W1!);
    assert.deepEqual([s.reservedallocations, s.reservedpicklists, s.reservedbackorders], [0, 6, 1]);
    const again = await order(c, wd, [[wd.p.A!, 1]]);
    await c.expect(200, 'POST', `/orders/${again.idorder}/allocate`);
    await c.expect(200, 'POST', `/orders/${again.idorder}/deallocate`);
    assert.equal((await stockOf(c, wd.p.A!, wd.w.W1!)).reservedallocations, 0);
    await t().assertLedger(c);
  });

  test('when an order is cancelled, then its picklist reservation and backorders are released and the stock moves on', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    await addStock(c, wd.p.A!, wd.w.W1!, 2);
    const first = await placed(c, wd, [
      [wd.p.A!, 2],
      [wd.p.B!, 1],
    ]);
    const second = await placed(c, wd, [[wd.p.A!, 2]]);
    await c.expect(204, 'DELETE', `/orders/${first.order.idorder}`, []);
    const o = await c.expect(200, 'GET', `/orders/${first.order.idorder}`);
    assert.equal(o.status, 'cancelled');
    assert.equal(
      (await c.expect(200, 'GET', `/picklists/${first.picklists[0].idpicklist}`)).status,
      'cancelled',
    );
    assert.deepEqual(await c.expect(200, 'GET', `/orders/${first.order.idorder}/backorders`), []);
    const [b] = await c.expect(200, 'GET', `/orders/${second.order.idorder}/backorders`);
    assert.equal(b.amount_available, 2);
    const s = await stockOf(c, wd.p.A!, wd.w.W1!);
    assert.deepEqual([s.stock, s.reservedpicklists, s.reservedbackorders], [2, 0, 2]);
    assert.equal((await c.request('DELETE', `/orders/${first.order.idorder}`)).status, 400);
    await t().assertLedger(c);
  });

  test('when an order is processing, then its lines cannot change (error 33) and it cannot be processed again', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    const { order: o } = await placed(c, wd, [[wd.p.A!, 1]]);
    const line = o.products[0];
    const add = await c.request('POST', `/orders/${o.idorder}/products`, { idproduct: wd.p.B, amount: 1 });
    assert.deepEqual(
      [add.status, add.body.error_code, add.body.error_message],
      [400, 33, 'Amount cannot be changed when order is processed already.'],
    );
    const put = await c.request('PUT', `/orders/${o.idorder}/products/${line.idorder_product}`, {
      amount: 3,
    });
    assert.deepEqual([put.status, put.body.error_code], [400, 33]);
    const del = await c.request('DELETE', `/orders/${o.idorder}/products/${line.idorder_product}`);
    assert.deepEqual(
      [del.status, del.body.error_code, del.body.error_message],
      [400, 33, 'Product cannot be removed when order is processed'],
    );
    const again = await c.request('POST', `/orders/${o.idorder}/process`);
    assert.deepEqual([again.status, again.body.error_code], [400, 21]);
    const edit = await c.request('PUT', `/orders/${o.idorder}`, { reference: 'x' });
    assert.deepEqual([edit.status, edit.body.error_code], [400, 21]);
    assert.equal((await c.expect(200, 'GET', `/orders/${o.idorder}/products`)).length, 1);
  });

  test('when a concept order is edited, then lines and fields change', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    const o = await order(c, wd, [[wd.p.A!, 1]]);
    assert.equal(o.status, 'concept');
    assert.match(o.orderid, /^\d{8}$/);
    const added = await c.expect(201, 'POST', `/orders/${o.idorder}/products`, {
      idproduct: wd.p.B,
      amount: 2,
      price: 3.5,
    });
    assert.deepEqual(
      [added.idproduct, added.amount, added.price, added.amount_cancelled],
      [wd.p.B, 2, 3.5, 0],
    );
    const changed = await c.expect(200, 'PUT', `/orders/${o.idorder}/products/${added.idorder_product}`, {
      amount: 4,
    });
    assert.equal(changed.amount, 4);
    assert.equal(
      (await c.expect(200, 'GET', `/orders/${o.idorder}/products/${added.idorder_product}`)).amount,
      4,
    );
    await c.expect(204, 'DELETE', `/orders/${o.idorder}/products/${o.products[0].idorder_product}`);
    const edited = await c.expect(200, 'PUT', `/orders/${o.idorder}`, {
      reference: 'PO-7',
      deliveryname: 'Jane',
      partialdelivery: false,
      status: 'expected',
    });
    assert.deepEqual(
      [edited.reference, edited.deliveryname, edited.partialdelivery, edited.status, edited.products.length],
      ['PO-7', 'Jane', false, 'expected', 1],
    );
    const processed = await processOrder(c, o.idorder);
    assert.equal(processed.status, 'processing');
  });

  test('when an order is created with bad input, then Picqer error codes 13, 23, 24, 25 and nothing is created', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    const code = async (body: unknown) => {
      const r = await c.request('POST', '/orders', body);
      assert.equal(r.status, 400, r.raw);
      return r.body.error_code;
    };
    assert.equal(await code({ idcustomer: wd.idcustomer }), 13);
    assert.equal(await code({ products: [] }), 13);
    assert.equal(await code({ products: [{ idproduct: wd.p.A }] }), 23);
    assert.equal(await code({ products: [{ amount: 1 }] }), 23);
    assert.equal(await code({ products: [{ idproduct: wd.p.A, amount: 0 }] }), 23);
    assert.equal(await code({ products: [{ idproduct: 99999999, amount: 1 }] }), 24);
    assert.equal(await code({ idcustomer: 99999999, products: [{ idproduct: wd.p.A, amount: 1 }] }), 25);
    assert.equal(await code({ products: [{ idproduct: wd.p.A, amount: 1 }], warehouses: [99999999] }), 5);
    assert.equal(await code({ products: [{ idproduct: String(wd.p.A), amount: 1 }] }), 5);
    assert.deepEqual(await c.expect(200, 'GET', '/orders'), []);
    const stranger = await t().newClient();
    const o = await order(c, wd, [[wd.p.A!, 1]]);
    assert.equal((await stranger.request('GET', `/orders/${o.idorder}`)).status, 404);
    assert.equal((await stranger.request('POST', `/orders/${o.idorder}/process`)).status, 404);
    assert.equal(
      (await stranger.request('POST', '/orders', { products: [{ idproduct: wd.p.A, amount: 1 }] })).body
        .error_code,
      24,
    );
  });

  test('when an order has nothing to process or nowhere to ship from, then processing is refused and changes nothing', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    const empty = await order(c, wd, [[wd.p.A!, 1]]);
    await c.expect(204, 'DELETE', `/orders/${empty.idorder}/products/${empty.products[0].idorder_product}`);
    assert.equal((await c.request('POST', `/orders/${empty.idorder}/process`)).body.error_code, 13);
    await c.expect(200, 'PUT', `/warehouses/${wd.w.W1}`, { accept_orders: false });
    const stranded = await order(c, wd, [[wd.p.A!, 1]]);
    assert.deepEqual(stranded.warehouses, []);
    const r = await c.request('POST', `/orders/${stranded.idorder}/process`);
    assert.deepEqual([r.status, r.body.error_code], [400, 21]);
    assert.equal((await c.expect(200, 'GET', `/orders/${stranded.idorder}`)).status, 'concept');
    assert.deepEqual(await c.expect(200, 'GET', '/backorders'), []);
  });

  test('when filtering orders, then status, idcustomer, sinceid, sincedate and reference each narrow the list', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    const other = (await c.expect(201, 'POST', '/customers', { name: 'Other' })).idcustomer;
    const o1 = await order(c, wd, [[wd.p.A!, 1]], { reference: 'R1' });
    const o2 = await order(c, wd, [[wd.p.A!, 1]], { idcustomer: other, reference: 'R2' });
    await processOrder(c, o2.idorder);
    const ids = (q: string) =>
      c.expect(200, 'GET', `/orders?${q}`).then((rows: any[]) => rows.map((r) => r.idorder));
    assert.deepEqual(await ids(''), [o1.idorder, o2.idorder]);
    assert.deepEqual(await ids('status=concept'), [o1.idorder]);
    assert.deepEqual(await ids('status=processing'), [o2.idorder]);
    assert.deepEqual(await ids(`idcustomer=${other}`), [o2.idorder]);
    assert.deepEqual(await ids(`sinceid=${o1.idorder}`), [o2.idorder]);
    assert.deepEqual(await ids('reference=R1'), [o1.idorder]);
    assert.deepEqual(await ids(`sincedate=${encodeURIComponent(o2.created)}`), []);
    assert.deepEqual(await ids('sincedate=2000-01-01'), [o1.idorder, o2.idorder]);
    assert.equal((await c.request('GET', '/orders?status=shipped')).status, 400);
    assert.equal((await c.request('GET', '/orders?sincedate=2020-13-01')).status, 400);
  });

  test('when more than 100 orders exist, then the list pages with offset', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    for (let i = 0; i < 101; i++) await order(c, wd, [[wd.p.A!, 1]]);
    const p0 = await c.expect(200, 'GET', '/orders');
    const p1 = await c.expect(200, 'GET', '/orders?offset=100');
    assert.deepEqual([p0.length, p1.length], [100, 1]);
    assert.ok(p0[99].idorder < p1[0].idorder);
  });

  test('when an order is paused, then its backorders are not processed until it resumes', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    const { order: o } = await placed(c, wd, [[wd.p.A!, 1]]);
    await addStock(c, wd.p.A!, wd.w.W1!, 1);
    assert.equal((await c.expect(200, 'POST', `/orders/${o.idorder}/pause`)).status, 'paused');
    assert.deepEqual(await c.expect(200, 'POST', '/backorders/process'), []);
    assert.equal((await c.request('POST', `/orders/${o.idorder}/process-backorders`)).status, 400);
    assert.equal((await c.expect(200, 'POST', `/orders/${o.idorder}/resume`)).status, 'processing');
    assert.equal((await c.expect(200, 'POST', '/backorders/process')).length, 1);
    await t().assertLedger(c);
  });
});
