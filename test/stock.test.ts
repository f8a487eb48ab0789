import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import {
  change,
  detail,
  expectError,
  historyOf,
  levels,
  reserveForPicklist,
  stockSetup,
} from './stock-fixtures.ts';

/** Seed 003 (product stock) and reference/picqer-api.md section 5, through the API. */
describeEngines('product stock', (t) => {
  test('when stock is added to a location, then the warehouse and location show it and the ledger has an api row', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    const d = await change(c, s, { idlocation: s.loc.L1, change: 10, reason: 'Purchased inventory' });
    assert.deepEqual(
      { ...d, locations: undefined },
      {
        idwarehouse: s.idwarehouse,
        stock: 10,
        reserved: 0,
        reservedbackorders: 0,
        reservedpicklists: 0,
        reservedallocations: 0,
        freestock: 10,
        locations: undefined,
      },
    );
    assert.deepEqual(d.locations, [
      {
        idlocation: s.loc.L1,
        idwarehouse: s.idwarehouse,
        name: 'L1',
        stock: 10,
        reserved_picklists: 0,
        free_stock: 10,
        is_bulk_location: false,
      },
    ]);
    assert.deepEqual(await detail(c, s), d);
    const [h, ...rest] = await historyOf(c, s.idproduct);
    assert.equal(rest.length, 0);
    assert.deepEqual(
      [
        h.idproduct,
        h.idwarehouse,
        h.idlocation,
        h.old_stock,
        h.stock_change,
        h.new_stock,
        h.reason,
        h.change_type,
      ],
      [s.idproduct, s.idwarehouse, s.loc.L1, 0, 10, 10, 'Purchased inventory', 'api'],
    );
    assert.match(h.changed_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.deepEqual(await c.expect(200, 'GET', `/stockhistory/${h.idproduct_stock_history}`), h);
    await t().assertLedger(c);
  });

  test('when amount is given, then that slot is set to it and the warehouse is the sum of all slots', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    await change(c, s, { idlocation: s.loc.L1, change: 16 });
    await change(c, s, { idlocation: null, change: 6 });
    await change(c, s, { idlocation: s.loc.L2, amount: 4, reason: 'Stock count' });
    await change(c, s, { idlocation: s.loc.L1, amount: 3 });
    assert.deepEqual(await levels(c, s), { total: 13, L1: 3, L2: 4, none: 6 });
    const h = await historyOf(c, s.idproduct);
    assert.deepEqual(
      h.map((r) => [r.old_stock, r.stock_change, r.new_stock]),
      [
        [0, 16, 16],
        [16, 6, 22],
        [22, 4, 26],
        [26, -13, 13],
      ],
    );
    // Setting the amount a slot already has changes nothing and writes no ledger row.
    await change(c, s, { idlocation: s.loc.L2, amount: 4 });
    assert.equal((await historyOf(c, s.idproduct)).length, 4);
    await t().assertLedger(c);
  });

  test('when idlocation is null, then the change applies to no specific location', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    await change(c, s, { idlocation: s.loc.L1, change: 5 });
    await change(c, s, { idlocation: null, change: 3 });
    await change(c, s, { idlocation: null, change: -2, reason: 'Stock count corrections' });
    assert.deepEqual(await levels(c, s), { total: 6, L1: 5, none: 1 });
    const last = (await historyOf(c, s.idproduct)).at(-1);
    assert.equal(last.idlocation, null);
    await t().assertLedger(c);
  });

  test('when idlocation is left out, then the single stocked location takes the change, else no specific location', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    // Nothing stocked anywhere: no specific location.
    await change(c, s, { change: 2 });
    assert.deepEqual(await levels(c, s), { total: 2, none: 2 });
    // One location with stock: that one (also for amount).
    await change(c, s, { idlocation: s.loc.L1, change: 5 });
    await change(c, s, { change: -1 });
    await change(c, s, { amount: 10 });
    assert.deepEqual(await levels(c, s), { total: 12, L1: 10, none: 2 });
    // Two locations with stock: no specific location again.
    await change(c, s, { idlocation: s.loc.L2, change: 1 });
    await change(c, s, { change: 3 });
    assert.deepEqual(await levels(c, s), { total: 16, L1: 10, L2: 1, none: 5 });
    await t().assertLedger(c);
  });

  test('when a change would make a slot negative or drop it below its picklist reservations, then 400 code 100 and nothing changes', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    await change(c, s, { idlocation: s.loc.L1, change: 5 });
    await reserveForPicklist(t(), c, s, 3);
    const before = await detail(c, s);
    assert.equal(before.reservedpicklists, 3);
    assert.equal(before.freestock, 2);
    const url = `/products/${s.idproduct}/stock/${s.idwarehouse}`;
    const negative = await expectError(c, 400, 'POST', url, {
      idlocation: s.loc.L2,
      change: -1,
      reason: 'x',
    });
    assert.equal(negative.error_code, 100);
    assert.match(negative.error_message, /negative/);
    const belowPicks = await expectError(c, 400, 'POST', url, {
      idlocation: s.loc.L1,
      change: -3,
      reason: 'x',
    });
    assert.equal(belowPicks.error_code, 100);
    assert.match(belowPicks.error_message, /reserved for picklists/);
    await expectError(c, 400, 'POST', url, { idlocation: s.loc.L1, amount: 2, reason: 'x' });
    // Down to exactly the reservation is allowed.
    await change(c, s, { idlocation: s.loc.L1, change: -2 });
    const after = await detail(c, s);
    assert.equal(after.stock, 3);
    assert.equal(after.freestock, 0);
    assert.equal((await historyOf(c, s.idproduct)).length, 2);
    await t().assertLedger(c);
  });

  test('when stock moves between locations, then the warehouse total stays and each location is recorded in the ledger', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    await change(c, s, { idlocation: s.loc.L1, change: 8 });
    await change(c, s, { idlocation: null, change: 2 });
    const move = (body: object) =>
      c.expect(200, 'POST', `/products/${s.idproduct}/stock/${s.idwarehouse}/move`, body);
    const d = await move({ from_idlocation: s.loc.L1, to_idlocation: s.loc.L2, amount: 3 });
    assert.equal(d.stock, 10);
    assert.deepEqual(await levels(c, s), { total: 10, L1: 5, L2: 3, none: 2 });
    await move({ from_idlocation: null, to_idlocation: s.loc.L3, amount: 2 });
    await move({ from_idlocation: s.loc.L1, to_idlocation: null, amount: 5 });
    assert.deepEqual(await levels(c, s), { total: 10, L1: 0, L2: 3, L3: 2, none: 5 });
    const moves = (await historyOf(c, s.idproduct)).filter((h) => h.change_type === 'move');
    assert.equal(moves.length, 6);
    assert.ok(moves.every((h) => h.stock_change === 0 && h.old_stock === 10 && h.new_stock === 10));
    assert.deepEqual(
      moves.slice(0, 2).map((h) => [h.idlocation, h.location_stock_change]),
      [
        [s.loc.L1, -3],
        [s.loc.L2, 3],
      ],
    );
    await t().assertLedger(c);
  });

  test('when a move is impossible, then 400 and nothing moves', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    const other = await c.expect(201, 'POST', '/warehouses', { name: 'Other' });
    const elsewhere = await c.expect(201, 'POST', '/locations', {
      idwarehouse: other.idwarehouse,
      name: 'X',
    });
    await change(c, s, { idlocation: s.loc.L1, change: 4 });
    const url = `/products/${s.idproduct}/stock/${s.idwarehouse}/move`;
    const cases: [object, RegExp][] = [
      [{ from_idlocation: s.loc.L1, to_idlocation: s.loc.L2, amount: 5 }, /negative/],
      [{ from_idlocation: s.loc.L2, to_idlocation: s.loc.L1, amount: 1 }, /negative/],
      [{ from_idlocation: s.loc.L1, to_idlocation: s.loc.L1, amount: 1 }, /same/],
      [{ from_idlocation: null, to_idlocation: null, amount: 1 }, /same/],
      [{ from_idlocation: s.loc.L1, to_idlocation: elsewhere.idlocation, amount: 1 }, /warehouse/],
      [{ from_idlocation: s.loc.L1, to_idlocation: 999999, amount: 1 }, /does not exist/],
      [{ from_idlocation: s.loc.L1, to_idlocation: s.loc.L2, amount: 0 }, /amount/],
      [{ from_idlocation: s.loc.L1, to_idlocation: s.loc.L2, amount: -1 }, /amount/],
      [{ from_idlocation: s.loc.L1, amount: 1 }, /to_idlocation/],
      [{ from_idlocation: s.loc.L1, to_idlocation: s.loc.L2, amount: '1' }, /amount/],
    ];
    for (const [body, message] of cases) {
      const err = await expectError(c, 400, 'POST', url, body);
      assert.match(err.error_message, message, JSON.stringify(body));
    }
    assert.deepEqual(await levels(c, s), { total: 4, L1: 4, none: 0 });
    assert.equal((await historyOf(c, s.idproduct)).length, 1);
    await t().assertLedger(c);
  });

  test('when reserved stock moves, then the picklist reservations move along to the new location', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    await change(c, s, { idlocation: s.loc.L1, change: 5 });
    const pick = await reserveForPicklist(t(), c, s, 4);
    assert.deepEqual(pick.slots, [{ slot: s.loc.L1, amount: 4 }]);
    // L1 holds 5 with 4 reserved: moving 3 leaves 2 there, so 2 reservations travel with the stock.
    const d = await c.expect(200, 'POST', `/products/${s.idproduct}/stock/${s.idwarehouse}/move`, {
      from_idlocation: s.loc.L1,
      to_idlocation: s.loc.L2,
      amount: 3,
    });
    const byName = Object.fromEntries(d.locations.map((l: any) => [l.name, l]));
    assert.deepEqual([byName.L1.stock, byName.L1.reserved_picklists, byName.L1.free_stock], [2, 2, 0]);
    assert.deepEqual([byName.L2.stock, byName.L2.reserved_picklists, byName.L2.free_stock], [3, 2, 1]);
    assert.equal(d.reservedpicklists, 4);
    assert.equal(d.freestock, 1);
    // All the stock may move, reservations included.
    await c.expect(200, 'POST', `/products/${s.idproduct}/stock/${s.idwarehouse}/move`, {
      from_idlocation: s.loc.L1,
      to_idlocation: null,
      amount: 2,
    });
    const after = await detail(c, s);
    assert.equal(after.locations.find((l: any) => l.name === 'L1').reserved_picklists, 0);
    await t().assertLedger(c);
  });

  test('when the product is inactive or has no stock of its own, then its stock cannot change', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    const url = (id: number) => `/products/${id}/stock/${s.idwarehouse}`;
    for (const type of ['unlimited_stock', 'virtual_composition']) {
      const p = await c.expect(201, 'POST', '/products', { productcode: type, name: type, type });
      const err = await expectError(c, 400, 'POST', url(p.idproduct), { change: 1, reason: 'x' });
      assert.match(err.error_message, /normal or composition_with_stock/);
    }
    const cws = await c.expect(201, 'POST', '/products', {
      productcode: 'CWS',
      name: 'Kit',
      type: 'composition_with_stock',
    });
    await c.expect(200, 'POST', url(cws.idproduct), { change: 2, reason: 'assembled' });
    await c.expect(200, 'POST', `/products/${s.idproduct}/inactivate`);
    const err = await expectError(c, 400, 'POST', url(s.idproduct), { change: 1, reason: 'x' });
    assert.match(err.error_message, /inactive/);
    await t().assertLedger(c);
  });

  test('when a product has stock, then its type cannot change and its location cannot be deleted until emptied', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    await change(c, s, { idlocation: s.loc.L1, change: 1 });
    const typeErr = await expectError(c, 400, 'PUT', `/products/${s.idproduct}`, { type: 'unlimited_stock' });
    assert.match(typeErr.error_message, /no stock/);
    const delErr = await expectError(c, 400, 'DELETE', `/locations/${s.loc.L1}`);
    assert.match(delErr.error_message, /holds stock/);
    await c.expect(200, 'POST', `/products/${s.idproduct}/stock/${s.idwarehouse}/move`, {
      from_idlocation: s.loc.L1,
      to_idlocation: null,
      amount: 1,
    });
    await c.expect(204, 'DELETE', `/locations/${s.loc.L1}`);
    await change(c, s, { idlocation: null, change: -1 });
    const p = await c.expect(200, 'PUT', `/products/${s.idproduct}`, { type: 'unlimited_stock' });
    assert.equal(p.type, 'unlimited_stock');
    await t().assertLedger(c);
  });

  test('when stock is read per product and per warehouse, then every warehouse has an entry and warehouse stock lists only stocked products', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c, ['L1']);
    const w2 = await c.expect(201, 'POST', '/warehouses', { name: 'Second' });
    const idle = await c.expect(201, 'POST', '/products', { productcode: 'IDLE', name: 'Idle' });
    const reserved = await c.expect(201, 'POST', '/products', { productcode: 'RES', name: 'Reserved' });
    await change(c, s, { idlocation: s.loc.L1, change: 22 });
    const sr = { ...s, idproduct: reserved.idproduct };
    await change(c, sr, { idlocation: s.loc.L1, change: 1 });
    await reserveForPicklist(t(), c, sr, 1);
    await change(c, { ...s, idwarehouse: w2.idwarehouse }, { idlocation: null, change: 2 });
    const stock = await c.expect(200, 'GET', `/products/${s.idproduct}/stock`);
    assert.deepEqual(
      stock.map((x: any) => [x.idwarehouse, x.stock, x.freestock]),
      [
        [s.idwarehouse, 22, 22],
        [w2.idwarehouse, 2, 2],
      ],
    );
    const idleStock = await c.expect(200, 'GET', `/products/${idle.idproduct}/stock`);
    assert.deepEqual(
      idleStock.map((x: any) => [x.idwarehouse, x.stock, x.reserved]),
      [
        [s.idwarehouse, 0, 0],
        [w2.idwarehouse, 0, 0],
      ],
    );
    assert.deepEqual((await c.expect(200, 'GET', `/products/${s.idproduct}`)).stock, stock);
    // Warehouse stock: products with stock or reservations only; the reserved one has freestock 0.
    const ws = await c.expect(200, 'GET', `/warehouses/${s.idwarehouse}/stock`);
    assert.deepEqual(
      ws.map((x: any) => [x.idproduct, x.stock.stock, x.stock.reservedpicklists, x.stock.freestock]),
      [
        [s.idproduct, 22, 0, 22],
        [reserved.idproduct, 1, 1, 0],
      ],
    );
    assert.ok(ws.every((x: any) => typeof x.productcode === 'string'));
    for (const x of ws) {
      const e = x.stock;
      assert.equal(e.reserved, e.reservedbackorders + e.reservedpicklists + e.reservedallocations);
      assert.equal(e.freestock, e.stock - e.reserved);
    }
    await t().assertLedger(c);
  });
});

describeEngines(
  'stock history filters',
  (t) => {
    test('when history is filtered by product, warehouse and dates, then only the matching rows come back', async () => {
      const c = await t().newClient();
      const s = await stockSetup(c);
      const w2 = await c.expect(201, 'POST', '/warehouses', { name: 'Second' });
      clockAt('2024-03-01 10:00:00');
      await change(c, s, { idlocation: null, change: 1 });
      clockAt('2024-03-02 09:30:00');
      await change(c, s, { idlocation: null, change: 1 });
      await change(c, { ...s, idwarehouse: w2.idwarehouse }, { idlocation: null, change: 5 });
      clockAt('2024-03-03 00:00:00');
      await change(c, s, { idlocation: null, change: 1 });
      const q = async (query: string) =>
        (await c.expect(200, 'GET', `/stockhistory?${query}`)).map((h: any) => h.changed_at);
      assert.equal((await q(`idproduct=${s.idproduct}`)).length, 4);
      assert.equal((await q(`idwarehouse=${w2.idwarehouse}`)).length, 1);
      assert.deepEqual(await q(`idwarehouse=${s.idwarehouse}&sincedate=2024-03-02`), [
        '2024-03-02 09:30:00',
        '2024-03-03 00:00:00',
      ]);
      // A bare untildate includes its whole day.
      assert.deepEqual(await q(`idwarehouse=${s.idwarehouse}&untildate=2024-03-02`), [
        '2024-03-01 10:00:00',
        '2024-03-02 09:30:00',
      ]);
      assert.deepEqual(
        await q(`idwarehouse=${s.idwarehouse}&sincedate=2024-03-01 10:00:01&untildate=2024-03-02 09:30:00`),
        ['2024-03-02 09:30:00'],
      );
      for (const bad of [
        'sincedate=yesterday',
        'untildate=2024-02-30',
        'sincedate=2024-13-01',
        'idproduct=abc',
      ]) {
        const err = await expectError(c, 400, 'GET', `/stockhistory?${bad}`);
        assert.equal(err.error_code, 5, bad);
      }
      await expectError(c, 404, 'GET', '/stockhistory/2147483647');
      await t().assertLedger(c);
    });
  },
  { clock: () => new Date(clockMs) },
);

let clockMs = Date.UTC(2024, 0, 1);
function clockAt(datetime: string): void {
  clockMs = Date.parse(datetime.replace(' ', 'T') + 'Z');
}
