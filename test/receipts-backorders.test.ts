import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Client } from './harness.ts';
import { describeEngines } from './harness.ts';
import { purchasedPO, purchasingSetup, receiptFor, receive, stockOf } from './purchasing-fixtures.ts';

/** Received stock goes to waiting backorders by priority (reference/picqer-api.md 10.4, 11.2), never to picklists by itself. */

async function waitingOrder(
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
  const [b] = await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`);
  return { idorder: o.idorder, idbackorder: b.idbackorder };
}

const available = async (c: Client, idbackorder: number): Promise<number> =>
  (await c.expect(200, 'GET', `/backorders/${idbackorder}`)).amount_available;

describeEngines('receipts and backorders', (t) => {
  test('when stock is received, then waiting backorders get it in priority order and no picklist is made', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const o1 = await waitingOrder(c, s.P, 3);
    const o2 = await waitingOrder(c, s.P, 4);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 10 }]);
    const r = await receiptFor(c, po.idpurchaseorder);
    const [row] = await receive(c, r.idreceipt, { idproduct: s.P, amount: 5, idlocation: s.idlocation });
    assert.deepEqual([await available(c, o1.idbackorder), await available(c, o2.idbackorder)], [3, 2]);
    assert.deepEqual(await c.expect(200, 'GET', '/picklists'), []);
    const stock = await stockOf(c, s.P, s.idwarehouse);
    assert.equal(stock.stock, 5);
    assert.equal(stock.freestock, -2);
    // A revert takes it back from the last in the queue first.
    await c.expect(200, 'POST', `/receipts/${r.idreceipt}/products/${row.idreceipt_product}/revert`);
    assert.deepEqual([await available(c, o1.idbackorder), await available(c, o2.idbackorder)], [0, 0]);
    await receive(c, r.idreceipt, { idproduct: s.P, amount: 4 });
    assert.deepEqual([await available(c, o1.idbackorder), await available(c, o2.idbackorder)], [3, 1]);
    await t().assertLedger(c);
  });

  test('when an order is prioritised, then the next receipt serves it first', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const o1 = await waitingOrder(c, s.P, 3);
    const o2 = await waitingOrder(c, s.P, 4);
    await c.expect(200, 'POST', `/orders/${o2.idorder}/prioritise`);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 10 }]);
    const r = await receiptFor(c, po.idpurchaseorder);
    await receive(c, r.idreceipt, { idproduct: s.P, amount: 5 });
    assert.deepEqual([await available(c, o2.idbackorder), await available(c, o1.idbackorder)], [4, 1]);
    await t().assertLedger(c);
  });

  test('when picklists reserve received stock, then a revert that would take it below the reservation is refused', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const o1 = await waitingOrder(c, s.P, 3);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 10 }]);
    const r = await receiptFor(c, po.idpurchaseorder);
    const [three] = await receive(c, r.idreceipt, { idproduct: s.P, amount: 3 });
    const [two] = await receive(c, r.idreceipt, { idproduct: s.P, amount: 2 });
    await c.expect(200, 'POST', `/orders/${o1.idorder}/process-backorders`);
    const [picklist] = await c.expect(200, 'GET', `/picklists?idorder=${o1.idorder}`);
    assert.ok(picklist, 'processing the available backorder made a picklist');
    assert.equal((await stockOf(c, s.P, s.idwarehouse)).reservedpicklists, 3);
    // 5 in stock, 3 reserved: taking back 2 is fine, taking back 3 more is not.
    await c.expect(200, 'POST', `/receipts/${r.idreceipt}/products/${two.idreceipt_product}/revert`);
    const refused = await c.post(`/receipts/${r.idreceipt}/products/${three.idreceipt_product}/revert`);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error_code, 100);
    assert.match(refused.body.error_message, /reserv/i);
    assert.equal((await stockOf(c, s.P, s.idwarehouse)).stock, 3);
    const line = (await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`)).products[0];
    assert.equal(line.amountreceived, 3);
    await t().assertLedger(c);
  });
});
