import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines, type Client } from './harness.ts';
import { addStock, order, processOrder, world, type World } from './orders-fixtures.ts';

/**
 * POST /backorders/process works through batches of orders, one transaction per batch, with the
 * writes of a batch combined (docs/adr/0011-hot-paths.md). Processing order by order (POST
 * /orders/{id}/process-backorders, in id order) must come to the same end: two accounts get the
 * same history, one processes everything at once, the other order by order.
 */

/** More orders than one batch holds (100), so that processing all spans batches. */
const ORDERS = 110;

/**
 * 110 waiting orders of four kinds, partial delivery refused by every fifth, then less stock than
 * they wait for: the first in the queues get it, a two-unit line gets one of two (a split), some
 * orders without partial delivery miss a line, a composition ships whole or not at all.
 */
async function history(c: Client): Promise<World> {
  const wd = await world(c, {
    products: { A: 'normal', B: 'normal', V: 'virtual_composition', P: 'normal', U: 'unlimited_stock' },
  });
  const { A, B, V, P, U } = wd.p;
  await c.expect(201, 'POST', `/products/${V}/parts`, { idproduct: P, amount: 1 });
  await c.expect(201, 'POST', `/products/${V}/parts`, { idproduct: U, amount: 1 });
  const kinds: [number, number][][] = [
    [[A!, 1]],
    [
      [A!, 2],
      [B!, 1],
    ],
    [[B!, 3]],
    [
      [V!, 1],
      [A!, 1],
    ],
  ];
  for (let i = 0; i < ORDERS; i++) {
    const o = await order(c, wd, kinds[i % 4]!, { partialdelivery: i % 5 !== 1 });
    await processOrder(c, o.idorder);
  }
  // A at a location and at no specific location: reservations take the location first, so the
  // lines of one batch share the slots of A.
  const shelf = await c.expect(201, 'POST', '/locations', { idwarehouse: wd.w.W1, name: 'A.1' });
  await addStock(c, A!, wd.w.W1!, 42, shelf.idlocation);
  await c.expect(200, 'POST', `/products/${A}/stock/${wd.w.W1}`, {
    change: 64,
    idlocation: null,
    reason: 'test',
  });
  await addStock(c, B!, wd.w.W1!, 100);
  await addStock(c, P!, wd.w.W1!, 20);
  return wd;
}

/** Everything processing decides, without ids: per order its picklists' lines and what still waits. */
async function outcome(c: Client, wd: World) {
  const name = (id: number) => Object.entries(wd.p).find(([, v]) => v === id)![0];
  const orders: any[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await c.expect(200, 'GET', `/orders?offset=${offset}`);
    orders.push(...page);
    if (page.length < 100) break;
  }
  const picklists: any[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await c.expect(200, 'GET', `/picklists?offset=${offset}`);
    picklists.push(...page);
    if (page.length < 100) break;
  }
  const perOrder: { order: number; picklists: string[]; waiting: string[] }[] = [];
  for (const [i, o] of orders.entries()) {
    const waiting = await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`);
    perOrder.push({
      order: i,
      picklists: picklists
        .filter((pl) => pl.idorder === o.idorder)
        .map((pl) =>
          pl.products
            .map(
              (l: any): string =>
                `${name(l.idproduct)}x${l.amount}@${l.pick_locations.map((x: any) => `${x.name ?? '-'}:${x.amount}`)}`,
            )
            .join(' '),
        ),
      waiting: waiting.map((b: any): string => `${name(b.idproduct)}x${b.amount}/${b.amount_available}`),
    });
  }
  const stock: unknown[][] = [];
  for (const id of Object.values(wd.p)) {
    const s = await c.expect(200, 'GET', `/products/${id}/stock/${wd.w.W1}`);
    stock.push([name(id), s.stock, s.reservedpicklists, s.reservedbackorders, s.freestock]);
  }
  return { perOrder, stock };
}

describeEngines('process all in batches', (t) => {
  test('when more orders can ship than one batch holds, then processing all ends as processing each order in turn', async () => {
    const all = await t().newClient();
    const one = await t().newClient();
    const [wdAll, wdOne] = [await history(all), await history(one)];

    const created = await all.expect(200, 'POST', '/backorders/process');
    let inTurn = 0;
    for (const o of await one.expect(200, 'GET', '/orders?status=processing&offset=0'))
      inTurn += (await one.expect(200, 'POST', `/orders/${o.idorder}/process-backorders`)).length;
    for (const o of await one.expect(200, 'GET', '/orders?status=processing&offset=100'))
      inTurn += (await one.expect(200, 'POST', `/orders/${o.idorder}/process-backorders`)).length;

    assert.equal(created.length, inTurn);
    assert.ok(new Set(created.map((pl: any) => pl.idorder)).size > 100, 'the picklists span two batches');
    const [a, b] = [await outcome(all, wdAll), await outcome(one, wdOne)];
    assert.deepEqual(a, b);
    // The history covers what batching must get right: a split, a refused partial delivery, whole
    // compositions with their unlimited part (listed right after the composition).
    assert.ok(a.perOrder.some((o) => o.waiting.includes('Ax1/0') && o.picklists.join().includes('Ax1')));
    assert.ok(a.perOrder.some((o) => o.picklists.join().includes('Ax2@-:1,A.1:1')));
    assert.ok(a.perOrder.some((o) => o.picklists.length === 0 && o.waiting.some((w) => w.endsWith('/1'))));
    assert.ok(a.perOrder.some((o) => o.picklists.join().includes('Vx1@ Px1@-:1 Ux1@')));
    // Nothing ships twice: processing again finds nothing available.
    assert.deepEqual(await all.expect(200, 'POST', '/backorders/process'), []);
    await t().assertLedger(all);
    await t().assertLedger(one);
  });
});
