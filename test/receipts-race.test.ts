import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describePostgres } from './harness.ts';
import { historyOf, purchasedPO, purchasingSetup, receiptFor, stockOf } from './purchasing-fixtures.ts';

/**
 * Concurrent receiving on one purchase order. Every receive locks the stock level of (product,
 * warehouse) first, then the receipt, then the purchase order and its lines, so the line never
 * takes more than it ordered: what exceeds it goes to a line added by the receipt (the rule for
 * goods nobody ordered), never lost and never double-booked.
 */
describePostgres(
  'receipts race',
  (t) => {
    test('when 80 receipts of 1 hit a line of 50 at once, then the line takes 50, the rest is added, and all of it agrees with stock and ledger', async () => {
      const c = await t().newClient();
      const s = await purchasingSetup(c);
      const po = await purchasedPO(c, s, [{ idproduct: s.P, amount: 50 }]);
      const line = po.products[0].idpurchaseorder_product;
      const receipts = [await receiptFor(c, po.idpurchaseorder), await receiptFor(c, po.idpurchaseorder)];

      const results = await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          c.post(`/receipts/${receipts[i % 2].idreceipt}/products`, {
            idproduct: s.P,
            amount: 1,
            idlocation: i % 3 === 0 ? s.idlocation : null,
            idpurchaseorder_product: line,
          }),
        ),
      );
      for (const r of results) assert.equal(r.status, 201, r.raw);
      const rows = results.flatMap((r) => r.body as any[]);
      assert.equal(rows.length, 80);
      assert.equal(rows.filter((r) => !r.added_by_receipt && r.idpurchaseorder_product === line).length, 50);
      assert.equal(rows.filter((r) => r.added_by_receipt).length, 30);

      // Then reverts (each tried twice at once) race with further receipts.
      const toRevert = rows.slice(0, 10);
      const second = await Promise.all([
        ...toRevert.flatMap((r) => [
          c.post(`/receipts/${r.idreceipt}/products/${r.idreceipt_product}/revert`),
          c.post(`/receipts/${r.idreceipt}/products/${r.idreceipt_product}/revert`),
        ]),
        ...Array.from({ length: 10 }, (_, i) =>
          c.post(`/receipts/${receipts[i % 2].idreceipt}/products`, { idproduct: s.P, amount: 1 }),
        ),
      ]);
      const reverts = second.slice(0, 20);
      assert.equal(reverts.filter((r) => r.status === 200).length, 10);
      assert.equal(reverts.filter((r) => r.status === 400).length, 10);
      for (const r of second.slice(20)) assert.equal(r.status, 201, r.raw);

      const order = await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`);
      const ordered = order.products.find((l: any) => l.idpurchaseorder_product === line);
      assert.ok(ordered.amountreceived <= ordered.amount);
      const received = order.products.reduce((n: number, l: any) => n + l.amountreceived, 0);
      const receiptRows = (
        await Promise.all(receipts.map((r) => c.expect(200, 'GET', `/receipts/${r.idreceipt}`)))
      ).flatMap((r) => r.products);
      const live = receiptRows.filter((r: any) => r.reverted_at === null);
      const liveSum = live.reduce((n: number, r: any) => n + r.amount, 0);
      const ledger = (await historyOf(c, s.P))
        .filter((h) => h.change_type === 'receipt')
        .reduce((n, h) => n + h.stock_change, 0);
      const stock = (await stockOf(c, s.P, s.idwarehouse)).stock;
      assert.equal(liveSum, 80);
      assert.equal(received, liveSum);
      assert.equal(ledger, liveSum);
      assert.equal(stock, liveSum);
      // Per line: amountreceived is exactly what the live receipt rows booked onto it.
      for (const l of order.products) {
        const booked = live
          .filter((r: any) => r.idpurchaseorder_product === l.idpurchaseorder_product)
          .reduce((n: number, r: any) => n + r.amount, 0);
        assert.equal(l.amountreceived, booked, `line ${l.idpurchaseorder_product}`);
      }
      await t().assertLedger(c);
    });

    test('when a supplier receipt and a purchase order receipt race for the same open lines, then no line is over-received', async () => {
      const c = await t().newClient();
      const s = await purchasingSetup(c);
      const po1 = await purchasedPO(c, s, [{ idproduct: s.P, amount: 7 }]);
      const po2 = await purchasedPO(c, s, [{ idproduct: s.P, amount: 9 }]);
      const bySupplier = await c.expect(201, 'POST', '/receipts', { idsupplier: s.idsupplier });
      const byOrder = await receiptFor(c, po1.idpurchaseorder);
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          c.post(`/receipts/${i % 2 ? bySupplier.idreceipt : byOrder.idreceipt}/products`, {
            idproduct: s.P,
            amount: 1 + (i % 3),
          }),
        ),
      );
      for (const r of results) assert.equal(r.status, 201, r.raw);
      const total = results.flatMap((r) => r.body as any[]).reduce((n, r) => n + r.amount, 0);
      const lines = [
        ...(await c.expect(200, 'GET', `/purchaseorders/${po1.idpurchaseorder}`)).products,
        ...(await c.expect(200, 'GET', `/purchaseorders/${po2.idpurchaseorder}`)).products,
      ];
      for (const l of lines) assert.ok(l.amountreceived <= l.amount);
      assert.equal(lines[0].amountreceived, 7);
      const all = await c.expect(200, 'GET', '/purchaseorders');
      const receivedEverywhere = all
        .flatMap((p: any) => p.products)
        .reduce((n: number, l: any) => n + l.amountreceived, 0);
      assert.equal(receivedEverywhere, total);
      assert.equal((await stockOf(c, s.P, s.idwarehouse)).stock, total);
      await t().assertLedger(c);
    });
  },
  { pgPoolSize: 20 },
);
