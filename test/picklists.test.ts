import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import { addStock, pickLines, placed, stockOf, waiting, world } from './orders-fixtures.ts';

/** Picklists (reference/picqer-api.md 7), through the API on every engine. */
describeEngines('picklists', (t) => {
  test('when an order is processed, then its picklist reserves stock at concrete locations', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    const l1 = (await c.expect(201, 'POST', '/locations', { idwarehouse: wd.w.W1, name: 'L1' })).idlocation;
    const bulk = (
      await c.expect(201, 'POST', '/locations', {
        idwarehouse: wd.w.W1,
        name: 'BULK',
        is_bulk_location: true,
      })
    ).idlocation;
    await addStock(c, wd.p.A!, wd.w.W1!, 10, bulk);
    await addStock(c, wd.p.A!, wd.w.W1!, 2, l1);
    const { order: o, picklists } = await placed(c, wd, [[wd.p.A!, 5]]);
    const [pl] = picklists;
    assert.deepEqual(
      [pl.idorder, pl.idcustomer, pl.idwarehouse, pl.status, pl.totalproducts, pl.totalpicked, pl.closed_at],
      [o.idorder, wd.idcustomer, wd.w.W1, 'new', 5, 0, null],
    );
    assert.match(pl.picklistid, /^\d{8}$/);
    const [line] = pl.products;
    assert.deepEqual(
      [line.idproduct, line.idorder_product, line.amount, line.amount_picked, line.name],
      [wd.p.A, o.products[0].idorder_product, 5, 0, 'A'],
    );
    // Picking locations first, bulk locations last.
    assert.deepEqual(line.pick_locations, [
      { idlocation: l1, name: 'L1', amount: 2 },
      { idlocation: bulk, name: 'BULK', amount: 3 },
    ]);
    assert.deepEqual(await c.expect(200, 'GET', `/picklists/${pl.idpicklist}`), pl);
    const s = await stockOf(c, wd.p.A!, wd.w.W1!);
    assert.equal(s.reservedpicklists, 5);
    assert.deepEqual(
      s.locations.map((l: any) => [l.name, l.stock, l.reserved_picklists]),
      [
        ['L1', 2, 2],
        ['BULK', 10, 3],
      ],
    );
    await t().assertLedger(c);
  });

  test('when products are picked and the picklist closed, then stock is booked out and the order completes', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    await addStock(c, wd.p.A!, wd.w.W1!, 5);
    await addStock(c, wd.p.B!, wd.w.W1!, 5);
    const { order: o, picklists } = await placed(c, wd, [
      [wd.p.A!, 2],
      [wd.p.B!, 3],
    ]);
    const id = picklists[0].idpicklist;
    const productcodeB = picklists[0].products[1].productcode;
    let pl = await c.expect(200, 'POST', `/picklists/${id}/pick`, { product: wd.p.A, amount: 2 });
    assert.equal(pl.products[0].amount_picked, 2);
    pl = await c.expect(200, 'POST', `/picklists/${id}/pick`, { product: productcodeB, amount: 1 });
    pl = await c.expect(200, 'POST', `/picklists/${id}/pick`, {
      idpicklist_product: pl.products[1].idpicklist_product,
    });
    assert.deepEqual([pl.products[1].amount_picked, pl.totalpicked], [2, 4]);
    pl = await c.expect(200, 'POST', `/picklists/${id}/pickall`);
    assert.equal(pl.totalpicked, 5);
    const closed = await c.expect(200, 'POST', `/picklists/${id}/close`);
    assert.equal(closed.status, 'closed');
    assert.match(closed.closed_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const a = await stockOf(c, wd.p.A!, wd.w.W1!);
    assert.deepEqual([a.stock, a.reservedpicklists, a.freestock], [3, 0, 3]);
    const history = await c.expect(200, 'GET', `/stockhistory?idproduct=${wd.p.A}`);
    const out = history.filter((h: any) => h.change_type === 'picklist');
    assert.deepEqual(
      out.map((h: any) => [h.stock_change, h.reference_type, h.reference_id]),
      [[-2, 'picklist', id]],
    );
    assert.equal((await c.expect(200, 'GET', `/orders/${o.idorder}`)).status, 'completed');
    assert.equal((await c.request('POST', `/picklists/${id}/close`)).body.error_code, 21);
    assert.equal((await c.request('POST', `/picklists/${id}/pick`, { product: wd.p.A })).body.error_code, 21);
    const events = (await c.expect(200, 'GET', '/events')).filter((e: any) => e.resource_type === 'picklist');
    assert.deepEqual(
      events.map((e: any) => e.event),
      ['picklists.created', 'picklists.closed'],
    );
    await t().assertLedger(c);
  });

  test('when picking goes wrong, then Picqer errors 15, 16, 17 and 18 and nothing is picked', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    await addStock(c, wd.p.A!, wd.w.W1!, 5);
    const { picklists } = await placed(c, wd, [[wd.p.A!, 2]]);
    const url = `/picklists/${picklists[0].idpicklist}/pick`;
    const code = async (body: unknown) => (await c.request('POST', url, body)).body.error_code;
    assert.equal(await code({ amount: 1 }), 15);
    assert.equal(await code({ product: wd.p.A, amount: 0 }), 16);
    assert.equal(await code({ product: wd.p.A, amount: 1.5 }), 16);
    assert.equal(await code({ product: wd.p.B, amount: 1 }), 17);
    assert.equal(await code({ product: 'NO-SUCH-CODE', amount: 1 }), 17);
    assert.equal(await code({ product: wd.p.A, amount: 3 }), 18);
    assert.equal((await c.expect(200, 'GET', `/picklists/${picklists[0].idpicklist}`)).totalpicked, 0);
    assert.equal((await c.request('POST', '/picklists/99999999/pick', { product: wd.p.A })).status, 404);
  });

  test('when a picklist closes with units unpicked, then the rest waits again as a backorder', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    await addStock(c, wd.p.A!, wd.w.W1!, 3);
    const { order: o, picklists } = await placed(c, wd, [[wd.p.A!, 3]]);
    await c.expect(200, 'POST', `/picklists/${picklists[0].idpicklist}/pick`, { product: wd.p.A, amount: 1 });
    await c.expect(200, 'POST', `/picklists/${picklists[0].idpicklist}/close`);
    const [b] = await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`);
    // Two units stay in the warehouse, now assigned to this backorder.
    assert.deepEqual([b.amount, b.amount_available], [2, 2]);
    assert.equal((await c.expect(200, 'GET', `/orders/${o.idorder}`)).status, 'processing');
    const s = await stockOf(c, wd.p.A!, wd.w.W1!);
    assert.deepEqual([s.stock, s.reservedpicklists, s.reservedbackorders], [2, 0, 2]);
    await t().assertLedger(c);
  });

  test('when a picklist is cancelled, then its reservation is released and its lines wait again as backorders', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    await addStock(c, wd.p.A!, wd.w.W1!, 2);
    const {
      order: o,
      picklists,
      backorders,
    } = await placed(c, wd, [
      [wd.p.A!, 2],
      [wd.p.B!, 1],
    ]);
    const cancelled = await c.expect(200, 'POST', `/picklists/${picklists[0].idpicklist}/cancel`);
    assert.equal(cancelled.status, 'cancelled');
    const now = await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`);
    assert.deepEqual(waiting(now, wd.p), ['Bx1', 'Ax2']);
    assert.equal(now[0].idbackorder, backorders[0].idbackorder);
    assert.equal(now[1].amount_available, 2);
    // Processed again from the backorder, then cancelled: the same backorder waits again.
    await addStock(c, wd.p.B!, wd.w.W1!, 1);
    const [again] = await c.expect(200, 'POST', `/orders/${o.idorder}/process-backorders`);
    assert.deepEqual(pickLines([again], wd.p), ['Bx1', 'Ax2']);
    await c.expect(200, 'POST', `/picklists/${again.idpicklist}/cancel`);
    const back = await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`);
    assert.deepEqual(
      back.map((b: any) => b.idbackorder),
      now.map((b: any) => b.idbackorder),
    );
    const s = await stockOf(c, wd.p.A!, wd.w.W1!);
    assert.deepEqual([s.stock, s.reservedpicklists, s.reservedbackorders], [2, 0, 2]);
    await t().assertLedger(c);
  });

  test('when filtering picklists, then idorder, status, idwarehouse and sinceid each narrow the list', async () => {
    const c = await t().newClient();
    const wd = await world(c, { warehouses: { W1: 1, W2: 2 } });
    await addStock(c, wd.p.A!, wd.w.W1!, 1);
    await addStock(c, wd.p.A!, wd.w.W2!, 5);
    const first = await placed(c, wd, [[wd.p.A!, 1]]);
    const second = await placed(c, wd, [[wd.p.A!, 2]]);
    const [p1] = first.picklists;
    const [p2] = second.picklists;
    await c.expect(200, 'POST', `/picklists/${p1.idpicklist}/cancel`);
    const ids = (q: string) =>
      c.expect(200, 'GET', `/picklists?${q}`).then((rows: any[]) => rows.map((r) => r.idpicklist));
    assert.deepEqual(await ids(''), [p1.idpicklist, p2.idpicklist]);
    assert.deepEqual(await ids(`idorder=${second.order.idorder}`), [p2.idpicklist]);
    assert.deepEqual(await ids('status=cancelled'), [p1.idpicklist]);
    assert.deepEqual(await ids('status=new'), [p2.idpicklist]);
    assert.deepEqual(await ids(`idwarehouse=${wd.w.W2}`), [p2.idpicklist]);
    assert.deepEqual(await ids(`sinceid=${p1.idpicklist}`), [p2.idpicklist]);
    assert.equal((await c.request('GET', '/picklists?status=lost')).status, 400);
    const stranger = await t().newClient();
    assert.equal((await stranger.request('GET', `/picklists/${p2.idpicklist}`)).status, 404);
    assert.deepEqual(await stranger.expect(200, 'GET', '/picklists'), []);
  });
});
