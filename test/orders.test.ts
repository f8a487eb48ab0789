import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import { addStock, pickLines, placed, stockOf, waiting, world } from './orders-fixtures.ts';

/** Orders and processing (reference/picqer-api.md 6), through the API on every engine. */
describeEngines('orders', (t) => {
  test('when the worked example is processed with partial delivery, then A x4 + B x3 are picked and B x3, C x1 wait', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    await addStock(c, wd.p.A!, wd.w.W1!, 6);
    await addStock(c, wd.p.B!, wd.w.W1!, 3);
    const { order, picklists, backorders } = await placed(c, wd, [
      [wd.p.A!, 4],
      [wd.p.B!, 6],
      [wd.p.C!, 1],
    ]);
    assert.equal(order.status, 'processing');
    assert.equal(picklists.length, 1);
    assert.deepEqual(pickLines(picklists, wd.p), ['Ax4', 'Bx3']);
    assert.deepEqual(waiting(backorders, wd.p), ['Bx3', 'Cx1']);
    const b = await stockOf(c, wd.p.B!, wd.w.W1!);
    assert.deepEqual([b.stock, b.reservedpicklists, b.reservedbackorders, b.freestock], [3, 3, 3, -3]);
    await t().assertLedger(c);
  });
});
