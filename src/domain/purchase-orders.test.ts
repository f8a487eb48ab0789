import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  cancel,
  checkLineAmount,
  checkLineDelete,
  close,
  fullyReceived,
  isRefusal,
  linesEditable,
  markPurchased,
  PURCHASE_ORDER_STATUSES,
  planReceipt,
  statusAfterReceiving,
  type LineState,
} from './purchase-orders.ts';

const l = (amount: number, amountreceived = 0, added_by_receipt = false): LineState => ({
  amount,
  amountreceived,
  added_by_receipt,
});

describe('purchase order transitions', () => {
  test('when marking as purchased, then only a concept order with products may', () => {
    assert.equal(markPurchased('concept', [l(1)]), 'purchased');
    assert.match((markPurchased('concept', []) as { refused: string }).refused, /no products/);
    for (const s of ['purchased', 'received', 'cancelled'] as const)
      assert.match((markPurchased(s, [l(1)]) as { refused: string }).refused, new RegExp(`this one is ${s}`));
  });

  test('when cancelling, then only concept or purchased orders with nothing received may', () => {
    assert.equal(cancel('concept', [l(2)]), 'cancelled');
    assert.equal(cancel('purchased', [l(2)]), 'cancelled');
    assert.match((cancel('purchased', [l(2, 1)]) as { refused: string }).refused, /close it instead/);
    assert.ok(isRefusal(cancel('received', [l(2, 2)])));
    assert.ok(isRefusal(cancel('cancelled', [l(2)])));
  });

  test('when closing, then only a purchased order with something received may, and it becomes received', () => {
    assert.equal(close('purchased', [l(5, 2), l(3)]), 'received');
    assert.match((close('purchased', [l(5)]) as { refused: string }).refused, /cancel it instead/);
    for (const s of ['concept', 'received', 'cancelled'] as const) assert.ok(isRefusal(close(s, [l(5, 2)])));
  });

  test('when editing lines, then concept and purchased orders allow it, received and cancelled do not', () => {
    assert.equal(linesEditable('concept'), undefined);
    assert.equal(linesEditable('purchased'), undefined);
    assert.ok(linesEditable('received'));
    assert.ok(linesEditable('cancelled'));
    assert.ok(checkLineAmount(2, 3));
    assert.equal(checkLineAmount(3, 3), undefined);
    assert.ok(checkLineDelete(1));
    assert.equal(checkLineDelete(0), undefined);
  });

  test('when every ordered line arrived, then a purchased order becomes received; a revert takes it back', () => {
    assert.equal(statusAfterReceiving('purchased', [l(2, 1)], [l(2, 2)]), 'received');
    assert.equal(statusAfterReceiving('purchased', [l(2, 0)], [l(2, 1)]), 'purchased');
    assert.equal(statusAfterReceiving('received', [l(2, 2)], [l(2, 1)]), 'purchased');
  });

  test('when the last open line of an order that received nothing is removed, then it stays purchased', () => {
    assert.equal(statusAfterReceiving('purchased', [l(2)], []), 'purchased');
    assert.equal(statusAfterReceiving('purchased', [l(2), l(3, 3)], [l(3, 3)]), 'received');
  });

  test('when a closed order gets a revert, then it stays received', () => {
    assert.equal(statusAfterReceiving('received', [l(5, 3)], [l(5, 2)]), 'received');
  });

  test('when lines were added by a receipt, then they do not hold the order open', () => {
    assert.ok(fullyReceived([l(2, 2), l(4, 1, true)]));
    assert.ok(!fullyReceived([l(2, 1), l(4, 4, true)]));
  });

  test('cancelled and received are final: no action leaves them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 })), { maxLength: 10 }),
        (steps) => {
          let s: (typeof PURCHASE_ORDER_STATUSES)[number] = 'concept';
          for (const [action, got] of steps) {
            const next = [markPurchased, cancel, close][action]!(s, [l(3, got)]);
            if (s === 'cancelled' || s === 'received')
              assert.ok(isRefusal(next), `${s} left by action ${action}`);
            if (!isRefusal(next)) s = next;
          }
        },
      ),
    );
  });
});

describe('planReceipt', () => {
  test('when the oldest order holds too little, then the amount splits across orders', () => {
    const plan = planReceipt(
      [
        { idpurchaseorder: 1, idpurchaseorder_product: 10, open: 3 },
        { idpurchaseorder: 2, idpurchaseorder_product: 20, open: 10 },
      ],
      5,
    );
    assert.deepEqual(plan, {
      lines: [
        { idpurchaseorder: 1, idpurchaseorder_product: 10, amount: 3 },
        { idpurchaseorder: 2, idpurchaseorder_product: 20, amount: 2 },
      ],
      overflow: 0,
    });
  });

  test('when no line expects enough, then the rest is overflow', () => {
    assert.deepEqual(
      planReceipt([{ idpurchaseorder: 1, idpurchaseorder_product: 10, open: 2 }], 5).overflow,
      3,
    );
    assert.deepEqual(planReceipt([], 4), { lines: [], overflow: 4 });
  });

  test('conserves the amount, fills lines in order and never beyond their open quantity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -2, max: 10 }), { maxLength: 8 }),
        fc.integer({ min: 1, max: 60 }),
        (opens, amount) => {
          const candidates = opens.map((open, i) => ({
            idpurchaseorder: i,
            idpurchaseorder_product: 100 + i,
            open,
          }));
          const plan = planReceipt(candidates, amount);
          assert.equal(plan.lines.reduce((s, x) => s + x.amount, 0) + plan.overflow, amount);
          for (const x of plan.lines) {
            const c = candidates.find((cc) => cc.idpurchaseorder_product === x.idpurchaseorder_product)!;
            assert.ok(x.amount > 0 && x.amount <= c.open);
          }
          // A later line only gets something when every earlier line is full.
          const last = plan.lines.at(-1);
          if (last) {
            for (const c of candidates) {
              if (c.idpurchaseorder_product >= last.idpurchaseorder_product) break;
              const got =
                plan.lines.find((x) => x.idpurchaseorder_product === c.idpurchaseorder_product)?.amount ?? 0;
              assert.equal(got, Math.max(0, c.open));
            }
          }
          if (plan.overflow > 0)
            assert.equal(plan.overflow, amount - candidates.reduce((s, c) => s + Math.max(0, c.open), 0));
        },
      ),
    );
  });
});
