import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines, type Client } from './harness.ts';
import { addStock, placed, world } from './orders-fixtures.ts';
import { purchasedPO, purchasingSetup, receiptFor, receive } from './purchasing-fixtures.ts';

/** Issue 11: product locations as Picqer has them (link, unlink, list both ways). */

async function locations(c: Client, idwarehouse: number, names: string[]) {
  const out: number[] = [];
  for (const name of names)
    out.push((await c.expect(201, 'POST', '/locations', { idwarehouse, name })).idlocation);
  return out;
}

const linked = async (c: Client, idproduct: number) =>
  (await c.expect(200, 'GET', `/products/${idproduct}/locations`)).map((l: any) => [
    l.idlocation,
    l.stock_for_product.stock,
  ]);

describeEngines('product locations', (t) => {
  test('when a product is linked as the PHP client does, then both lists show it; linking again changes nothing', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    const [l1, l2] = await locations(c, wd.w.W1!, ['A-1', 'A-2']);
    const idproduct = wd.p.A!;
    const link = await c.expect(201, 'POST', `/products/${idproduct}/locations`, { idlocation: l1 });
    assert.deepEqual(link, {
      idlocation: l1,
      idwarehouse: wd.w.W1,
      parent_idlocation: null,
      name: 'A-1',
      remarks: null,
      is_bulk_location: false,
      stock_for_product: { stock: 0, stock_reserved_picklists: 0 },
    });
    await c.expect(201, 'POST', `/products/${idproduct}/locations`, { idlocation: l1 });
    assert.deepEqual(await linked(c, idproduct), [[l1, 0]]);
    const products = await c.expect(200, 'GET', `/locations/${l1}/products`);
    assert.deepEqual(
      products.map((p: any) => [p.idproduct, p.stock_on_location.stock]),
      [[idproduct, 0]],
    );
    assert.deepEqual(await c.expect(200, 'GET', `/locations/${l2}/products`), []);
    const available = await c.expect(200, 'GET', '/locations?only_available=1');
    assert.deepEqual(
      available.map((l: any) => l.idlocation),
      [l2],
    );
  });

  test('when stock is booked on a location by a change, a move or a receipt, then the product is linked there', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const [l2, l3] = await locations(c, s.idwarehouse, ['B-2', 'B-3']);
    await addStock(c, s.P, s.idwarehouse, 4, l2);
    await c.expect(200, 'POST', `/products/${s.P}/stock/${s.idwarehouse}/move`, {
      from_idlocation: l2,
      to_idlocation: l3,
      amount: 1,
    });
    assert.deepEqual(await linked(c, s.P), [
      [l2, 3],
      [l3, 1],
    ]);
    const po = await purchasedPO(c, s, [{ idproduct: s.Q, amount: 2 }]);
    const r = await receiptFor(c, po.idpurchaseorder);
    await receive(c, r.idreceipt, { idproduct: s.Q, amount: 2, idlocation: s.idlocation });
    assert.deepEqual(await linked(c, s.Q), [[s.idlocation, 2]]);
    await t().assertLedger(c);
  });

  test('when a location holds the product stock or reservations, then unlinking is refused; once empty it unlinks', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    const [l1] = await locations(c, wd.w.W1!, ['C-1']);
    const idproduct = wd.p.A!;
    await addStock(c, idproduct, wd.w.W1!, 1, l1);
    const refused = await c.del(`/products/${idproduct}/locations/${l1}`, []);
    assert.equal(refused.status, 400, refused.raw);
    assert.equal(refused.body.error_code, 21);
    const { picklists } = await placed(c, wd, [[idproduct, 1]]);
    const reserved = await c.del(`/products/${idproduct}/locations/${l1}`, []);
    assert.equal(reserved.status, 400);
    assert.deepEqual(await linked(c, idproduct), [[l1, 1]]);
    await c.expect(200, 'POST', `/picklists/${picklists[0].idpicklist}/pickall`, null);
    await c.expect(200, 'POST', `/picklists/${picklists[0].idpicklist}/close`, null);
    const res = await c.del(`/products/${idproduct}/locations/${l1}`, []);
    assert.equal(res.status, 204, res.raw);
    assert.deepEqual(await linked(c, idproduct), []);
    assert.equal((await c.del(`/products/${idproduct}/locations/${l1}`, [])).status, 404);
    await t().assertLedger(c);
  });

  test('when the product, the location or the product type is wrong, then the link is refused and nothing changes', async () => {
    const c = await t().newClient();
    const wd = await world(c, { products: { A: 'normal', V: 'virtual_composition' } });
    const [l1] = await locations(c, wd.w.W1!, ['D-1']);
    assert.equal((await c.post(`/products/999999/locations`, { idlocation: l1 })).status, 404);
    const unknown = await c.post(`/products/${wd.p.A}/locations`, { idlocation: 999999 });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error_code, 5);
    assert.equal((await c.post(`/products/${wd.p.A}/locations`, {})).status, 400);
    const virtual = await c.post(`/products/${wd.p.V}/locations`, { idlocation: l1 });
    assert.equal(virtual.status, 400);
    assert.equal(virtual.body.error_code, 21);
    assert.equal((await c.get('/locations/999999/products')).status, 404);
    assert.deepEqual(await c.expect(200, 'GET', `/locations/${l1}/products`), []);
  });
});
