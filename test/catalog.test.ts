import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines, type Client } from './harness.ts';

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

async function warehouse(c: Client, body: object = {}) {
  return c.expect(201, 'POST', '/warehouses', { name: 'Main', ...body });
}

describeEngines('catalog', (t) => {
  test('when a warehouse is created with a name only, then it gets the defaults and is listed and readable', async () => {
    const c = await t().newClient();
    const w = await warehouse(c);
    assert.deepEqual(w, {
      idwarehouse: w.idwarehouse,
      name: 'Main',
      accept_orders: true,
      counts_for_general_stock: true,
      priority: 0,
      active: true,
    });
    assert.deepEqual(await c.expect(200, 'GET', `/warehouses/${w.idwarehouse}`), w);
    assert.deepEqual(await c.expect(200, 'GET', '/warehouses'), [w]);
    const updated = await c.expect(200, 'PUT', `/warehouses/${w.idwarehouse}`, {
      accept_orders: false,
      priority: 3,
    });
    assert.equal(updated.accept_orders, false);
    assert.equal(updated.priority, 3);
    assert.equal(updated.name, 'Main');
  });

  test('when a warehouse is created without a name or with a wrong type, then 400 and nothing is created', async () => {
    const c = await t().newClient();
    for (const body of [
      {},
      { name: '' },
      { name: 'W', accept_orders: 'yes' },
      { name: 'W', priority: '1' },
    ]) {
      const res = await c.post('/warehouses', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error_code, 5);
    }
    assert.deepEqual(await c.expect(200, 'GET', '/warehouses'), []);
  });

  test('when a product is created, then it has the Picqer fields, a stock entry per warehouse, and is found by filters', async () => {
    const c = await t().newClient();
    const w1 = await warehouse(c);
    const w2 = await warehouse(c, { name: 'Second' });
    const s = await c.expect(201, 'POST', '/suppliers', { name: 'Acme', language: 'nl' });
    const p = await c.expect(201, 'POST', '/products', {
      productcode: 'P-1',
      name: 'Blue widget',
      price: 9.95,
      idsupplier: s.idsupplier,
      barcode: '8710000000001',
      weight: 250,
    });
    assert.equal(p.productcode, 'P-1');
    assert.equal(p.type, 'normal');
    assert.equal(p.active, true);
    assert.equal(p.price, 9.95);
    assert.equal(p.idsupplier, s.idsupplier);
    assert.equal(p.fixedstockprice, null);
    assert.match(p.created, DATETIME);
    const zero = {
      stock: 0,
      reserved: 0,
      reservedbackorders: 0,
      reservedpicklists: 0,
      reservedallocations: 0,
      freestock: 0,
    };
    assert.deepEqual(p.stock, [
      { idwarehouse: w1.idwarehouse, ...zero },
      { idwarehouse: w2.idwarehouse, ...zero },
    ]);
    assert.deepEqual(await c.expect(200, 'GET', `/products/${p.idproduct}`), p);
    await c.expect(201, 'POST', '/products', {
      productcode: 'Q-1',
      name: 'Red gadget',
      type: 'unlimited_stock',
    });
    const byCode = await c.expect(200, 'GET', '/products?productcode=P-1');
    assert.deepEqual(
      byCode.map((x: any) => x.productcode),
      ['P-1'],
    );
    const bySearch = await c.expect(200, 'GET', '/products?search=GADG');
    assert.deepEqual(
      bySearch.map((x: any) => x.productcode),
      ['Q-1'],
    );
    const byType = await c.expect(200, 'GET', '/products?type=unlimited_stock');
    assert.deepEqual(
      byType.map((x: any) => x.productcode),
      ['Q-1'],
    );
    assert.equal(
      (await c.expect(200, 'GET', '/products?search=%25')).length,
      0,
      'LIKE wildcards are literal',
    );
  });

  test('when a productcode is used twice, then the second create answers 400 duplicate', async () => {
    const c = await t().newClient();
    await c.expect(201, 'POST', '/products', { productcode: 'DUP', name: 'One' });
    const res = await c.post('/products', { productcode: 'DUP', name: 'Two' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error_code, 7);
    assert.match(res.body.error_message, /DUP/);
    const other = await c.expect(201, 'POST', '/products', { productcode: 'OTHER', name: 'Other' });
    assert.equal((await c.put(`/products/${other.idproduct}`, { productcode: 'DUP' })).status, 400);
    // Another account may use the same code.
    const c2 = await t().newClient();
    await c2.expect(201, 'POST', '/products', { productcode: 'DUP', name: 'Mine' });
  });

  test('when a product is inactivated, then the default list hides it, inactive=true shows it, activate brings it back', async () => {
    const c = await t().newClient();
    const p = await c.expect(201, 'POST', '/products', { productcode: 'A', name: 'A' });
    const off = await c.expect(200, 'POST', `/products/${p.idproduct}/inactivate`);
    assert.equal(off.active, false);
    assert.deepEqual(await c.expect(200, 'GET', '/products'), []);
    assert.equal((await c.expect(200, 'GET', '/products?inactive=true')).length, 1);
    const on = await c.request('POST', `/products/${p.idproduct}/activate`, 'null');
    assert.equal(on.status, 200);
    assert.equal(on.body.active, true);
  });

  test('when a product is updated, then the fields change; an unknown supplier is a 400', async () => {
    const c = await t().newClient();
    const p = await c.expect(201, 'POST', '/products', { productcode: 'U', name: 'Old', barcode: 'X' });
    const u = await c.expect(200, 'PUT', `/products/${p.idproduct}`, {
      name: 'New',
      price: 1.5,
      barcode: null,
      type: 'composition_with_stock',
    });
    assert.equal(u.name, 'New');
    assert.equal(u.price, 1.5);
    assert.equal(u.barcode, null);
    assert.equal(u.type, 'composition_with_stock');
    const res = await c.put(`/products/${p.idproduct}`, { idsupplier: 999999 });
    assert.equal(res.status, 400);
    assert.match(res.body.error_message, /Supplier 999999/);
  });

  test('when locations are created, updated, filtered and deleted, then each answers as Picqer does', async () => {
    const c = await t().newClient();
    const w = await warehouse(c);
    const w2 = await warehouse(c, { name: 'Other' });
    const parent = await c.expect(201, 'POST', '/locations', { idwarehouse: w.idwarehouse, name: 'A' });
    assert.deepEqual(parent, {
      idlocation: parent.idlocation,
      idwarehouse: w.idwarehouse,
      parent_idlocation: null,
      name: 'A',
      remarks: null,
      is_bulk_location: false,
    });
    const child = await c.expect(201, 'POST', '/locations', {
      idwarehouse: w.idwarehouse,
      name: 'A.1',
      parent_idlocation: parent.idlocation,
      is_bulk_location: true,
      remarks: 'top shelf',
    });
    assert.equal(child.parent_idlocation, parent.idlocation);
    assert.equal(child.is_bulk_location, true);
    await c.expect(201, 'POST', '/locations', { idwarehouse: w2.idwarehouse, name: 'B' });
    const inW = await c.expect(200, 'GET', `/locations?idwarehouse=${w.idwarehouse}`);
    assert.deepEqual(
      inW.map((l: any) => l.name),
      ['A', 'A.1'],
    );
    const byName = await c.expect(200, 'GET', '/locations?name=B');
    assert.deepEqual(
      byName.map((l: any) => l.idwarehouse),
      [w2.idwarehouse],
    );

    // A parent in another warehouse, a cycle, a move to another warehouse: 400.
    const b = byName[0];
    assert.equal(
      (await c.post('/locations', { idwarehouse: w.idwarehouse, name: 'X', parent_idlocation: b.idlocation }))
        .status,
      400,
    );
    assert.equal(
      (await c.put(`/locations/${parent.idlocation}`, { parent_idlocation: child.idlocation })).status,
      400,
    );
    assert.equal(
      (await c.put(`/locations/${parent.idlocation}`, { idwarehouse: w2.idwarehouse })).status,
      400,
    );
    assert.equal((await c.post('/locations', { idwarehouse: 999999, name: 'X' })).status, 400);

    const renamed = await c.expect(200, 'PUT', `/locations/${child.idlocation}`, {
      name: 'A.1.1',
      remarks: '',
    });
    assert.equal(renamed.name, 'A.1.1');
    assert.equal(renamed.remarks, null);

    // A parent with children cannot go; once the child is gone, it can.
    assert.equal((await c.del(`/locations/${parent.idlocation}`)).status, 400);
    const del = await c.del(`/locations/${child.idlocation}`, []);
    assert.equal(del.status, 204);
    assert.equal(del.raw, '');
    assert.equal((await c.get(`/locations/${child.idlocation}`)).status, 404);
    assert.equal((await c.del(`/locations/${parent.idlocation}`)).status, 204);
  });

  test('when customers and suppliers are created and updated, then they read back with their address fields', async () => {
    const c = await t().newClient();
    for (const path of ['customers', 'suppliers']) {
      const id = path === 'customers' ? 'idcustomer' : 'idsupplier';
      const created = await c.expect(201, 'POST', `/${path}`, {
        name: 'Jansen BV',
        contactname: 'Piet',
        emailaddress: 'piet@example.com',
        language: 'nl',
        address: 'Straat 1',
        zipcode: '1234 AB',
        city: 'Utrecht',
        country: 'NL',
      });
      assert.equal(created.name, 'Jansen BV');
      assert.equal(created.language, 'nl');
      assert.equal(created.country, 'NL');
      assert.equal(created.address2, null);
      assert.equal('idaccount' in created, false);
      const updated = await c.expect(200, 'PUT', `/${path}/${created[id]}`, {
        city: 'Amsterdam',
        contactname: null,
      });
      assert.equal(updated.city, 'Amsterdam');
      assert.equal(updated.contactname, null);
      assert.equal(updated.name, 'Jansen BV');
      assert.deepEqual(await c.expect(200, 'GET', `/${path}/${created[id]}`), updated);
      assert.deepEqual((await c.expect(200, 'GET', `/${path}?search=jansen`)).length, 1);
      assert.equal((await c.post(`/${path}`, { name: 'X', emailaddress: 'not an address' })).status, 400);
      assert.equal((await c.post(`/${path}`, { contactname: 'no name' })).status, 400);
      const defaults = await c.expect(201, 'POST', `/${path}`, { name: 'Plain' });
      assert.equal(defaults.language, 'en');
    }
  });

  test('when a list has more than a page, then offset pages through it by id', async () => {
    const c = await t().newClient();
    for (let i = 0; i < 102; i++) await c.expect(201, 'POST', '/customers', { name: `C${i}` });
    const first = await c.expect(200, 'GET', '/customers');
    const second = await c.expect(200, 'GET', '/customers?offset=100');
    assert.equal(first.length, 100);
    assert.deepEqual(
      second.map((x: any) => x.name),
      ['C100', 'C101'],
    );
    assert.ok(first[0].idcustomer < first[99].idcustomer);
    assert.deepEqual(await c.expect(200, 'GET', '/customers?offset=200'), []);
  });
});
