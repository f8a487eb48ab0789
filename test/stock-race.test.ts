import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines, describePostgres, type Client } from './harness.ts';
import {
  change,
  detail,
  historyOf,
  levels,
  reserveForPicklist,
  stockSetup,
  type StockSetup,
} from './stock-fixtures.ts';

/** A small seeded PRNG (mulberry32) so a failing interleaving can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const stockUrl = (s: StockSetup) => `/products/${s.idproduct}/stock/${s.idwarehouse}`;

/** One consistent read of a warehouse whose stock is all on named locations. */
function assertConsistent(d: any, what: string): void {
  const located = d.locations.reduce((n: number, l: any) => n + l.stock, 0);
  const reserved = d.locations.reduce((n: number, l: any) => n + l.reserved_picklists, 0);
  assert.equal(d.stock, located, `${what}: warehouse stock is the sum of its locations`);
  assert.equal(d.reservedpicklists, reserved, `${what}: picklist reservations are the sum of its locations`);
  for (const l of d.locations) {
    assert.ok(l.stock >= 0, `${what}: location ${l.name} is negative`);
    assert.ok(l.stock >= l.reserved_picklists, `${what}: location ${l.name} below its picklist reservations`);
  }
}

describePostgres('stock races', (t) => {
  test('when 200 requests take 1 each from a stock of 100 at once, then exactly 100 succeed, 100 get a clear 400 and the stock ends at 0', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c, ['L1']);
    await change(c, s, { idlocation: s.loc.L1, change: 100 });
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        c.post(stockUrl(s), { idlocation: s.loc.L1, change: -1, reason: 'sold in the shop' }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 400);
    assert.equal(ok.length, 100);
    assert.equal(refused.length, 100);
    for (const r of refused) {
      assert.equal(r.body.error_code, 100);
      assert.match(r.body.error_message, /negative/);
    }
    // Every successful answer saw its own committed level: the values 99..0, each once.
    assert.deepEqual(
      ok.map((r) => r.body.stock).sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i),
    );
    const d = await detail(c, s);
    assert.equal(d.stock, 0);
    assert.equal(d.freestock, 0);
    const history = await historyOf(c, s.idproduct);
    assert.equal(history.filter((h) => h.stock_change === -1).length, 100);
    await t().assertLedger(c);
  });

  test('when changes, moves and reads hit three locations at once, then no location goes negative, reads are consistent and the ledger agrees', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c, ['L1', 'L2', 'L3']);
    const names = ['L1', 'L2', 'L3'] as const;
    for (const n of names) await change(c, s, { idlocation: s.loc[n], change: 10 });
    await reserveForPicklist(t(), c, s, 6);
    const rnd = random(20240601);
    const pick = () => s.loc[names[Math.floor(rnd() * 3)]!]!;
    type Op = { kind: 'change'; delta: number } | { kind: 'move' } | { kind: 'read' };
    const ops: Op[] = [];
    const requests: Promise<any>[] = [];
    for (let i = 0; i < 300; i++) {
      const roll = rnd();
      if (roll < 0.4) {
        let to = pick();
        const from = pick();
        if (to === from) to = s.loc[from === s.loc.L1 ? 'L2' : 'L1']!;
        ops.push({ kind: 'move' });
        requests.push(
          c.post(`${stockUrl(s)}/move`, {
            from_idlocation: from,
            to_idlocation: to,
            amount: 1 + Math.floor(rnd() * 6),
          }),
        );
      } else if (roll < 0.85) {
        const delta = roll < 0.65 ? -1 - Math.floor(rnd() * 6) : 1 + Math.floor(rnd() * 4);
        ops.push({ kind: 'change', delta });
        requests.push(c.post(stockUrl(s), { idlocation: pick(), change: delta, reason: 'race' }));
      } else {
        ops.push({ kind: 'read' });
        requests.push(c.get(stockUrl(s)));
      }
    }
    const results = await Promise.all(requests);
    let expected = 30;
    let moves = 0;
    let changes = 0;
    results.forEach((r, i) => {
      const op = ops[i]!;
      if (r.status === 400) {
        assert.notEqual(op.kind, 'read');
        assert.equal(r.body.error_code, 100, r.raw);
        return;
      }
      assert.equal(r.status, 200, r.raw);
      assertConsistent(r.body, `answer ${i} (${op.kind})`);
      if (op.kind === 'change') {
        expected += op.delta;
        changes++;
      }
      if (op.kind === 'move') moves++;
    });
    assert.ok(
      moves > 10 && changes > 10,
      `a race needs successes of both kinds (moves ${moves}, changes ${changes})`,
    );
    const d = await detail(c, s);
    assertConsistent(d, 'final');
    assert.equal(d.stock, expected);
    assert.equal(d.reservedpicklists, 6);
    const history = await historyOf(c, s.idproduct);
    assert.equal(history.filter((h) => h.change_type === 'api').length, 3 + changes);
    assert.equal(history.filter((h) => h.change_type === 'move').length, 2 * moves);
    await t().assertLedger(c);
  });

  test('when a location is deleted while stock arrives on it, then either the delete or the stock wins, never both', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c, []);
    for (let round = 0; round < 5; round++) {
      const l = await c.expect(201, 'POST', '/locations', { idwarehouse: s.idwarehouse, name: `R${round}` });
      // The delete goes out at a different place among the changes each round.
      const send: (() => Promise<any>)[] = Array.from(
        { length: 20 },
        () => () => c.post(stockUrl(s), { idlocation: l.idlocation, change: 1, reason: 'race' }),
      );
      send.splice(round * 5, 0, () => c.del(`/locations/${l.idlocation}`));
      const requests = send.map((f) => f());
      const results = await Promise.all(requests);
      const deleted = results[round * 5]!;
      const changes = results.filter((_, i) => i !== round * 5);
      const added = changes.filter((r) => r.status === 200).length;
      if (deleted.status === 204) {
        assert.equal(added, 0, `round ${round}: stock arrived on a deleted location`);
        for (const r of changes) assert.match(r.body.error_message, /does not exist/);
      } else {
        assert.equal(deleted.status, 400, deleted.raw);
        assert.equal(added, 20, `round ${round}: the location stayed, so every change lands`);
      }
    }
    await t().assertLedger(c);
  });

  test('when the type of a product changes while its stock changes, then it never ends with stock of a type without stock', async () => {
    const c = await t().newClient();
    for (let round = 0; round < 5; round++) {
      const s = await stockSetup(c, []);
      // The type change starts first and the changes follow after a varying number of event-loop
      // turns, so across rounds both sides get to win.
      const typeChange = c.put(`/products/${s.idproduct}`, { type: 'unlimited_stock' });
      for (let i = 0; i < round * 3; i++) await new Promise((r) => setImmediate(r));
      const requests: Promise<any>[] = [
        typeChange,
        ...Array.from({ length: 20 }, () =>
          c.post(stockUrl(s), { idlocation: null, change: 1, reason: 'race' }),
        ),
      ];
      const results = await Promise.all(requests);
      const p = await c.expect(200, 'GET', `/products/${s.idproduct}`);
      const added = results.filter((r) => r.status === 200).length - (p.type === 'unlimited_stock' ? 1 : 0);
      const stock = p.stock.find((x: any) => x.idwarehouse === s.idwarehouse).stock;
      if (p.type === 'unlimited_stock') assert.equal(stock, 0, `round ${round}`);
      else assert.equal(stock, added, `round ${round}`);
    }
    await t().assertLedger(c);
  });
});

/** The embedded engine too: overlapping requests are isolated, and a failing one undoes only itself. */
describeEngines('stock: overlapping requests', (t) => {
  test('when overlapping requests partly fail, then only the failing ones roll back and no read sees a half-done change', async () => {
    const c: Client = await t().newClient();
    const a = await stockSetup(c, ['L1', 'L2', 'L3']);
    const b = {
      ...a,
      idproduct: (await c.expect(201, 'POST', '/products', { productcode: 'B', name: 'B' })).idproduct,
    };
    await change(c, a, { idlocation: a.loc.L1, change: 10 });
    await change(c, b, { idlocation: a.loc.L1, change: 1 });
    const requests: { kind: string; p: Promise<any> }[] = [];
    for (let i = 0; i < 30; i++) {
      requests.push({
        kind: 'take',
        p: c.post(stockUrl(a), { idlocation: a.loc.L1, change: -1, reason: 'take' }),
      });
      if (i % 3 === 0)
        requests.push({
          kind: 'add',
          p: c.post(stockUrl(b), { idlocation: a.loc.L1, change: 1, reason: 'add' }),
        });
      // Fails after its transaction has created the slot rows of L2 and L3: they must vanish with it.
      if (i % 5 === 0)
        requests.push({
          kind: 'bad move',
          p: c.post(`${stockUrl(a)}/move`, { from_idlocation: a.loc.L2, to_idlocation: a.loc.L3, amount: 1 }),
        });
      if (i % 2 === 0) requests.push({ kind: 'read', p: c.get(stockUrl(a)) });
    }
    const results = await Promise.all(requests.map(async (r) => ({ kind: r.kind, res: await r.p })));
    const count = (kind: string, status: number) =>
      results.filter((r) => r.kind === kind && r.res.status === status).length;
    assert.equal(count('take', 200), 10);
    assert.equal(count('take', 400), 20);
    assert.equal(count('add', 200), 10);
    assert.equal(count('bad move', 400), 6);
    for (const r of results.filter((x) => x.res.status === 200 && x.kind !== 'add')) {
      assertConsistent(r.res.body, r.kind);
      assert.ok(r.res.body.stock >= 0 && r.res.body.stock <= 10);
    }
    assert.deepEqual(await levels(c, a), { total: 0, L1: 0, none: 0 });
    assert.deepEqual(await levels(c, b), { total: 11, L1: 11, none: 0 });
    assert.equal((await historyOf(c, a.idproduct)).length, 11);
    assert.equal((await historyOf(c, b.idproduct)).length, 11);
    await t().assertLedger(c);
  });
});
