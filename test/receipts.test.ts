import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import {
  code,
  createPO,
  eventsOf,
  historyOf,
  purchasedPO,
  purchasingSetup,
  receiptFor,
  receive,
  stockOf,
} from './purchasing-fixtures.ts';

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describeEngines('receipts', (t) => {
  test('when a receipt is started for a concept or cancelled order, then 400 (code 21) saying it must be purchased', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const concept = await createPO(c, s, [{ idproduct: s.P, amount: 1 }]);
    const res = await c.post('/receipts', { idpurchaseorder: concept.idpurchaseorder });
    assert.equal(res.status, 400);
    assert.equal(res.body.error_code, 21);
    assert.match(
      res.body.error_message,
      /only purchased purchase orders can be received \(mark it as purchased first\)/,
    );
    await c.expect(200, 'POST', `/purchaseorders/${concept.idpurchaseorder}/cancel`);
    assert.equal((await c.post('/receipts', { idpurchaseorder: concept.idpurchaseorder })).status, 400);
    assert.equal((await c.post('/receipts', {})).status, 400);
    assert.equal((await c.post('/receipts', { idpurchaseorder: 999999 })).status, 400);
    assert.equal((await c.post('/receipts', { idsupplier: 999999 })).status, 400);
    assert.deepEqual(await c.expect(200, 'GET', '/receipts'), []);
  });

  test('when a receipt is started for a purchased order, then it is processing, version 2, numbered per account', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 5 }]);
    const r = await c.expect(201, 'POST', '/receipts', {
      idpurchaseorder: po.idpurchaseorder,
      idwarehouse: s.idwarehouse,
      version: 2,
    });
    assert.equal(r.status, 'processing');
    assert.equal(r.version, 2);
    assert.match(r.receiptid, /^\d{4}0001$/);
    assert.equal(r.idwarehouse, s.idwarehouse);
    assert.deepEqual(r.purchaseorder, {
      idpurchaseorder: po.idpurchaseorder,
      purchaseorderid: po.purchaseorderid,
    });
    assert.deepEqual(r.supplier, { idsupplier: s.idsupplier, name: 'Acme Supplies' });
    assert.equal(r.amount_received, 0);
    assert.equal(r.completed_at, null);
    assert.match(r.created, DATETIME);
    assert.deepEqual(r.products, []);
    assert.deepEqual(await c.expect(200, 'GET', `/receipts/${r.idreceipt}`), r);
    const w2 = await c.expect(201, 'POST', '/warehouses', { name: 'Other' });
    const wrong = await c.post('/receipts', {
      idpurchaseorder: po.idpurchaseorder,
      idwarehouse: w2.idwarehouse,
    });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body.error_message, /is for warehouse/);
    assert.equal(
      (await c.post('/receipts', { idpurchaseorder: po.idpurchaseorder, version: 1 })).status,
      400,
    );
    const other = await t().newClient();
    assert.equal((await other.get(`/receipts/${r.idreceipt}`)).status, 404);
    assert.equal((await other.post('/receipts', { idpurchaseorder: po.idpurchaseorder })).status, 400);
    assert.equal((await c.get('/receipts/999999')).status, 404);
  });

  test('when a product is received at a location, then stock, ledger, the order line and the receipt all show it at once', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 10 }]);
    const r = await receiptFor(c, po.idpurchaseorder);
    const [row, ...more] = await receive(c, r.idreceipt, {
      idproduct: s.P,
      amount: 4,
      idlocation: s.idlocation,
      idpurchaseorder_product: po.products[0].idpurchaseorder_product,
    });
    assert.deepEqual(more, []);
    assert.equal(row.idpurchaseorder, po.idpurchaseorder);
    assert.equal(row.idpurchaseorder_product, po.products[0].idpurchaseorder_product);
    assert.equal(row.amount, 4);
    assert.equal(row.amount_ordered, 10);
    assert.equal(row.added_by_receipt, false);
    assert.deepEqual(row.location, { idlocation: s.idlocation, name: 'A-1' });
    assert.equal(row.reverted_at, null);

    const stock = await stockOf(c, s.P, s.idwarehouse);
    assert.equal(stock.stock, 4);
    assert.equal(stock.locations.find((l: any) => l.idlocation === s.idlocation).stock, 4);
    const [h] = await historyOf(c, s.P);
    assert.equal(h.change_type, 'receipt');
    assert.equal(h.stock_change, 4);
    assert.equal(h.idlocation, s.idlocation);
    assert.match(h.reason, new RegExp(r.receiptid));
    assert.equal(
      (await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`)).products[0].amountreceived,
      4,
    );
    const after = await c.expect(200, 'GET', `/receipts/${r.idreceipt}`);
    assert.equal(after.amount_received, 4);
    assert.deepEqual(after.products, [row]);
    const received = await eventsOf(c, 'receipts.product_received');
    assert.equal(received.length, 1);
    assert.equal(received[0].data.idreceipt_product, row.idreceipt_product);
    assert.equal((await eventsOf(c, 'receipts.created')).length, 1);
    await t().assertLedger(c);
  });

  test('when no location is given, then the stock goes to no specific location', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 3 }]);
    const r = await receiptFor(c, po.idpurchaseorder);
    const [row] = await receive(c, r.idreceipt, { idproduct: s.P, amount: 3, idlocation: null });
    assert.equal(row.location, null);
    const stock = await stockOf(c, s.P, s.idwarehouse);
    assert.equal(stock.stock, 3);
    assert.equal(
      stock.locations.reduce((n: number, l: any) => n + l.stock, 0),
      0,
    );
    await t().assertLedger(c);
  });

  test('when receiving is bad input, then 400 and nothing changes', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 3 }]);
    const otherPo = await purchasedPO(c, s, [{ idproduct: s.P, amount: 3 }]);
    const r = await receiptFor(c, po.idpurchaseorder);
    const w2 = await c.expect(201, 'POST', '/warehouses', { name: 'Other' });
    const foreign = await c.expect(201, 'POST', '/locations', { idwarehouse: w2.idwarehouse, name: 'B-1' });
    const virtual = await c.expect(201, 'POST', '/products', {
      productcode: code('V'),
      name: 'V',
      type: 'virtual_composition',
    });
    const cases: [Record<string, unknown>, number, RegExp?][] = [
      [{ idproduct: s.P, amount: 0 }, 5],
      [{ idproduct: s.P, amount: -2 }, 5],
      [{ idproduct: s.P, amount: '2' }, 5],
      [{ idproduct: s.P }, 5],
      [{ idproduct: 999999, amount: 1 }, 24],
      [{ idproduct: virtual.idproduct, amount: 1 }, 5, /virtual_composition/],
      [{ idproduct: s.P, amount: 1, idlocation: foreign.idlocation }, 5, /not a location of warehouse/],
      [{ idproduct: s.P, amount: 1, idlocation: 999999 }, 5],
      [
        { idproduct: s.P, amount: 1, idpurchaseorder_product: otherPo.products[0].idpurchaseorder_product },
        27,
      ],
      [
        { idproduct: s.Q, amount: 1, idpurchaseorder_product: po.products[0].idpurchaseorder_product },
        27,
        /is for product/,
      ],
      [{ idproduct: s.P, amount: 1, idpurchaseorder_product: 999999 }, 27],
    ];
    for (const [body, errorCode, message] of cases) {
      const res = await c.post(`/receipts/${r.idreceipt}/products`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error_code, errorCode, `${JSON.stringify(body)}: ${res.raw}`);
      if (message) assert.match(res.body.error_message, message);
    }
    assert.equal((await c.post('/receipts/999999/products', { idproduct: s.P, amount: 1 })).status, 404);
    assert.equal((await stockOf(c, s.P, s.idwarehouse)).stock, 0);
    assert.equal((await c.expect(200, 'GET', `/receipts/${r.idreceipt}`)).products.length, 0);
    assert.equal(
      (await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`)).products[0].amountreceived,
      0,
    );
    await t().assertLedger(c);
  });

  test('when every line is received, then the order becomes received; a revert takes it back to purchased', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [
      { idproduct: s.P, amount: 3 },
      { idproduct: s.Q, amount: 2 },
    ]);
    const r = await receiptFor(c, po.idpurchaseorder);
    await receive(c, r.idreceipt, { idproduct: s.P, amount: 3 });
    assert.equal((await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`)).status, 'purchased');
    const [q] = await receive(c, r.idreceipt, { idproduct: s.Q, amount: 2 });
    const done = await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`);
    assert.equal(done.status, 'received');
    assert.match(done.completed_at, DATETIME);
    await c.expect(200, 'POST', `/receipts/${r.idreceipt}/products/${q.idreceipt_product}/revert`);
    const back = await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`);
    assert.equal(back.status, 'purchased');
    assert.equal(back.completed_at, null);
    await t().assertLedger(c);
  });

  test('when a product no order expects arrives, then it is added to the order as a line added by the receipt', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 3 }]);
    const r = await receiptFor(c, po.idpurchaseorder);
    const [extra] = await receive(c, r.idreceipt, { idproduct: s.Q, amount: 2 });
    assert.equal(extra.added_by_receipt, true);
    assert.equal(extra.amount_ordered, null);
    const rows = await receive(c, r.idreceipt, { idproduct: s.P, amount: 5 });
    assert.deepEqual(
      rows.map((x) => [x.amount, x.added_by_receipt]),
      [
        [3, false],
        [2, true],
      ],
    );
    // More of the unexpected product grows its added line.
    await receive(c, r.idreceipt, { idproduct: s.Q, amount: 1 });
    const after = await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`);
    assert.deepEqual(
      after.products.map((l: any) => [l.idproduct, l.amount, l.amountreceived, l.added_by_receipt]),
      [
        [s.P, 3, 3, false],
        [s.Q, 3, 3, true],
        [s.P, 2, 2, true],
      ],
    );
    assert.equal(after.status, 'received');
    assert.equal((await stockOf(c, s.P, s.idwarehouse)).stock, 5);
    assert.equal((await stockOf(c, s.Q, s.idwarehouse)).stock, 3);
    await t().assertLedger(c);
  });

  test('when a supplier receipt gets more than one order expects, then the oldest open order is served first and the rest splits', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po1 = await purchasedPO(c, s, [{ idproduct: s.P, amount: 3 }]);
    const po2 = await purchasedPO(c, s, [{ idproduct: s.P, amount: 10 }]);
    const concept = await createPO(c, s, [{ idproduct: s.P, amount: 50 }]);
    const r = await c.expect(201, 'POST', '/receipts', { idsupplier: s.idsupplier });
    assert.equal(r.purchaseorder, null);
    assert.equal(r.idwarehouse, s.idwarehouse);
    const expected = await c.expect(200, 'GET', `/receipts/${r.idreceipt}/expected-products`);
    assert.deepEqual(
      expected.map((e: any) => [e.idpurchaseorder, e.amount_expected]),
      [
        [po1.idpurchaseorder, 3],
        [po2.idpurchaseorder, 10],
      ],
    );
    const rows = await receive(c, r.idreceipt, { idproduct: s.P, amount: 5 });
    assert.deepEqual(
      rows.map((x) => [x.idpurchaseorder, x.amount]),
      [
        [po1.idpurchaseorder, 3],
        [po2.idpurchaseorder, 2],
      ],
    );
    assert.equal((await c.expect(200, 'GET', `/purchaseorders/${po1.idpurchaseorder}`)).status, 'received');
    assert.equal(
      (await c.expect(200, 'GET', `/purchaseorders/${po2.idpurchaseorder}`)).products[0].amountreceived,
      2,
    );
    assert.equal(
      (await c.expect(200, 'GET', `/purchaseorders/${concept.idpurchaseorder}`)).products[0].amountreceived,
      0,
    );
    assert.equal((await stockOf(c, s.P, s.idwarehouse)).stock, 5);
    const history = await historyOf(c, s.P);
    assert.deepEqual(
      history.map((h) => [h.change_type, h.stock_change]),
      [
        ['receipt', 3],
        ['receipt', 2],
      ],
    );
    assert.deepEqual(
      (await c.expect(200, 'GET', `/receipts/${r.idreceipt}/expected-products`)).map(
        (e: any) => e.amount_expected,
      ),
      [8],
    );
    await t().assertLedger(c);
  });

  test('when a supplier receipt gets goods nobody ordered, then it creates one purchase order of that supplier for them', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po1 = await purchasedPO(c, s, [{ idproduct: s.P, amount: 2 }]);
    const r = await c.expect(201, 'POST', '/receipts', {
      idsupplier: s.idsupplier,
      idwarehouse: s.idwarehouse,
    });
    const rows = await receive(c, r.idreceipt, { idproduct: s.P, amount: 3 });
    assert.equal(rows.length, 2);
    assert.equal(rows[0].idpurchaseorder, po1.idpurchaseorder);
    const created = rows[1].idpurchaseorder;
    assert.notEqual(created, po1.idpurchaseorder);
    assert.equal(rows[1].added_by_receipt, true);
    const [q] = await receive(c, r.idreceipt, { idproduct: s.Q, amount: 4 });
    assert.equal(q.idpurchaseorder, created);
    const po = await c.expect(200, 'GET', `/purchaseorders/${created}`);
    assert.equal(po.idsupplier, s.idsupplier);
    assert.equal(po.status, 'received');
    assert.match(po.remarks, new RegExp(r.receiptid));
    assert.deepEqual(
      po.products.map((l: any) => [l.idproduct, l.amount, l.amountreceived, l.added_by_receipt]),
      [
        [s.P, 1, 1, true],
        [s.Q, 4, 4, true],
      ],
    );
    // A new supplier receipt makes its own order; the old one is no longer expected anywhere.
    assert.deepEqual(await c.expect(200, 'GET', `/products/${s.Q}/expected`), []);
    await t().assertLedger(c);
  });

  test('when a received product is reverted, then stock, the order line and the receipt go back, and once only', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 10 }]);
    const r = await receiptFor(c, po.idpurchaseorder);
    const [a] = await receive(c, r.idreceipt, { idproduct: s.P, amount: 4, idlocation: s.idlocation });
    await receive(c, r.idreceipt, { idproduct: s.P, amount: 1 });
    const reverted = await c.expect(
      200,
      'POST',
      `/receipts/${r.idreceipt}/products/${a.idreceipt_product}/revert`,
      null,
    );
    assert.match(reverted.reverted_at, DATETIME);
    assert.equal(reverted.amount, 4);
    assert.equal((await stockOf(c, s.P, s.idwarehouse)).stock, 1);
    assert.equal(
      (await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`)).products[0].amountreceived,
      1,
    );
    const receipt = await c.expect(200, 'GET', `/receipts/${r.idreceipt}`);
    assert.equal(receipt.amount_received, 1);
    assert.equal(receipt.products.length, 2);
    const last = (await historyOf(c, s.P)).at(-1);
    assert.deepEqual([last.change_type, last.stock_change, last.idlocation], ['receipt', -4, s.idlocation]);
    const twice = await c.post(`/receipts/${r.idreceipt}/products/${a.idreceipt_product}/revert`);
    assert.equal(twice.status, 400);
    assert.match(twice.body.error_message, /reverted already/);
    assert.equal((await stockOf(c, s.P, s.idwarehouse)).stock, 1);
    assert.equal((await eventsOf(c, 'receipts.product_reverted')).length, 1);
    const otherReceipt = await receiptFor(c, po.idpurchaseorder);
    assert.equal(
      (await c.post(`/receipts/${otherReceipt.idreceipt}/products/${a.idreceipt_product}/revert`)).status,
      404,
    );
    await t().assertLedger(c);
  });

  test('when the received stock left its location, then the revert is refused with 400 and nothing changes', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const l2 = await c.expect(201, 'POST', '/locations', { idwarehouse: s.idwarehouse, name: 'A-2' });
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 5 }]);
    const r = await receiptFor(c, po.idpurchaseorder);
    const [a] = await receive(c, r.idreceipt, { idproduct: s.P, amount: 5, idlocation: s.idlocation });
    await c.expect(200, 'POST', `/products/${s.P}/stock/${s.idwarehouse}/move`, {
      from_idlocation: s.idlocation,
      to_idlocation: l2.idlocation,
      amount: 3,
    });
    const res = await c.post(`/receipts/${r.idreceipt}/products/${a.idreceipt_product}/revert`);
    assert.equal(res.status, 400);
    assert.equal(res.body.error_code, 100);
    assert.equal((await c.expect(200, 'GET', `/receipts/${r.idreceipt}`)).products[0].reverted_at, null);
    const line = (await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`)).products[0];
    assert.equal(line.amountreceived, 5);
    assert.equal((await stockOf(c, s.P, s.idwarehouse)).stock, 5);
    await t().assertLedger(c);
  });

  test('when a receipt is completed, then it takes no more products and cannot complete again; reverts still work', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 5 }]);
    const r = await receiptFor(c, po.idpurchaseorder);
    const [a] = await receive(c, r.idreceipt, { idproduct: s.P, amount: 2 });
    const done = await c.expect(200, 'PUT', `/receipts/${r.idreceipt}`, { status: 'completed' });
    assert.equal(done.status, 'completed');
    assert.match(done.completed_at, DATETIME);
    const more = await c.post(`/receipts/${r.idreceipt}/products`, { idproduct: s.P, amount: 1 });
    assert.equal(more.status, 400);
    assert.equal(more.body.error_code, 21);
    assert.match(more.body.error_message, /completed and takes no more products/);
    const again = await c.put(`/receipts/${r.idreceipt}`, { status: 'completed' });
    assert.equal(again.status, 400);
    assert.equal((await c.put(`/receipts/${r.idreceipt}`, { status: 'processing' })).status, 400);
    assert.equal((await c.put(`/receipts/${r.idreceipt}`, { status: 'done' })).status, 400);
    assert.equal((await eventsOf(c, 'receipts.completed')).length, 1);
    await c.expect(200, 'POST', `/receipts/${r.idreceipt}/products/${a.idreceipt_product}/revert`);
    assert.equal((await stockOf(c, s.P, s.idwarehouse)).stock, 0);
    await t().assertLedger(c);
  });

  test('when listing receipts, then filters status, idpurchaseorder and idsupplier apply', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 5 }]);
    const a = await receiptFor(c, po.idpurchaseorder);
    const b = await c.expect(201, 'POST', '/receipts', { idsupplier: s.idsupplier });
    const other = await c.expect(201, 'POST', '/suppliers', { name: 'Other', language: 'nl' });
    const d = await c.expect(201, 'POST', '/receipts', { idsupplier: other.idsupplier });
    await c.expect(200, 'PUT', `/receipts/${b.idreceipt}`, { status: 'completed' });
    const ids = (list: any[]) => list.map((r) => r.idreceipt);
    assert.deepEqual(ids(await c.expect(200, 'GET', '/receipts')), [a.idreceipt, b.idreceipt, d.idreceipt]);
    assert.deepEqual(ids(await c.expect(200, 'GET', '/receipts?status=completed')), [b.idreceipt]);
    assert.deepEqual(ids(await c.expect(200, 'GET', '/receipts?status=processing')), [
      a.idreceipt,
      d.idreceipt,
    ]);
    assert.deepEqual(ids(await c.expect(200, 'GET', `/receipts?idpurchaseorder=${po.idpurchaseorder}`)), [
      a.idreceipt,
    ]);
    assert.deepEqual(ids(await c.expect(200, 'GET', `/receipts?idsupplier=${s.idsupplier}`)), [
      a.idreceipt,
      b.idreceipt,
    ]);
    assert.deepEqual(ids(await c.expect(200, 'GET', '/receipts?offset=2')), [d.idreceipt]);
    assert.equal((await c.get('/receipts?status=open')).status, 400);
    // An empty receipt can be deleted; one with products cannot.
    assert.equal((await c.del(`/receipts/${d.idreceipt}`)).status, 204);
    await receive(c, a.idreceipt, { idproduct: s.P, amount: 1 });
    assert.equal((await c.del(`/receipts/${a.idreceipt}`)).status, 400);
    await t().assertLedger(c);
  });

  test('when the order of a receipt is cancelled before anything arrived, then receiving on it is refused', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 5 }]);
    const r = await receiptFor(c, po.idpurchaseorder);
    await c.expect(200, 'POST', `/purchaseorders/${po.idpurchaseorder}/cancel`);
    const res = await c.post(`/receipts/${r.idreceipt}/products`, { idproduct: s.P, amount: 1 });
    assert.equal(res.status, 400);
    assert.match(res.body.error_message, /is cancelled/);
    assert.equal((await stockOf(c, s.P, s.idwarehouse)).stock, 0);
    await t().assertLedger(c);
  });
});
