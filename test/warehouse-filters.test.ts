import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import { addStock, order, placed, world } from './orders-fixtures.ts';
import { purchasedPO, purchasingSetup, receiptFor } from './purchasing-fixtures.ts';

/** Issue 11: every documented list filter applied, booleans as the PHP client sends them (1/0). */

const ids = (rows: any[], key: string) => rows.map((r) => r[key]);

describeEngines('list filters', (t) => {
  test('when orders are filtered by orderid, search, emailaddress or beforeid, then only the matching ones answer', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    const a = await order(c, wd, [[wd.p.A!, 1]], { reference: 'REF-alpha', emailaddress: 'a@example.com' });
    const b = await order(c, wd, [[wd.p.A!, 1]], { reference: 'REF-beta', emailaddress: 'b@example.com' });
    assert.deepEqual(ids(await c.expect(200, 'GET', `/orders?orderid=${b.orderid}`), 'idorder'), [b.idorder]);
    assert.deepEqual(ids(await c.expect(200, 'GET', '/orders?search=alph'), 'idorder'), [a.idorder]);
    assert.deepEqual(ids(await c.expect(200, 'GET', '/orders?emailaddress=b@example.com'), 'idorder'), [
      b.idorder,
    ]);
    assert.deepEqual(ids(await c.expect(200, 'GET', `/orders?beforeid=${b.idorder}`), 'idorder'), [
      a.idorder,
    ]);
    assert.deepEqual(await c.expect(200, 'GET', '/orders?orderid=nope'), []);
    assert.deepEqual(await c.expect(200, 'GET', '/orders?untildate=2000-01-01 00:00:00'), []);
    // A parameter Stockroom does not know is ignored, as Picqer does.
    assert.equal((await c.expect(200, 'GET', '/orders?unknownfilter=1')).length, 2);
    assert.equal((await c.get('/orders?untildate=never')).status, 400);
  });

  test('when picklists are filtered by picklistid, search or dates, then only the matching ones answer; /picklists/batches is a 404', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    await addStock(c, wd.p.A!, wd.w.W1!, 10);
    const one = (await placed(c, wd, [[wd.p.A!, 1]])).picklists[0];
    const two = (await placed(c, wd, [[wd.p.A!, 1]])).picklists[0];
    assert.deepEqual(
      ids(await c.expect(200, 'GET', `/picklists?picklistid=${two.picklistid}`), 'idpicklist'),
      [two.idpicklist],
    );
    assert.deepEqual(ids(await c.expect(200, 'GET', `/picklists?beforeid=${two.idpicklist}`), 'idpicklist'), [
      one.idpicklist,
    ]);
    assert.deepEqual(
      ids(await c.expect(200, 'GET', `/picklists?search=${one.picklistid.slice(-4)}`), 'idpicklist'),
      [one.idpicklist],
    );
    assert.deepEqual(await c.expect(200, 'GET', '/picklists?sincedate=2999-01-01 00:00:00'), []);
    await c.expect(200, 'POST', `/picklists/${one.idpicklist}/pickall`, null);
    await c.expect(200, 'POST', `/picklists/${one.idpicklist}/close`, null);
    assert.deepEqual(
      ids(await c.expect(200, 'GET', '/picklists?closed_after=2000-01-01 00:00:00'), 'idpicklist'),
      [one.idpicklist],
    );
    for (const url of ['/picklists/batches', '/picklists/batches/12']) {
      const res = await c.get(url);
      assert.equal(res.status, 404, url);
      assert.equal(res.body.error_code, 20);
    }
  });

  test('when customers are filtered by customerid, then only that customer answers', async () => {
    const c = await t().newClient();
    const first = await c.expect(201, 'POST', '/customers', { name: 'First' });
    const second = await c.expect(201, 'POST', '/customers', {
      name: 'Second',
      emailaddress: 's@example.com',
    });
    assert.equal(second.customerid, String(second.idcustomer));
    assert.deepEqual(
      ids(await c.expect(200, 'GET', `/customers?customerid=${first.customerid}`), 'idcustomer'),
      [first.idcustomer],
    );
    assert.deepEqual(ids(await c.expect(200, 'GET', '/customers?search=s@example'), 'idcustomer'), [
      second.idcustomer,
    ]);
  });

  test('when products are filtered by idproducts (comma list or PHP array) and inactive=1/0, then the right ones answer', async () => {
    const c = await t().newClient();
    const mk = async (productcode: string) =>
      (
        await c.expect(201, 'POST', '/products', {
          productcode: `${productcode}-${c.idaccount}`,
          name: productcode,
          price: 1,
        })
      ).idproduct as number;
    const p1 = await mk('F1');
    const p2 = await mk('F2');
    const p3 = await mk('F3');
    await c.expect(200, 'POST', `/products/${p3}/inactivate`, null);
    assert.deepEqual(
      ids(await c.expect(200, 'GET', `/products?idproducts=${p1},${p3}&inactive=1`), 'idproduct'),
      [p1, p3],
    );
    assert.deepEqual(
      ids(
        await c.expect(200, 'GET', `/products?idproducts%5B0%5D=${p2}&idproducts%5B1%5D=${p3}`),
        'idproduct',
      ),
      [p2],
    );
    assert.deepEqual(ids(await c.expect(200, 'GET', '/products?inactive=0'), 'idproduct'), [p1, p2]);
    assert.deepEqual(ids(await c.expect(200, 'GET', '/products?inactive=true'), 'idproduct'), [p1, p2, p3]);
    assert.equal((await c.get('/products?inactive=2')).status, 400);
    assert.equal((await c.get('/products?idproducts=1,x')).status, 400);
  });

  test('when backorders and receipts are searched, then only the matching ones answer', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    const a = await placed(c, wd, [[wd.p.A!, 2]], { reference: 'SHOP-123' });
    await placed(c, wd, [[wd.p.B!, 1]]);
    assert.deepEqual(
      ids(await c.expect(200, 'GET', '/backorders?search=shop-12'), 'idbackorder'),
      ids(a.backorders, 'idbackorder'),
    );
    assert.equal((await c.expect(200, 'GET', `/backorders?idwarehouse=${wd.w.W1}`)).length, 2);
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 1 }]);
    const r1 = await receiptFor(c, po.idpurchaseorder);
    const r2 = await receiptFor(c, po.idpurchaseorder);
    assert.deepEqual(ids(await c.expect(200, 'GET', `/receipts?receiptid=${r2.receiptid}`), 'idreceipt'), [
      r2.idreceipt,
    ]);
    assert.deepEqual(ids(await c.expect(200, 'GET', '/receipts?search=acme'), 'idreceipt'), [
      r1.idreceipt,
      r2.idreceipt,
    ]);
    assert.deepEqual(await c.expect(200, 'GET', '/receipts?search=nothing-like-it'), []);
  });
});
