import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import { addStock, placed } from './orders-fixtures.ts';
import { code, purchasedPO } from './purchasing-fixtures.ts';

/** Issue 11: per-warehouse product settings and purchase advice through the API. */

describeEngines('per-warehouse settings and purchase advice', (t) => {
  test('when per-warehouse settings are read and updated, then every warehouse answers and only the given fields change', async () => {
    const c = await t().newClient();
    const w1 = (await c.expect(201, 'POST', '/warehouses', { name: 'W1' })).idwarehouse;
    const w2 = (await c.expect(201, 'POST', '/warehouses', { name: 'W2' })).idwarehouse;
    const p = (await c.expect(201, 'POST', '/products', { productcode: code('S'), name: 'S', price: 1 }))
      .idproduct;
    const zero = {
      stock_level_order: 0,
      stock_level_desired: 0,
      stock_level_maximum: 0,
      stock_location: null,
    };
    assert.deepEqual(await c.expect(200, 'GET', `/products/${p}/warehouses`), [
      { idwarehouse: w1, idproduct: p, ...zero },
      { idwarehouse: w2, idproduct: p, ...zero },
    ]);
    await c.expect(200, 'PUT', `/products/${p}/warehouses/${w2}`, {
      stock_level_order: 5,
      stock_level_desired: 20,
    });
    const after = await c.expect(200, 'PUT', `/products/${p}/warehouses/${w2}`, {
      stock_location: 'Shelf 4',
    });
    assert.deepEqual(after, {
      idwarehouse: w2,
      idproduct: p,
      stock_level_order: 5,
      stock_level_desired: 20,
      stock_level_maximum: 0,
      stock_location: 'Shelf 4',
    });
    for (const body of [{ stock_level_order: -1 }, { stock_level_desired: '5' }]) {
      const res = await c.put(`/products/${p}/warehouses/${w2}`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.equal((await c.put(`/products/${p}/warehouses/999999`, { stock_level_order: 1 })).status, 404);
    assert.equal((await c.get('/products/999999/warehouses')).status, 404);
    assert.deepEqual((await c.expect(200, 'GET', `/products/${p}/warehouses`))[1], after);
  });

  test('when products are below their order level or backorders wait uncovered, then the advice says how many, and the action orders it once per supplier', async () => {
    const c = await t().newClient();
    const idwarehouse = (await c.expect(201, 'POST', '/warehouses', { name: 'Main' })).idwarehouse;
    const idsupplier = (await c.expect(201, 'POST', '/suppliers', { name: 'Acme' })).idsupplier;
    const product = async (name: string, extra: object = {}) =>
      (
        await c.expect(201, 'POST', '/products', {
          productcode: code(name),
          name,
          price: 2,
          idsupplier,
          ...extra,
        })
      ).idproduct as number;
    const A = await product('A');
    const B = await product('B', { purchase_in_quantities_of: 5 });
    const C = await product('C', { minimum_purchase_quantity: 10 });
    const D = await product('D', { idsupplier: null });
    const E = await product('E');
    // A: keep in stock, 3 in stock below order level 5 -> to 20.
    await c.expect(200, 'PUT', `/products/${A}/warehouses/${idwarehouse}`, {
      stock_level_order: 5,
      stock_level_desired: 20,
    });
    await addStock(c, A, idwarehouse, 3);
    // E: at its order level: nothing.
    await c.expect(200, 'PUT', `/products/${E}/warehouses/${idwarehouse}`, { stock_level_order: 2 });
    await addStock(c, E, idwarehouse, 2);
    // B: 12 backordered, 5 on a purchased order -> 7 needed, in fives -> 10. C: 2 -> minimum 10. D: 1.
    const wd = {
      w: { Main: idwarehouse },
      p: {},
      idcustomer: (await c.expect(201, 'POST', '/customers', { name: 'X' })).idcustomer,
    };
    await placed(c, wd, [
      [B, 12],
      [C, 2],
      [D, 1],
    ]);
    await purchasedPO(c, { idwarehouse, idsupplier, idlocation: 0, P: B, Q: C }, [
      { idproduct: B, amount: 5 },
    ]);

    const advice = await c.expect(200, 'GET', '/purchaseadvice');
    assert.deepEqual(
      advice.map((a: any) => [a.idproduct, a.advised_amount, a.reason, a.backorder_need]),
      [
        [D, 1, 'backorders', 1],
        [A, 17, 'stock_level', 0],
        [B, 10, 'backorders', 7],
        [C, 10, 'backorders', 2],
      ],
    );
    const b = advice.find((a: any) => a.idproduct === B);
    assert.deepEqual([b.freestock, b.incoming, b.idsupplier], [-12, 5, idsupplier]);
    assert.equal((await c.expect(200, 'GET', `/purchaseadvice?idsupplier=${idsupplier}`)).length, 3);

    const created = await c.expect(201, 'POST', '/purchaseadvice/purchaseorders', null);
    assert.equal(created.length, 1);
    assert.equal(created[0].status, 'concept');
    assert.equal(created[0].idsupplier, idsupplier);
    assert.deepEqual(
      created[0].products.map((l: any) => [l.idproduct, l.amount]),
      [
        [A, 17],
        [B, 10],
        [C, 10],
      ],
    );
    // The concept order now covers them: a second run advises only what has no supplier.
    assert.deepEqual(
      (await c.expect(200, 'GET', '/purchaseadvice')).map((a: any) => a.idproduct),
      [D],
    );
    assert.deepEqual(await c.expect(201, 'POST', '/purchaseadvice/purchaseorders', null), []);
  });
});
