import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reconcile } from '../src/modules/stock/stock.reconcile.ts';
import { describeEngines, type Client, type TestApp } from './harness.ts';
import { addStock, order, processOrder, world, type World } from './orders-fixtures.ts';

/**
 * reconcile checks the assignment of stock to open backorders besides the counters: each queue's
 * amount_available is what free stock (stock - picklist reservations) allows in queue order, and a
 * composition parent follows its parts. Corruptions are made by direct UPDATEs and must be named.
 */

/** A queue of three backorders of A (2, 3, 1) with 4 units in stock and one open picklist of 1. */
async function queueOfA(c: Client, wd: World) {
  await addStock(c, wd.p.A!, wd.w.W1!, 1);
  await processOrder(c, (await order(c, wd, [[wd.p.A!, 1]])).idorder);
  const ids: number[] = [];
  for (const amount of [2, 3, 1]) {
    const o = await order(c, wd, [[wd.p.A!, amount]]);
    await processOrder(c, o.idorder);
    const [b] = await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`);
    ids.push(b.idbackorder);
  }
  await addStock(c, wd.p.A!, wd.w.W1!, 4);
  return ids;
}

/** A virtual composition V of P x1 and Q x2, ordered twice with nothing in stock: parent and parts. */
async function composition(c: Client, wd: World) {
  await c.expect(201, 'POST', `/products/${wd.p.V}/parts`, { idproduct: wd.p.P, amount: 1 });
  await c.expect(201, 'POST', `/products/${wd.p.V}/parts`, { idproduct: wd.p.Q, amount: 2 });
  const o = await order(c, wd, [[wd.p.V!, 2]]);
  await processOrder(c, o.idorder);
  const backorders = await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`);
  const parent = backorders.find((b: any) => b.has_parts);
  return { parent, parts: backorders.filter((b: any) => b.part_of_idbackorder === parent.idbackorder) };
}

async function corrupt(t: TestApp, c: Client, idbackorder: number, amount_available: number) {
  await t.handle.db
    .updateTable('backorders')
    .set({ amount_available })
    .where('idaccount', '=', c.idaccount)
    .where('idbackorder', '=', idbackorder)
    .execute();
}

describeEngines('reconcile: backorder assignment', (t) => {
  test('when stock was handed to a queue and a composition by the services, then reconcile finds nothing', async () => {
    const c = await t().newClient();
    const wd = await world(c, {
      products: { A: 'normal', V: 'virtual_composition', P: 'normal', Q: 'normal' },
    });
    const ids = await queueOfA(c, wd);
    const got = await Promise.all(ids.map((id) => c.expect(200, 'GET', `/backorders/${id}`)));
    // Pool 5 - 1 = 4: the first gets 2, the second 2 of 3, the third nothing.
    assert.deepEqual(
      got.map((b) => b.amount_available),
      [2, 2, 0],
    );
    const { parent } = await composition(c, wd);
    await addStock(c, wd.p.P!, wd.w.W1!, 2);
    await addStock(c, wd.p.Q!, wd.w.W1!, 3);
    // Parts hold 2 of 2 and 3 of 4: one whole composition.
    assert.equal((await c.expect(200, 'GET', `/backorders/${parent.idbackorder}`)).amount_available, 1);
    assert.deepEqual(await reconcile(t().handle.db, c.idaccount), []);
  });

  test('when a queued backorder holds more or less than the queue order gives it, then reconcile names it with expected and stored', async () => {
    const c = await t().newClient();
    const wd = await world(c);
    const [first, second, third] = await queueOfA(c, wd);
    await corrupt(t(), c, third!, 1);
    await corrupt(t(), c, first!, 0);
    const key = `product ${wd.p.A}, warehouse ${wd.w.W1}`;
    assert.deepEqual(await reconcile(t().handle.db, c.idaccount), [
      `backorder ${first} (${key}): amount_available 0, assignment in queue order says 2 (pool 4)`,
      `backorder ${third} (${key}): amount_available 1, assignment in queue order says 0 (pool 4)`,
    ]);
    assert.ok(second);
  });

  test('when a composition parent disagrees with its parts, then reconcile names the parent and its parts', async () => {
    const c = await t().newClient();
    const wd = await world(c, { products: { V: 'virtual_composition', P: 'normal', Q: 'normal' } });
    const { parent, parts } = await composition(c, wd);
    await addStock(c, wd.p.P!, wd.w.W1!, 2);
    await addStock(c, wd.p.Q!, wd.w.W1!, 4);
    assert.equal((await c.expect(200, 'GET', `/backorders/${parent.idbackorder}`)).amount_available, 2);
    await corrupt(t(), c, parent.idbackorder, 0);
    const [p, q] = [...parts].sort((a: any, b: any) => a.idbackorder - b.idbackorder);
    assert.deepEqual(await reconcile(t().handle.db, c.idaccount), [
      `backorder ${parent.idbackorder} (composition parent, product ${wd.p.V}, warehouse ${wd.w.W1}): amount_available 0, its parts say 2 (part ${p.idbackorder}: 2/1, part ${q.idbackorder}: 4/2)`,
    ]);
    // A wrong part is named at the part; the parent follows the parts as stored.
    await corrupt(t(), c, parent.idbackorder, 2);
    await corrupt(t(), c, q.idbackorder, 1);
    assert.deepEqual(await reconcile(t().handle.db, c.idaccount), [
      `backorder ${q.idbackorder} (product ${wd.p.Q}, warehouse ${wd.w.W1}): amount_available 1, assignment in queue order says 4 (pool 4)`,
      `backorder ${parent.idbackorder} (composition parent, product ${wd.p.V}, warehouse ${wd.w.W1}): amount_available 2, its parts say 0 (part ${p.idbackorder}: 2/1, part ${q.idbackorder}: 1/2)`,
    ]);
  });
});
