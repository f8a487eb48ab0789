import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import { placed, world } from './orders-fixtures.ts';
import { change, detail, stockSetup } from './stock-fixtures.ts';

/**
 * The answer of a stock change is built from the rows the change locked and wrote (ADR 0018), not
 * read again: whatever the case, it must be what a GET right after shows.
 */
describeEngines('stock change answers as the stock is', (t) => {
  test('when changes take every path (first stock, a new location, the implied one, none, set, remove), then each answer equals the GET after it', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    const steps: object[] = [
      { change: 5 }, // the product's first stock in the warehouse: the long way
      { idlocation: s.loc.L1, change: 4 }, // a location the level has no slot for yet
      { change: 2 }, // implied: L1 is the only stocked location
      { idlocation: s.loc.L2, amount: 3 }, // set a new slot
      { change: 1 }, // implied: two stocked locations, so no specific location
      { idlocation: null, change: -6 },
      { idlocation: s.loc.L1, amount: 0 }, // empty a slot
      { idlocation: s.loc.L3, amount: 0 }, // nothing to book: the location still becomes a slot
      { idlocation: s.loc.L2, change: -1 },
    ];
    for (const body of steps) {
      const answer = await change(c, s, body);
      assert.deepEqual(answer, await detail(c, s), `after ${JSON.stringify(body)}`);
    }
    await t().assertLedger(c);
  });

  test('when stock arrives for waiting backorders, then the answer shows what they took', async () => {
    const c = await t().newClient();
    const wd = await world(c, { products: { A: 'normal' } });
    await placed(c, wd, [[wd.p.A!, 3]]);
    const s = { idproduct: wd.p.A!, idwarehouse: wd.w.W1!, loc: {} };
    const answer = await change(c, s, { change: 5 });
    assert.equal(answer.reservedbackorders, 3);
    assert.equal(answer.freestock, 2);
    assert.deepEqual(answer, await detail(c, s));
    await t().assertLedger(c);
  });
});
