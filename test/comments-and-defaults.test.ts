import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import { addStock, order, placed, world } from './orders-fixtures.ts';
import { purchasedPO, purchasingSetup, receiptFor } from './purchasing-fixtures.ts';

/** Issue 11: comments on receipts, orders, picklists; closed picklists keep pick_locations; customer defaults. */

describeEngines('comments, closed pick locations, customer defaults', (t) => {
  test('when receipts, orders and picklists get comments, then they are listed with their source', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 1 }]);
    const r = await receiptFor(c, po.idpurchaseorder);
    const wd = await world(c);
    await addStock(c, wd.p.A!, wd.w.W1!, 1);
    const { order: o, picklists } = await placed(c, wd, [[wd.p.A!, 1]]);
    const targets = [
      ['receipts', r.idreceipt, 'receipt', { idreceipt: r.idreceipt, receiptid: r.receiptid }],
      ['orders', o.idorder, 'order', { idorder: o.idorder, orderid: o.orderid }],
      [
        'picklists',
        picklists[0].idpicklist,
        'picklist',
        { idpicklist: picklists[0].idpicklist, picklistid: picklists[0].picklistid },
      ],
    ] as const;
    for (const [path, id, type, source] of targets) {
      const created = await c.expect(201, 'POST', `/${path}/${id}/comments`, { body: `Note on ${type}` });
      assert.deepEqual(
        { ...created, idcomment: 0, created_at: '', updated_at: '' },
        {
          idcomment: 0,
          source_type: type,
          source,
          author_type: null,
          author: null,
          body: `Note on ${type}`,
          mentions: [],
          created_at: '',
          updated_at: '',
        },
      );
      assert.deepEqual(await c.expect(200, 'GET', `/${path}/${id}/comments`), [created]);
      assert.equal((await c.post(`/${path}/999999/comments`, { body: 'x' })).status, 404);
      assert.equal((await c.post(`/${path}/${id}/comments`, { body: '  ' })).status, 400);
      assert.equal((await c.post(`/${path}/${id}/comments`, {})).status, 400);
      assert.equal((await c.expect(200, 'GET', `/${path}/${id}/comments`)).length, 1);
    }
  });

  test('when a picklist picked from two locations closes, then it still answers where it was picked', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    const l1 = (await c.expect(201, 'POST', '/locations', { idwarehouse: wd.w.W1, name: 'P-1' })).idlocation;
    const l2 = (await c.expect(201, 'POST', '/locations', { idwarehouse: wd.w.W1, name: 'P-2' })).idlocation;
    await addStock(c, wd.p.A!, wd.w.W1!, 1, l1);
    await addStock(c, wd.p.A!, wd.w.W1!, 2, l2);
    const { picklists } = await placed(c, wd, [[wd.p.A!, 3]]);
    const before = picklists[0].products[0].pick_locations;
    assert.equal(
      before.reduce((s: number, x: any) => s + x.amount, 0),
      3,
    );
    await c.expect(200, 'POST', `/picklists/${picklists[0].idpicklist}/pickall`, null);
    const closed = await c.expect(200, 'POST', `/picklists/${picklists[0].idpicklist}/close`, null);
    const sort = (xs: any[]) => [...xs].sort((a, b) => a.idlocation - b.idlocation);
    assert.deepEqual(sort(closed.products[0].pick_locations), sort(before));
    assert.deepEqual(
      sort((await c.expect(200, 'GET', `/picklists/${picklists[0].idpicklist}`)).products[0].pick_locations),
      sort(before),
    );
    await t().assertLedger(c);
  });

  test("when an order for a customer gives no address or e-mail, then it takes the customer's; given ones are kept", async () => {
    const c = await t().newClient();
    const wd = await world(c);
    const customer = await c.expect(201, 'POST', '/customers', {
      name: 'Jane Doe',
      contactname: 'Jane',
      emailaddress: 'jane@example.com',
      address: 'Main street 1',
      zipcode: '1000 AA',
      city: 'Amsterdam',
      country: 'NL',
      language: 'nl',
    });
    const taken = await order(c, { ...wd, idcustomer: customer.idcustomer }, [[wd.p.A!, 1]]);
    assert.deepEqual(
      [
        taken.emailaddress,
        taken.deliveryname,
        taken.deliveryaddress,
        taken.deliveryzipcode,
        taken.deliverycity,
        taken.deliverycountry,
      ],
      ['jane@example.com', 'Jane Doe', 'Main street 1', '1000 AA', 'Amsterdam', 'NL'],
    );
    const own = await order(c, { ...wd, idcustomer: customer.idcustomer }, [[wd.p.A!, 1]], {
      emailaddress: 'other@example.com',
      deliveryname: 'Office',
      deliveryaddress: 'Dock 2',
    });
    assert.deepEqual(
      [own.emailaddress, own.deliveryname, own.deliveryaddress, own.deliverycity],
      ['other@example.com', 'Office', 'Dock 2', null],
    );
    const unknown = await c.post('/orders', {
      idcustomer: 999999,
      products: [{ idproduct: wd.p.A, amount: 1 }],
    });
    assert.equal(unknown.body.error_code, 25);
  });

  test('when an order is partly picked and partly in backorder, then productstatus answers each part per line', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    await addStock(c, wd.p.A!, wd.w.W1!, 2);
    const { order: o, picklists } = await placed(
      c,
      wd,
      [
        [wd.p.A!, 3],
        [wd.p.B!, 1],
      ],
      { partialdelivery: true },
    );
    const status = async () =>
      (await c.expect(200, 'GET', `/orders/${o.idorder}/productstatus`)).map((l: any) => [
        l.idproduct,
        l.amount,
        l.amount_on_picklist,
        l.amount_picked,
        l.amount_shipped,
        l.amount_backorder,
        l.amount_open,
      ]);
    assert.deepEqual(await status(), [
      [wd.p.A, 3, 2, 0, 0, 1, 0],
      [wd.p.B, 1, 0, 0, 0, 1, 0],
    ]);
    await c.expect(200, 'POST', `/picklists/${picklists[0].idpicklist}/pickall`, null);
    await c.expect(200, 'POST', `/picklists/${picklists[0].idpicklist}/close`, null);
    assert.deepEqual(await status(), [
      [wd.p.A, 3, 0, 0, 2, 1, 0],
      [wd.p.B, 1, 0, 0, 0, 1, 0],
    ]);
    assert.equal((await c.get('/orders/999999/productstatus')).status, 404);
  });
});
