import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { advise, type AdviceInput } from './purchase-advice.ts';

const n = (max = 1000) => fc.integer({ min: 0, max });

/** A consistent (product, warehouse): picklists reserve at most the stock, as the stock rules hold. */
const input: fc.Arbitrary<AdviceInput> = fc
  .record({
    stock: n(),
    picklistShare: fc.double({ min: 0, max: 1, noNaN: true }),
    reservedbackorders: n(),
    reservedallocations: n(100),
    incoming: n(),
    stock_level_order: n(200),
    stock_level_desired: n(400),
    stock_level_maximum: n(600),
    minimum_purchase_quantity: n(50),
    purchase_in_quantities_of: n(24),
  })
  .map(({ picklistShare, ...r }) => ({ ...r, reservedpicklists: Math.floor(r.stock * picklistShare) }));

const free = (i: AdviceInput) => i.stock - i.reservedpicklists - i.reservedbackorders - i.reservedallocations;

describe('purchase advice', () => {
  test('when backorders wait that stock and purchase orders do not cover, then the advice is never less than they need', () => {
    fc.assert(
      fc.property(input, (i) => {
        const a = advise(i);
        assert.equal(a.backorder_need, Math.max(0, -(free(i) + i.incoming)));
        assert.ok(a.amount >= a.backorder_need, JSON.stringify({ i, a }));
        // After ordering, the backorders are covered.
        assert.ok(free(i) + i.incoming + a.amount >= 0);
      }),
    );
  });

  test('when a purchase order brings units, then they count once: the same as that many units already in free stock', () => {
    fc.assert(
      fc.property(input, n(), (i, x) => {
        const withPo = advise({ ...i, incoming: i.incoming + x });
        const inStock = advise({ ...i, stock: i.stock + x });
        assert.equal(withPo.amount, inStock.amount);
        // More incoming never raises the advice, and lowers it by at most what comes in plus rounding.
        const without = advise(i);
        assert.ok(withPo.amount <= without.amount);
      }),
    );
  });

  test('when a purchase order already covers the waiting backorders and no level is set, then nothing is advised', () => {
    fc.assert(
      fc.property(n(), n(), (backorders, stock) => {
        const a = advise({
          stock,
          reservedpicklists: 0,
          reservedbackorders: backorders + stock,
          reservedallocations: 0,
          incoming: backorders,
          stock_level_order: 0,
          stock_level_desired: 0,
          stock_level_maximum: 0,
          minimum_purchase_quantity: 10,
          purchase_in_quantities_of: 6,
        });
        assert.deepEqual([a.amount, a.reason], [0, null]);
      }),
    );
  });

  test('when advice is given, then it respects minimum_purchase_quantity and purchase_in_quantities_of', () => {
    fc.assert(
      fc.property(input, (i) => {
        const a = advise(i);
        if (a.amount === 0) return;
        assert.ok(a.amount >= i.minimum_purchase_quantity);
        if (i.purchase_in_quantities_of > 1) assert.equal(a.amount % i.purchase_in_quantities_of, 0);
        // The rounding adds less than one pack beyond the larger of need and minimum.
        const step = Math.max(1, i.purchase_in_quantities_of);
        const base = advise({ ...i, minimum_purchase_quantity: 0, purchase_in_quantities_of: 0 }).amount;
        assert.ok(a.amount < Math.max(base, i.minimum_purchase_quantity) + step);
      }),
    );
  });

  test('when the projected free stock is at or above the order level and no backorder waits uncovered, then nothing is advised', () => {
    fc.assert(
      fc.property(input, (i) => {
        const projected = free(i) + i.incoming;
        if (projected < 0 || projected < i.stock_level_order) return;
        assert.equal(advise(i).amount, 0);
      }),
    );
  });

  test('when keeping in stock below the order level, then the advice brings it to the desired level, capped by the maximum', () => {
    const base: AdviceInput = {
      stock: 3,
      reservedpicklists: 1,
      reservedbackorders: 0,
      reservedallocations: 0,
      incoming: 0,
      stock_level_order: 5,
      stock_level_desired: 20,
      stock_level_maximum: 0,
      minimum_purchase_quantity: 0,
      purchase_in_quantities_of: 0,
    };
    assert.deepEqual(advise(base), { projected: 2, backorder_need: 0, amount: 18, reason: 'stock_level' });
    assert.equal(advise({ ...base, stock_level_maximum: 12 }).amount, 10);
    assert.equal(advise({ ...base, purchase_in_quantities_of: 12 }).amount, 24);
    assert.equal(advise({ ...base, incoming: 2 }).amount, 16);
    assert.equal(advise({ ...base, incoming: 3 }).amount, 0);
    assert.equal(advise({ ...base, incoming: 3, stock: 6 }).amount, 0);
    // Picqer's example: free stock -12 from 12 backordered units, only order for backorders.
    assert.deepEqual(
      advise({
        ...base,
        stock: 0,
        reservedpicklists: 0,
        reservedbackorders: 12,
        stock_level_order: 0,
        stock_level_desired: 0,
      }),
      { projected: -12, backorder_need: 12, amount: 12, reason: 'backorders' },
    );
  });
});
