import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import {
  code,
  createPO,
  eventsOf,
  pdfText,
  purchasedPO,
  purchasingSetup,
  receiptFor,
  receive,
} from './purchasing-fixtures.ts';

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describeEngines('purchase orders', (t) => {
  test('when a purchase order is created, then it shows every seed field, a per-account number and status concept', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await createPO(c, s, [{ idproduct: s.P, amount: 25, price: 26.95 }], {
      supplier_orderid: 'SUP-77',
      remarks: 'Deliver at the back door',
      delivery_date: '2030-08-12',
      language: 'nl',
    });
    assert.equal(typeof po.idpurchaseorder, 'number');
    assert.match(po.purchaseorderid, /^\d{4}0001$/);
    assert.equal(po.purchaseorderid.slice(0, 4), String(new Date().getUTCFullYear()));
    assert.equal(po.idsupplier, s.idsupplier);
    assert.equal(po.supplier_name, null);
    assert.equal(po.idwarehouse, s.idwarehouse);
    assert.equal(po.idtemplate, null);
    assert.equal(po.status, 'concept');
    assert.equal(po.supplier_orderid, 'SUP-77');
    assert.equal(po.remarks, 'Deliver at the back door');
    assert.equal(po.delivery_date, '2030-08-12');
    assert.equal(po.language, 'nl');
    assert.match(po.created, DATETIME);
    assert.match(po.updated, DATETIME);
    assert.equal(po.products.length, 1);
    const line = po.products[0];
    assert.equal(typeof line.idpurchaseorder_product, 'number');
    assert.equal(line.idproduct, s.P);
    assert.equal(line.name, 'Widget');
    assert.equal(line.productcode_supplier, 'SUP-P');
    assert.equal(line.price, 26.95);
    assert.equal(line.amount, 25);
    assert.equal(line.amountreceived, 0);
    assert.equal(line.delivery_date, null);
    assert.equal(line.weight, 250);
    assert.equal(line.added_by_receipt, false);

    const second = await createPO(c, s, []);
    assert.equal(Number(second.purchaseorderid), Number(po.purchaseorderid) + 1);
    // Another account counts on its own.
    const other = await t().newClient();
    const os = await purchasingSetup(other);
    assert.match((await createPO(other, os, [])).purchaseorderid, /^\d{4}0001$/);
    assert.deepEqual(await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`), po);
  });

  test('when no price is given, then the line takes the product fixed stock price, or 0 without one', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await createPO(c, s, [
      { idproduct: s.P, amount: 1 },
      { idproduct: s.Q, amount: 1 },
    ]);
    assert.deepEqual(
      po.products.map((l: any) => l.price),
      [6.5, 0],
    );
  });

  test('when no warehouse is given, then the one with the highest priority that accepts orders is used', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    await c.expect(201, 'POST', '/warehouses', { name: 'Closed', priority: -5, accept_orders: false });
    const best = await c.expect(201, 'POST', '/warehouses', { name: 'Best', priority: 0 });
    const po = await c.expect(201, 'POST', '/purchaseorders', { idsupplier: s.idsupplier, products: [] });
    assert.equal(po.idwarehouse, best.idwarehouse);
  });

  test('when the supplier is missing or unknown, then 400 and nothing is created; supplier_name alone is enough', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const missing = await c.post('/purchaseorders', { idwarehouse: s.idwarehouse, products: [] });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error_message, /idsupplier.*supplier_name/);
    const unknown = await c.post('/purchaseorders', { idsupplier: 999999, products: [] });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error_message, /Supplier 999999 does not exist/);
    assert.deepEqual(await c.expect(200, 'GET', '/purchaseorders'), []);
    const named = await c.expect(201, 'POST', '/purchaseorders', {
      supplier_name: 'Ad hoc BV',
      products: [],
    });
    assert.equal(named.idsupplier, null);
    assert.equal(named.supplier_name, 'Ad hoc BV');
    assert.equal(named.language, 'en');
  });

  test('when a line is bad, then 400 with the reason and nothing is created', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const unknown = await c.post('/purchaseorders', {
      idsupplier: s.idsupplier,
      products: [{ idproduct: 999999, amount: 1 }],
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error_code, 24);
    const virtual = await c.expect(201, 'POST', '/products', {
      productcode: code('V'),
      name: 'Virtual',
      type: 'virtual_composition',
    });
    const v = await c.post('/purchaseorders', {
      idsupplier: s.idsupplier,
      products: [{ idproduct: virtual.idproduct, amount: 1 }],
    });
    assert.equal(v.status, 400);
    assert.match(v.body.error_message, /virtual_composition/);
    for (const bad of [
      { idproduct: s.P, amount: 0 },
      { idproduct: s.P, amount: '3' },
      { idproduct: s.P, amount: 1, price: -1 },
      { idproduct: s.P, amount: 1, delivery_date: '2030-02-31' },
      { idproduct: s.P, amount: 1, delivery_date: '12-08-2030' },
    ]) {
      const res = await c.post('/purchaseorders', { idsupplier: s.idsupplier, products: [bad] });
      assert.equal(res.status, 400, JSON.stringify(bad));
    }
    assert.equal(
      (await c.post('/purchaseorders', { idsupplier: s.idsupplier, language: 'de', products: [] })).status,
      400,
    );
    await c.expect(200, 'POST', `/products/${s.Q}/inactivate`);
    const inactive = await c.post('/purchaseorders', {
      idsupplier: s.idsupplier,
      products: [{ idproduct: s.Q, amount: 1 }],
    });
    assert.equal(inactive.status, 400);
    assert.match(inactive.body.error_message, /inactive/);
    assert.deepEqual(await c.expect(200, 'GET', '/purchaseorders'), []);
  });

  test('when listing, then filters status, search and updated_after apply and pages are ordered by id', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const a = await createPO(c, s, [{ idproduct: s.P, amount: 1 }], { supplier_orderid: 'XYZ-123' });
    const b = await purchasedPO(c, s, [{ idproduct: s.P, amount: 1 }]);
    const named = await c.expect(201, 'POST', '/purchaseorders', {
      supplier_name: 'Zeta Trading',
      products: [],
    });
    const ids = (list: any[]) => list.map((p) => p.idpurchaseorder);

    assert.deepEqual(ids(await c.expect(200, 'GET', '/purchaseorders')), [
      a.idpurchaseorder,
      b.idpurchaseorder,
      named.idpurchaseorder,
    ]);
    assert.deepEqual(ids(await c.expect(200, 'GET', '/purchaseorders?status=purchased')), [
      b.idpurchaseorder,
    ]);
    assert.deepEqual(ids(await c.expect(200, 'GET', '/purchaseorders?search=xyz-1')), [a.idpurchaseorder]);
    assert.deepEqual(ids(await c.expect(200, 'GET', `/purchaseorders?search=${b.purchaseorderid}`)), [
      b.idpurchaseorder,
    ]);
    assert.deepEqual(ids(await c.expect(200, 'GET', '/purchaseorders?search=zeta')), [named.idpurchaseorder]);
    assert.deepEqual(ids(await c.expect(200, 'GET', '/purchaseorders?search=ACME')), [
      a.idpurchaseorder,
      b.idpurchaseorder,
    ]);
    assert.deepEqual(ids(await c.expect(200, 'GET', '/purchaseorders?search=%25')), []);
    assert.deepEqual(ids(await c.expect(200, 'GET', '/purchaseorders?offset=1')), [
      b.idpurchaseorder,
      named.idpurchaseorder,
    ]);
    assert.deepEqual(await c.expect(200, 'GET', '/purchaseorders?updated_after=2999-01-01%2000:00:00'), []);
    assert.equal((await c.expect(200, 'GET', '/purchaseorders?updated_after=2000-01-01')).length, 3);
    assert.equal((await c.get('/purchaseorders?updated_after=yesterday')).status, 400);
    assert.equal((await c.get('/purchaseorders?status=open')).status, 400);
    // Another account sees none of them.
    const other = await t().newClient();
    assert.deepEqual(await other.expect(200, 'GET', '/purchaseorders'), []);
    assert.equal((await other.get(`/purchaseorders/${a.idpurchaseorder}`)).status, 404);
  });

  test('when changing a purchase order, then remarks, supplier_orderid, delivery_date and language change', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await createPO(c, s, [{ idproduct: s.P, amount: 1 }]);
    const changed = await c.expect(200, 'PUT', `/purchaseorders/${po.idpurchaseorder}`, {
      remarks: 'Automatically purchased at supplier',
      supplier_orderid: '882636-229',
      delivery_date: '2031-01-02',
      language: 'nl',
    });
    assert.equal(changed.remarks, 'Automatically purchased at supplier');
    assert.equal(changed.supplier_orderid, '882636-229');
    assert.equal(changed.delivery_date, '2031-01-02');
    assert.equal(changed.language, 'nl');
    assert.deepEqual(await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`), changed);
    const bad = await c.put(`/purchaseorders/${po.idpurchaseorder}`, { delivery_date: '2031-13-01' });
    assert.equal(bad.status, 400);
    assert.equal(
      (await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`)).delivery_date,
      '2031-01-02',
    );
    // A cancelled order still takes remarks (seed 001 shows a PUT answered with status cancelled).
    await c.expect(200, 'POST', `/purchaseorders/${po.idpurchaseorder}/cancel`);
    assert.equal(
      (await c.expect(200, 'PUT', `/purchaseorders/${po.idpurchaseorder}`, { remarks: 'x' })).status,
      'cancelled',
    );
  });

  test('when the warehouse or supplier of a purchased order is changed, then 400 saying only concepts may', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const w2 = await c.expect(201, 'POST', '/warehouses', { name: 'Second' });
    const concept = await createPO(c, s, [{ idproduct: s.P, amount: 1 }]);
    assert.equal(
      (
        await c.expect(200, 'PUT', `/purchaseorders/${concept.idpurchaseorder}`, {
          idwarehouse: w2.idwarehouse,
        })
      ).idwarehouse,
      w2.idwarehouse,
    );
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 1 }]);
    const res = await c.put(`/purchaseorders/${po.idpurchaseorder}`, { idwarehouse: w2.idwarehouse });
    assert.equal(res.status, 400);
    assert.equal(res.body.error_code, 21);
    assert.match(res.body.error_message, /only change while the purchase order is a concept/);
    const cleared = await c.put(`/purchaseorders/${concept.idpurchaseorder}`, { idsupplier: null });
    assert.equal(cleared.status, 400);
    assert.match(cleared.body.error_message, /idsupplier or supplier_name/);
  });

  test('when marking as purchased, then only a concept order may, and again is a 400 that says why', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await createPO(c, s, [{ idproduct: s.P, amount: 5 }]);
    const purchased = await c.expect(
      200,
      'POST',
      `/purchaseorders/${po.idpurchaseorder}/mark-as-purchased`,
      null,
    );
    assert.equal(purchased.status, 'purchased');
    assert.match(purchased.purchased_at, DATETIME);
    const again = await c.post(`/purchaseorders/${po.idpurchaseorder}/mark-as-purchased`);
    assert.equal(again.status, 400);
    assert.equal(again.body.error_code, 21);
    assert.match(
      again.body.error_message,
      /Only concept purchase orders can be marked as purchased; this one is purchased/,
    );
    const empty = await createPO(c, s, []);
    const refused = await c.post(`/purchaseorders/${empty.idpurchaseorder}/mark-as-purchased`);
    assert.equal(refused.status, 400);
    assert.match(refused.body.error_message, /no products/);
    const cancelled = await createPO(c, s, [{ idproduct: s.P, amount: 1 }]);
    await c.expect(200, 'POST', `/purchaseorders/${cancelled.idpurchaseorder}/cancel`);
    assert.match(
      (await c.post(`/purchaseorders/${cancelled.idpurchaseorder}/mark-as-purchased`)).body.error_message,
      /this one is cancelled/,
    );
    assert.equal((await c.post('/purchaseorders/999999/mark-as-purchased')).status, 404);
  });

  test('when cancelling, then concept and purchased orders may, but not after receiving, nor twice', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const concept = await createPO(c, s, [{ idproduct: s.P, amount: 5 }]);
    assert.equal(
      (await c.expect(200, 'POST', `/purchaseorders/${concept.idpurchaseorder}/cancel`, [])).status,
      'cancelled',
    );
    const twice = await c.post(`/purchaseorders/${concept.idpurchaseorder}/cancel`);
    assert.equal(twice.status, 400);
    assert.match(
      twice.body.error_message,
      /Only concept or purchased purchase orders can be cancelled; this one is cancelled/,
    );

    const purchased = await purchasedPO(c, s, [{ idproduct: s.P, amount: 5 }]);
    assert.equal(
      (await c.expect(200, 'POST', `/purchaseorders/${purchased.idpurchaseorder}/cancel`)).status,
      'cancelled',
    );

    const partly = await purchasedPO(c, s, [{ idproduct: s.P, amount: 5 }]);
    const r = await receiptFor(c, partly.idpurchaseorder);
    await receive(c, r.idreceipt, { idproduct: s.P, amount: 2 });
    const refused = await c.post(`/purchaseorders/${partly.idpurchaseorder}/cancel`);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error_code, 21);
    assert.match(refused.body.error_message, /close it instead/);
    assert.equal(
      (await c.expect(200, 'GET', `/purchaseorders/${partly.idpurchaseorder}`)).status,
      'purchased',
    );
    await t().assertLedger(c);
  });

  test('when closing, then only a partly received purchased order may; it becomes received and stops expecting the rest', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const concept = await createPO(c, s, [{ idproduct: s.P, amount: 5 }]);
    const onConcept = await c.post(`/purchaseorders/${concept.idpurchaseorder}/close`);
    assert.equal(onConcept.status, 400);
    assert.match(
      onConcept.body.error_message,
      /Only purchased purchase orders can be closed; this one is concept/,
    );

    const nothing = await purchasedPO(c, s, [{ idproduct: s.P, amount: 5 }]);
    const refused = await c.post(`/purchaseorders/${nothing.idpurchaseorder}/close`);
    assert.equal(refused.status, 400);
    assert.match(refused.body.error_message, /cancel it instead/);

    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 5 }]);
    const r = await receiptFor(c, po.idpurchaseorder);
    await receive(c, r.idreceipt, { idproduct: s.P, amount: 2 });
    assert.equal(
      (await c.expect(200, 'GET', `/products/${s.P}/expected`)).find(
        (e: any) => e.idpurchaseorder === po.idpurchaseorder,
      ).amount_open,
      3,
    );
    const closed = await c.expect(200, 'POST', `/purchaseorders/${po.idpurchaseorder}/close`);
    assert.equal(closed.status, 'received');
    assert.match(closed.completed_at, DATETIME);
    assert.equal(closed.products[0].amountreceived, 2);
    assert.equal(
      (await c.expect(200, 'GET', `/products/${s.P}/expected`)).some(
        (e: any) => e.idpurchaseorder === po.idpurchaseorder,
      ),
      false,
    );
    const again = await c.post(`/purchaseorders/${po.idpurchaseorder}/close`);
    assert.equal(again.status, 400);
    assert.match(again.body.error_message, /this one is received/);
    const cancel = await c.post(`/purchaseorders/${po.idpurchaseorder}/cancel`);
    assert.equal(cancel.status, 400);
    await t().assertLedger(c);
  });

  test('when status changes, then events are written: created, purchased, changed', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 5 }]);
    await c.expect(200, 'PUT', `/purchaseorders/${po.idpurchaseorder}`, { remarks: 'r' });
    const events = (await eventsOf(c)).filter((e) => e.resource_type === 'purchaseorder');
    assert.deepEqual(
      events.map((e) => e.event),
      ['purchase_orders.created', 'purchase_orders.purchased', 'purchase_orders.changed'],
    );
    assert.equal(events[1].data.status, 'purchased');
    assert.equal(events[2].data.remarks, 'r');
    assert.equal(events[0].data.purchaseorderid, po.purchaseorderid);
  });
});

describeEngines('purchase order products', (t) => {
  test('when adding one product, then it is a new line with its price default and delivery date', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await createPO(c, s, [{ idproduct: s.P, amount: 1 }]);
    const line = await c.expect(200, 'POST', `/purchaseorders/${po.idpurchaseorder}/products`, {
      idproduct: s.P,
      amount: 3,
      delivery_date: '2030-05-06',
    });
    assert.equal(line.idproduct, s.P);
    assert.equal(line.amount, 3);
    assert.equal(line.amountreceived, 0);
    assert.equal(line.price, 6.5);
    assert.equal(line.delivery_date, '2030-05-06');
    const priced = await c.expect(200, 'POST', `/purchaseorders/${po.idpurchaseorder}/products`, {
      idproduct: s.Q,
      amount: 1,
      price: 12.95,
    });
    assert.equal(priced.price, 12.95);
    const lines = await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}/products`);
    assert.deepEqual(
      lines.map((l: any) => l.idpurchaseorder_product),
      [po.products[0].idpurchaseorder_product, line.idpurchaseorder_product, priced.idpurchaseorder_product],
    );
    assert.equal((await c.post(`/purchaseorders/${po.idpurchaseorder}/products`, { amount: 1 })).status, 400);
    assert.equal(
      (await c.post(`/purchaseorders/${po.idpurchaseorder}/products`, { idproduct: 999999, amount: 1 })).body
        .error_code,
      24,
    );
    assert.equal(
      (await c.post('/purchaseorders/999999/products', { idproduct: s.P, amount: 1 })).status,
      404,
    );
  });

  test('when changing a line, then amount, price and delivery_date change, never the amount below what arrived', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [
      { idproduct: s.P, amount: 5 },
      { idproduct: s.Q, amount: 2 },
    ]);
    const id = po.products[0].idpurchaseorder_product;
    const changed = await c.expect(200, 'PUT', `/purchaseorders/${po.idpurchaseorder}/products/${id}`, {
      amount: 8,
      price: 1.25,
      delivery_date: '2030-09-01',
    });
    assert.deepEqual([changed.amount, changed.price, changed.delivery_date], [8, 1.25, '2030-09-01']);
    const r = await receiptFor(c, po.idpurchaseorder);
    await receive(c, r.idreceipt, { idproduct: s.P, amount: 4 });
    const below = await c.put(`/purchaseorders/${po.idpurchaseorder}/products/${id}`, { amount: 3 });
    assert.equal(below.status, 400);
    assert.equal(below.body.error_code, 21);
    assert.match(below.body.error_message, /lower than the 4 already received/);
    const fitted = await c.expect(200, 'PUT', `/purchaseorders/${po.idpurchaseorder}/products/${id}`, {
      amount: 4,
      delivery_date: null,
    });
    assert.equal(fitted.delivery_date, null);
    // P is complete now, Q is not: the order stays purchased.
    assert.equal((await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`)).status, 'purchased');
    assert.equal(
      (await c.put(`/purchaseorders/${po.idpurchaseorder}/products/999999`, { amount: 1 })).status,
      404,
    );
    assert.equal(
      (await c.put(`/purchaseorders/${po.idpurchaseorder}/products/${id}`, { delivery_date: '2030-02-30' }))
        .status,
      400,
    );
    await t().assertLedger(c);
  });

  test('when removing a line, then only while nothing of it was received', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [
      { idproduct: s.P, amount: 5 },
      { idproduct: s.Q, amount: 2 },
    ]);
    const [p, q] = po.products;
    const r = await receiptFor(c, po.idpurchaseorder);
    await receive(c, r.idreceipt, { idproduct: s.P, amount: 1 });
    const refused = await c.del(
      `/purchaseorders/${po.idpurchaseorder}/products/${p.idpurchaseorder_product}`,
    );
    assert.equal(refused.status, 400);
    assert.match(refused.body.error_message, /1 of this product were received already/);
    const res = await c.del(`/purchaseorders/${po.idpurchaseorder}/products/${q.idpurchaseorder_product}`);
    assert.equal(res.status, 204);
    assert.equal(res.raw, '');
    assert.deepEqual(
      (await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}/products`)).map(
        (l: any) => l.idproduct,
      ),
      [s.P],
    );
    // A line of another order is not found on this one.
    const other = await createPO(c, s, [{ idproduct: s.Q, amount: 1 }]);
    assert.equal(
      (
        await c.del(
          `/purchaseorders/${po.idpurchaseorder}/products/${other.products[0].idpurchaseorder_product}`,
        )
      ).status,
      404,
    );
    await t().assertLedger(c);
  });

  test('when a received line was reverted, then it cannot be removed but its amount can change', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 5 }]);
    const r = await receiptFor(c, po.idpurchaseorder);
    const [row] = await receive(c, r.idreceipt, { idproduct: s.P, amount: 2 });
    await c.expect(200, 'POST', `/receipts/${r.idreceipt}/products/${row.idreceipt_product}/revert`);
    const id = po.products[0].idpurchaseorder_product;
    const res = await c.del(`/purchaseorders/${po.idpurchaseorder}/products/${id}`);
    assert.equal(res.status, 400);
    assert.match(res.body.error_message, /reverted/);
    assert.equal(
      (await c.expect(200, 'PUT', `/purchaseorders/${po.idpurchaseorder}/products/${id}`, { amount: 1 }))
        .amount,
      1,
    );
    await t().assertLedger(c);
  });

  test('when the order is received or cancelled, then its lines cannot change (400, code 21)', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const cancelled = await createPO(c, s, [{ idproduct: s.P, amount: 1 }]);
    await c.expect(200, 'POST', `/purchaseorders/${cancelled.idpurchaseorder}/cancel`);
    const received = await purchasedPO(c, s, [{ idproduct: s.P, amount: 1 }]);
    const r = await receiptFor(c, received.idpurchaseorder);
    await receive(c, r.idreceipt, { idproduct: s.P, amount: 1 });
    for (const po of [cancelled, received]) {
      const id = po.products[0].idpurchaseorder_product;
      for (const res of [
        await c.post(`/purchaseorders/${po.idpurchaseorder}/products`, { idproduct: s.Q, amount: 1 }),
        await c.put(`/purchaseorders/${po.idpurchaseorder}/products/${id}`, { amount: 9 }),
        await c.del(`/purchaseorders/${po.idpurchaseorder}/products/${id}`),
      ]) {
        assert.equal(res.status, 400);
        assert.equal(res.body.error_code, 21);
        assert.match(res.body.error_message, /cannot be changed|received already/);
      }
    }
    await t().assertLedger(c);
  });
});

describeEngines('purchase order comments and document', (t) => {
  test('when comments are posted, then they are listed in order and counted on the order', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const po = await createPO(c, s, []);
    const first = await c.expect(201, 'POST', `/purchaseorders/${po.idpurchaseorder}/comments`, {
      body: 'Called the supplier',
    });
    assert.equal(first.body, 'Called the supplier');
    assert.equal(first.source_type, 'purchaseorder');
    assert.deepEqual(first.source, {
      idpurchaseorder: po.idpurchaseorder,
      purchaseorderid: po.purchaseorderid,
    });
    assert.match(first.created_at, DATETIME);
    await c.expect(201, 'POST', `/purchaseorders/${po.idpurchaseorder}/comments`, {
      body: 'They ship Monday',
    });
    const list = await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}/comments`);
    assert.deepEqual(
      list.map((x: any) => x.body),
      ['Called the supplier', 'They ship Monday'],
    );
    assert.equal((await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`)).comment_count, 2);
    assert.equal((await c.post(`/purchaseorders/${po.idpurchaseorder}/comments`, { body: '' })).status, 400);
    assert.equal(
      (await c.post(`/purchaseorders/${po.idpurchaseorder}/comments`, { body: '   ' })).status,
      400,
    );
    const other = await t().newClient();
    assert.equal((await other.get(`/purchaseorders/${po.idpurchaseorder}/comments`)).status, 404);
    assert.equal(
      (await other.post(`/purchaseorders/${po.idpurchaseorder}/comments`, { body: 'x' })).status,
      404,
    );
  });

  test('when the document is requested, then it is a PDF in the order language with its remarks', async () => {
    const c = await t().newClient();
    const s = await purchasingSetup(c);
    const en = await createPO(c, s, [{ idproduct: s.P, amount: 25, price: 26.95 }], {
      remarks: 'Please call before delivery',
      delivery_date: '2030-08-12',
    });
    const res = await c.app.inject({
      method: 'GET',
      url: `/api/v1/purchaseorders/${en.idpurchaseorder}/pdf`,
      headers: { authorization: 'Basic ' + Buffer.from(`${c.apikey}:`).toString('base64') },
    });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/pdf/);
    assert.equal(res.rawPayload.subarray(0, 5).toString(), '%PDF-');
    const text = pdfText(res.rawPayload);
    for (const expected of [
      'Purchase order',
      en.purchaseorderid,
      'Acme Supplies',
      'Amsterdam',
      'Widget',
      'Expected delivery',
      '2030-08-12',
      'Remarks',
      'Please call before delivery',
      '673.75',
    ])
      assert.ok(text.includes(expected), `English PDF lacks "${expected}":\n${text}`);
    assert.ok(!text.includes('Inkooporder'));

    const nl = await createPO(c, s, [{ idproduct: s.P, amount: 2, price: 1.5 }], {
      language: 'nl',
      remarks: 'Achterdeur gebruiken',
    });
    const resNl = await c.app.inject({
      method: 'GET',
      url: `/api/v1/purchaseorders/${nl.idpurchaseorder}/pdf`,
      headers: { authorization: 'Basic ' + Buffer.from(`${c.apikey}:`).toString('base64') },
    });
    const textNl = pdfText(resNl.rawPayload);
    for (const expected of [
      'Inkooporder',
      'Leverancier',
      'Aantal',
      'Opmerkingen',
      'Achterdeur gebruiken',
      '3,00',
    ])
      assert.ok(textNl.includes(expected), `Dutch PDF lacks "${expected}":\n${textNl}`);
    assert.ok(!textNl.includes('Remarks'));
    assert.equal((await c.get('/purchaseorders/999999/pdf')).status, 404);
  });
});
