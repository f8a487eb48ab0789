import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Client } from './harness.ts';
import { describeEngines } from './harness.ts';
import {
  createPO,
  purchasedPO,
  purchasingSetup,
  receiptFor,
  receive,
  type PurchasingSetup,
} from './purchasing-fixtures.ts';

/**
 * Expected availability of backorders (seed 000 date_available, reference/picqer-api.md 11.3):
 * open backorders, in queue order, consume the open quantities of purchased purchase orders of
 * their product and warehouse, earliest expected date first.
 */

/** An order of `amount` of a product, processed with nothing in stock: one backorder. */
async function backordered(
  c: Client,
  idproduct: number,
  amount: number,
): Promise<{ idorder: number; idbackorder: number }> {
  const customer = await c.expect(201, 'POST', '/customers', { name: 'Customer' });
  const o = await c.expect(201, 'POST', '/orders', {
    idcustomer: customer.idcustomer,
    products: [{ idproduct, amount }],
  });
  await c.expect(200, 'POST', `/orders/${o.idorder}/process`);
  const [b, ...more] = await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`);
  assert.equal(more.length, 0);
  return { idorder: o.idorder, idbackorder: b.idbackorder };
}

async function expectation(c: Client, idbackorder: number): Promise<[string | null, boolean]> {
  const b = await c.expect(200, 'GET', `/backorders/${idbackorder}`);
  return [b.date_available, b.is_purchased];
}

const datedPO = (
  c: Client,
  s: PurchasingSetup,
  idproduct: number,
  amount: number,
  delivery_date: string | null,
) => purchasedPO(c, s, [{ idproduct, amount }], { delivery_date });

describeEngines('expected availability', (t) => {
  test('when the first purchase order is too small, then the backorder is expected on the date of the one that completes it', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const { idorder, idbackorder } = await backordered(c, s.P, 5);
    assert.deepEqual(await expectation(c, idbackorder), [null, false]);
    await datedPO(c, s, s.P, 3, '2030-01-10');
    assert.deepEqual(await expectation(c, idbackorder), [null, false]);
    const po2 = await datedPO(c, s, s.P, 10, '2030-02-01');
    assert.deepEqual(await expectation(c, idbackorder), ['2030-02-01', true]);
    const [fromOrder] = await c.expect(200, 'GET', `/orders/${idorder}/backorders`);
    assert.equal(fromOrder.date_available, '2030-02-01');
    assert.equal(fromOrder.is_purchased, true);
    // The list of all backorders leaves it out (seed 000).
    const [listed] = await c.expect(200, 'GET', '/backorders');
    assert.equal('date_available' in listed, false);

    // A changed delivery date moves it at once; a line's own date wins over the order's.
    await c.expect(200, 'PUT', `/purchaseorders/${po2.idpurchaseorder}`, { delivery_date: '2030-03-15' });
    assert.deepEqual(await expectation(c, idbackorder), ['2030-03-15', true]);
    await c.expect(
      200,
      'PUT',
      `/purchaseorders/${po2.idpurchaseorder}/products/${po2.products[0].idpurchaseorder_product}`,
      {
        delivery_date: '2030-02-20',
      },
    );
    assert.deepEqual(await expectation(c, idbackorder), ['2030-02-20', true]);
    // Cancelling the order that completes it leaves nothing that covers it.
    await c.expect(200, 'POST', `/purchaseorders/${po2.idpurchaseorder}/cancel`);
    assert.deepEqual(await expectation(c, idbackorder), [null, false]);
  });

  test('when a purchase order is only a concept, then it is not expected; marking it purchased makes it count', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const { idbackorder } = await backordered(c, s.P, 2);
    const po = await createPO(c, s, [{ idproduct: s.P, amount: 5 }], { delivery_date: '2030-04-01' });
    assert.deepEqual(await expectation(c, idbackorder), [null, false]);
    assert.deepEqual(await c.expect(200, 'GET', `/products/${s.P}/expected`), []);
    await c.expect(200, 'POST', `/purchaseorders/${po.idpurchaseorder}/mark-as-purchased`);
    assert.deepEqual(await expectation(c, idbackorder), ['2030-04-01', true]);
  });

  test('when backorders queue, then they consume purchase orders in priority order, and prioritising moves the dates', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const first = await backordered(c, s.P, 4);
    const second = await backordered(c, s.P, 4);
    await datedPO(c, s, s.P, 5, '2030-01-01');
    await datedPO(c, s, s.P, 5, '2030-03-01');
    assert.deepEqual(await expectation(c, first.idbackorder), ['2030-01-01', true]);
    assert.deepEqual(await expectation(c, second.idbackorder), ['2030-03-01', true]);
    // A new backorder ahead in the queue takes the early supply.
    await c.expect(200, 'POST', `/orders/${second.idorder}/prioritise`);
    assert.deepEqual(await expectation(c, second.idbackorder), ['2030-01-01', true]);
    assert.deepEqual(await expectation(c, first.idbackorder), ['2030-03-01', true]);
    // One more behind them finds only 2 left: not covered.
    const third = await backordered(c, s.P, 3);
    assert.deepEqual(await expectation(c, third.idbackorder), [null, false]);
    assert.deepEqual(await expectation(c, first.idbackorder), ['2030-03-01', true]);
  });

  test('when stock arrives through a receipt, then what is still missing is expected from the orders left', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const { idbackorder } = await backordered(c, s.P, 5);
    await datedPO(c, s, s.P, 3, '2030-01-10');
    const late = await datedPO(c, s, s.P, 10, '2030-02-01');
    assert.deepEqual(await expectation(c, idbackorder), ['2030-02-01', true]);
    // 2 of the late order arrive early: 3 are missing, and the January order covers them.
    const r = await receiptFor(c, late.idpurchaseorder);
    await receive(c, r.idreceipt, { idproduct: s.P, amount: 2 });
    const b = await c.expect(200, 'GET', `/backorders/${idbackorder}`);
    assert.equal(b.amount_available, 2);
    assert.deepEqual([b.date_available, b.is_purchased], ['2030-01-10', true]);
    // Fully available: no purchase order is needed any more.
    await receive(c, r.idreceipt, { idproduct: s.P, amount: 3 });
    const done = await c.expect(200, 'GET', `/backorders/${idbackorder}`);
    assert.equal(done.amount_available, 5);
    assert.deepEqual([done.date_available, done.is_purchased], [null, false]);
    await t().assertLedger(c);
  });

  test('when a partly received order is closed, then its remainder no longer covers backorders', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const { idbackorder } = await backordered(c, s.P, 6);
    const po = await datedPO(c, s, s.P, 10, '2030-05-05');
    const r = await receiptFor(c, po.idpurchaseorder);
    await receive(c, r.idreceipt, { idproduct: s.P, amount: 2 });
    assert.deepEqual(await expectation(c, idbackorder), ['2030-05-05', true]);
    await c.expect(200, 'POST', `/purchaseorders/${po.idpurchaseorder}/close`);
    assert.deepEqual(await expectation(c, idbackorder), [null, false]);
    await t().assertLedger(c);
  });

  test('when only undated purchase orders cover a backorder, then it is purchased without a date', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const { idbackorder } = await backordered(c, s.P, 3);
    const undated = await datedPO(c, s, s.P, 5, null);
    assert.deepEqual(await expectation(c, idbackorder), [null, true]);
    // A dated order is used before an undated one.
    await datedPO(c, s, s.P, 3, '2030-07-01');
    assert.deepEqual(await expectation(c, idbackorder), ['2030-07-01', true]);
    assert.deepEqual(
      (await c.expect(200, 'GET', `/products/${s.P}/expected`)).map((e: any) => [
        e.delivery_date,
        e.amount_open,
      ]),
      [
        ['2030-07-01', 3],
        [null, 5],
      ],
    );
    assert.equal(undated.status, 'purchased');
  });

  test('when purchase orders go to another warehouse or are for another product, then they do not cover the backorder', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const w2 = await c.expect(201, 'POST', '/warehouses', { name: 'Far', priority: 9 });
    const { idbackorder } = await backordered(c, s.P, 2);
    await purchasedPO(c, s, [{ idproduct: s.P, amount: 5 }], {
      idwarehouse: w2.idwarehouse,
      delivery_date: '2030-01-01',
    });
    await datedPO(c, s, s.Q, 5, '2030-01-01');
    assert.deepEqual(await expectation(c, idbackorder), [null, false]);
  });

  test('when listing expected stock of a product, then open quantities of purchased orders come earliest first', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const late = await datedPO(c, s, s.P, 8, '2030-09-01');
    const early = await purchasedPO(c, s, [{ idproduct: s.P, amount: 4, delivery_date: '2030-02-01' }], {
      delivery_date: '2030-12-01',
    });
    const r = await receiptFor(c, late.idpurchaseorder);
    await receive(c, r.idreceipt, { idproduct: s.P, amount: 3 });
    const expected = await c.expect(200, 'GET', `/products/${s.P}/expected`);
    assert.deepEqual(expected, [
      {
        idpurchaseorder: early.idpurchaseorder,
        purchaseorderid: early.purchaseorderid,
        idpurchaseorder_product: early.products[0].idpurchaseorder_product,
        idwarehouse: s.idwarehouse,
        idsupplier: s.idsupplier,
        supplier_name: 'Acme Supplies',
        amount: 4,
        amountreceived: 0,
        amount_open: 4,
        delivery_date: '2030-02-01',
      },
      {
        idpurchaseorder: late.idpurchaseorder,
        purchaseorderid: late.purchaseorderid,
        idpurchaseorder_product: late.products[0].idpurchaseorder_product,
        idwarehouse: s.idwarehouse,
        idsupplier: s.idsupplier,
        supplier_name: 'Acme Supplies',
        amount: 8,
        amountreceived: 3,
        amount_open: 5,
        delivery_date: '2030-09-01',
      },
    ]);
    assert.equal((await c.get('/products/999999/expected')).status, 404);
    const other = await t().newClient();
    assert.equal((await other.get(`/products/${s.P}/expected`)).status, 404);
    await t().assertLedger(c);
  });
});
