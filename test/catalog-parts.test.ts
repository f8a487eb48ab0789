import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines, type Client } from './harness.ts';
import { expectError } from './stock-fixtures.ts';

const product = (c: Client, productcode: string, type = 'normal') =>
  c.expect(201, 'POST', '/products', { productcode, name: productcode, type });

describeEngines('composition parts and product events', (t) => {
  test('when parts are added, changed and removed, then the composition lists them with product details', async () => {
    const c = await t().newClient();
    const kit = await product(c, 'KIT', 'virtual_composition');
    const a = await product(c, 'A');
    const b = await product(c, 'B', 'composition_with_stock');
    const pa = await c.expect(201, 'POST', `/products/${kit.idproduct}/parts`, {
      idproduct: a.idproduct,
      amount: 1,
    });
    assert.deepEqual(pa, {
      idproduct_part: pa.idproduct_part,
      idproduct: a.idproduct,
      amount: 1,
      productcode: 'A',
      name: 'A',
      type: 'normal',
    });
    const pb = await c.expect(201, 'POST', `/products/${kit.idproduct}/parts`, {
      idproduct: b.idproduct,
      amount: 2,
    });
    const changed = await c.expect(200, 'PUT', `/products/${kit.idproduct}/parts/${pa.idproduct_part}`, {
      amount: 3,
    });
    assert.equal(changed.amount, 3);
    assert.deepEqual(
      await c.expect(200, 'GET', `/products/${kit.idproduct}/parts/${pa.idproduct_part}`),
      changed,
    );
    assert.deepEqual(await c.expect(200, 'GET', `/products/${kit.idproduct}/parts`), [changed, pb]);
    await c.expect(204, 'DELETE', `/products/${kit.idproduct}/parts/${pb.idproduct_part}`);
    assert.deepEqual(await c.expect(200, 'GET', `/products/${kit.idproduct}/parts`), [changed]);
    await expectError(c, 404, 'GET', `/products/${kit.idproduct}/parts/${pb.idproduct_part}`);
    // A part id only answers under its own composition.
    await expectError(c, 404, 'GET', `/products/${a.idproduct}/parts/${pa.idproduct_part}`);
  });

  test('when a part would be the composition itself, a virtual composition, a duplicate or unknown, then 400', async () => {
    const c = await t().newClient();
    const kit = await product(c, 'KIT', 'composition_with_stock');
    const inner = await product(c, 'INNER', 'virtual_composition');
    const plain = await product(c, 'PLAIN');
    const url = `/products/${kit.idproduct}/parts`;
    assert.match(
      (await expectError(c, 400, 'POST', url, { idproduct: kit.idproduct, amount: 1 })).error_message,
      /itself/,
    );
    assert.match(
      (await expectError(c, 400, 'POST', url, { idproduct: inner.idproduct, amount: 1 })).error_message,
      /virtual composition/,
    );
    assert.match(
      (await expectError(c, 400, 'POST', url, { idproduct: 999999, amount: 1 })).error_message,
      /does not exist/,
    );
    await expectError(c, 400, 'POST', url, { idproduct: plain.idproduct, amount: 0 });
    await expectError(c, 400, 'POST', url, { idproduct: plain.idproduct, amount: '2' });
    await c.expect(201, 'POST', url, { idproduct: plain.idproduct, amount: 1 });
    assert.equal(
      (await expectError(c, 400, 'POST', url, { idproduct: plain.idproduct, amount: 1 })).error_code,
      7,
    );
    // Only compositions have parts.
    const onNormal = await expectError(c, 400, 'POST', `/products/${plain.idproduct}/parts`, {
      idproduct: kit.idproduct,
      amount: 1,
    });
    assert.match(onNormal.error_message, /only compositions/);
    // A composition with parts cannot become a normal product; a part cannot become a virtual composition.
    await expectError(c, 400, 'PUT', `/products/${kit.idproduct}`, { type: 'normal' });
    await expectError(c, 400, 'PUT', `/products/${plain.idproduct}`, { type: 'virtual_composition' });
    assert.equal((await c.expect(200, 'GET', url)).length, 1);
  });

  test('when products change, then events are published in order; a refused change publishes nothing', async () => {
    const c = await t().newClient();
    const w = await c.expect(201, 'POST', '/warehouses', { name: 'W' });
    const l1 = await c.expect(201, 'POST', '/locations', { idwarehouse: w.idwarehouse, name: 'L1' });
    const p = await product(c, 'EV');
    const kit = await product(c, 'EVKIT', 'virtual_composition');
    await c.expect(200, 'PUT', `/products/${p.idproduct}`, { name: 'Renamed' });
    await c.expect(201, 'POST', `/products/${kit.idproduct}/parts`, { idproduct: p.idproduct, amount: 2 });
    await c.expect(200, 'POST', `/products/${p.idproduct}/stock/${w.idwarehouse}`, {
      idlocation: null,
      change: 3,
      reason: 'r',
    });
    await c.expect(200, 'POST', `/products/${p.idproduct}/stock/${w.idwarehouse}/move`, {
      from_idlocation: null,
      to_idlocation: l1.idlocation,
      amount: 2,
    });
    await expectError(c, 400, 'PUT', `/products/${p.idproduct}`, { type: 'unlimited_stock' });
    await c.expect(200, 'POST', `/products/${p.idproduct}/inactivate`);
    await c.expect(200, 'POST', `/products/${p.idproduct}/inactivate`);
    const events = await c.expect(200, 'GET', '/events');
    assert.deepEqual(
      events.map((e: any) => [e.event, e.resource_id]),
      [
        ['products.created', p.idproduct],
        ['products.created', kit.idproduct],
        ['products.changed', p.idproduct],
        ['products.parts.changed', kit.idproduct],
        ['products.stock_changed', p.idproduct],
        ['products.free_stock_changed', p.idproduct],
        ['products.stock_on_location_changed', p.idproduct],
        ['products.changed', p.idproduct],
      ],
    );
    assert.equal(events[2].data.name, 'Renamed');
    assert.deepEqual(
      events[3].data.parts.map((x: any) => [x.idproduct, x.amount]),
      [[p.idproduct, 2]],
    );
    assert.equal(events[6].data.amount, 2);
    assert.equal(events[7].data.active, false);
  });
});
