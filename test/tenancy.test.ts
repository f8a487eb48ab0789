import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import { change, detail, expectError, historyOf, stockSetup } from './stock-fixtures.ts';

/** A key sees and changes only its own account: another account's ids answer 404 (400 in bodies). */
describeEngines('tenancy', (t) => {
  test("when a key reads or writes another account's catalog and stock, then 404 and the owner's data is untouched", async () => {
    const owner = await t().newClient();
    const s = await stockSetup(owner);
    await change(owner, s, { idlocation: s.loc.L1, change: 7 });
    const customer = await owner.expect(201, 'POST', '/customers', { name: 'Owner customer' });
    const supplier = await owner.expect(201, 'POST', '/suppliers', { name: 'Owner supplier' });
    const kit = await owner.expect(201, 'POST', '/products', {
      productcode: 'KIT',
      name: 'Kit',
      type: 'virtual_composition',
    });
    const part = await owner.expect(201, 'POST', `/products/${kit.idproduct}/parts`, {
      idproduct: s.idproduct,
      amount: 2,
    });
    const [entry] = await historyOf(owner, s.idproduct);
    const snapshot = async () => ({
      product: await owner.expect(200, 'GET', `/products/${s.idproduct}`),
      stock: await detail(owner, s),
      warehouse: await owner.expect(200, 'GET', `/warehouses/${s.idwarehouse}`),
      location: await owner.expect(200, 'GET', `/locations/${s.loc.L1}`),
      customer: await owner.expect(200, 'GET', `/customers/${customer.idcustomer}`),
      supplier: await owner.expect(200, 'GET', `/suppliers/${supplier.idsupplier}`),
      parts: await owner.expect(200, 'GET', `/products/${kit.idproduct}/parts`),
      history: await historyOf(owner, s.idproduct),
    });
    const before = await snapshot();

    const intruder = await t().newClient();
    const mine = await stockSetup(intruder);
    const P = s.idproduct;
    const W = s.idwarehouse;
    const notFound: [string, string, unknown?][] = [
      ['GET', `/warehouses/${W}`],
      ['PUT', `/warehouses/${W}`, { name: 'Mine now' }],
      ['GET', `/warehouses/${W}/stock`],
      ['GET', `/locations/${s.loc.L1}`],
      ['PUT', `/locations/${s.loc.L1}`, { name: 'Mine now' }],
      ['DELETE', `/locations/${s.loc.L2}`],
      ['GET', `/products/${P}`],
      ['PUT', `/products/${P}`, { name: 'Mine now' }],
      ['POST', `/products/${P}/inactivate`],
      ['POST', `/products/${P}/activate`],
      ['GET', `/products/${P}/stock`],
      ['GET', `/products/${P}/stock/${W}`],
      ['POST', `/products/${P}/stock/${W}`, { idlocation: null, change: 1, reason: 'r' }],
      [
        'POST',
        `/products/${P}/stock/${W}/move`,
        { from_idlocation: s.loc.L1, to_idlocation: null, amount: 1 },
      ],
      ['POST', `/products/${mine.idproduct}/stock/${W}`, { idlocation: null, change: 1, reason: 'r' }],
      ['GET', `/products/${kit.idproduct}/parts`],
      ['POST', `/products/${kit.idproduct}/parts`, { idproduct: mine.idproduct, amount: 1 }],
      ['GET', `/products/${kit.idproduct}/parts/${part.idproduct_part}`],
      ['PUT', `/products/${kit.idproduct}/parts/${part.idproduct_part}`, { amount: 9 }],
      ['DELETE', `/products/${kit.idproduct}/parts/${part.idproduct_part}`],
      ['GET', `/customers/${customer.idcustomer}`],
      ['PUT', `/customers/${customer.idcustomer}`, { name: 'Mine now' }],
      ['GET', `/suppliers/${supplier.idsupplier}`],
      ['PUT', `/suppliers/${supplier.idsupplier}`, { name: 'Mine now' }],
      ['GET', `/stockhistory/${entry.idproduct_stock_history}`],
    ];
    for (const [method, url, body] of notFound) {
      const err = await expectError(intruder, 404, method, url, body);
      assert.equal(err.error_code, 20, `${method} ${url}`);
    }

    // The owner's ids inside the intruder's own requests are unknown references: 400.
    const badRef: [string, string, unknown][] = [
      ['POST', '/locations', { idwarehouse: W, name: 'X' }],
      ['POST', '/locations', { idwarehouse: mine.idwarehouse, name: 'X', parent_idlocation: s.loc.L1 }],
      ['POST', '/products', { productcode: 'X', name: 'X', idsupplier: supplier.idsupplier }],
      [
        'POST',
        `/products/${mine.idproduct}/stock/${mine.idwarehouse}`,
        { idlocation: s.loc.L1, change: 1, reason: 'r' },
      ],
      [
        'POST',
        `/products/${mine.idproduct}/stock/${mine.idwarehouse}/move`,
        { from_idlocation: null, to_idlocation: s.loc.L1, amount: 1 },
      ],
    ];
    for (const [method, url, body] of badRef) await expectError(intruder, 400, method, url, body);

    // Lists show only the intruder's own rows.
    const ids = async (url: string, id: string) =>
      (await intruder.expect(200, 'GET', url)).map((x: any) => x[id]);
    assert.deepEqual(await ids('/warehouses', 'idwarehouse'), [mine.idwarehouse]);
    assert.deepEqual(await ids('/products?inactive=true', 'idproduct'), [mine.idproduct]);
    assert.deepEqual(await ids('/customers', 'idcustomer'), []);
    assert.deepEqual(await ids('/suppliers', 'idsupplier'), []);
    assert.deepEqual((await ids('/locations', 'idlocation')).sort(), Object.values(mine.loc).sort());
    assert.deepEqual(await ids(`/stockhistory?idproduct=${P}`, 'idproduct_stock_history'), []);
    assert.deepEqual(await ids('/stockhistory', 'idproduct_stock_history'), []);
    assert.deepEqual(await ids(`/locations?idwarehouse=${W}`, 'idlocation'), []);
    // The intruder's product stock lists only the intruder's warehouses.
    const stock = await intruder.expect(200, 'GET', `/products/${mine.idproduct}/stock`);
    assert.deepEqual(
      stock.map((x: any) => x.idwarehouse),
      [mine.idwarehouse],
    );

    assert.deepEqual(await snapshot(), before);
    await t().assertLedger(owner);
    await t().assertLedger(intruder);
  });
});
