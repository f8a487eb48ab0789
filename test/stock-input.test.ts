import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import { change, detail, expectError, historyOf, stockSetup } from './stock-fixtures.ts';

/**
 * Bad input to the stock endpoints: every case is a clear 4xx with a Picqer error body, and
 * afterwards the stock, the ledger and the events are exactly as before.
 */
describeEngines('stock: bad input changes nothing', (t) => {
  test('when a stock change is malformed or points at the wrong things, then 4xx and nothing changes', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    const other = await c.expect(201, 'POST', '/warehouses', { name: 'Other' });
    const elsewhere = await c.expect(201, 'POST', '/locations', {
      idwarehouse: other.idwarehouse,
      name: 'X',
    });
    const stranger = await t().newClient();
    const foreign = await stockSetup(stranger);
    await change(c, s, { idlocation: s.loc.L1, change: 5 });

    const url = `/products/${s.idproduct}/stock/${s.idwarehouse}`;
    const L1 = s.loc.L1!;
    const cases: [string, number, unknown, RegExp][] = [
      ['change as a string', 400, { idlocation: L1, change: '5', reason: 'r' }, /change/],
      ['change as a boolean', 400, { idlocation: L1, change: true, reason: 'r' }, /change/],
      ['change as an array', 400, { idlocation: L1, change: [3], reason: 'r' }, /change/],
      ['change as null', 400, { idlocation: L1, change: null, reason: 'r' }, /change/],
      ['amount as a string', 400, { idlocation: L1, amount: '5', reason: 'r' }, /amount/],
      ['reason as a number', 400, { idlocation: L1, change: 1, reason: 5 }, /reason/],
      ['idlocation as a string', 400, { idlocation: String(L1), change: 1, reason: 'r' }, /idlocation/],
      ['idlocation as a float', 400, { idlocation: L1 + 0.5, change: 1, reason: 'r' }, /idlocation/],
      ['idlocation zero', 400, { idlocation: 0, change: 1, reason: 'r' }, /idlocation/],
      ['both change and amount', 400, { idlocation: L1, change: 1, amount: 3, reason: 'r' }, /exactly one/],
      ['neither change nor amount', 400, { idlocation: L1, reason: 'r' }, /exactly one/],
      ['missing reason', 400, { idlocation: L1, change: 1 }, /reason/],
      ['empty reason', 400, { idlocation: L1, change: 1, reason: '' }, /reason/],
      ['blank reason', 400, { idlocation: L1, change: 1, reason: '   ' }, /reason/],
      ['unknown location', 400, { idlocation: 999999, change: 1, reason: 'r' }, /does not exist/],
      [
        "another account's location",
        400,
        { idlocation: foreign.loc.L1, change: 1, reason: 'r' },
        /does not exist/,
      ],
      [
        'a location of another warehouse',
        400,
        { idlocation: elsewhere.idlocation, change: 1, reason: 'r' },
        /warehouse/,
      ],
      ['a huge change', 400, { idlocation: L1, change: 10_000_000_000, reason: 'r' }, /change/],
      ['a huge negative change', 400, { idlocation: L1, change: -(2 ** 53), reason: 'r' }, /change/],
      ['a huge amount', 400, { idlocation: L1, amount: 1e12, reason: 'r' }, /amount/],
      ['a negative amount', 400, { idlocation: L1, amount: -1, reason: 'r' }, /amount/],
      ['a non-integer change', 400, { idlocation: L1, change: 1.5, reason: 'r' }, /change/],
      ['a non-integer amount', 400, { idlocation: L1, amount: 2.25, reason: 'r' }, /amount/],
      ['a body that is not an object', 400, '"hello"', /body/],
      ['an empty body', 400, 'null', /reason/],
    ];
    const before = await detail(c, s);
    const ledgerBefore = await historyOf(c, s.idproduct);
    const eventsBefore = await c.expect(200, 'GET', '/events');
    for (const [name, status, body, message] of cases) {
      const err = await expectError(c, status, 'POST', url, body);
      assert.match(err.error_message, message, name);
      assert.equal(err.error_code, 5, name);
    }

    // Not JSON at all.
    const notJson = await c.request('POST', url, '{"change": 1, "reason": ');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error_code, 22);
    // A number beyond double range parses as Infinity: still not an integer.
    const infinite = await c.request('POST', url, `{"idlocation": ${L1}, "change": 1e400, "reason": "r"}`);
    assert.equal(infinite.status, 400);

    // Another account's product or warehouse: 404, as if it did not exist.
    const notMine = await expectError(
      c,
      404,
      'POST',
      `/products/${foreign.idproduct}/stock/${s.idwarehouse}`,
      {
        change: 1,
        reason: 'r',
      },
    );
    assert.equal(notMine.error_code, 20);
    await expectError(c, 404, 'POST', `/products/${s.idproduct}/stock/${foreign.idwarehouse}`, {
      change: 1,
      reason: 'r',
    });
    await expectError(c, 404, 'POST', `/products/2147483647/stock/${s.idwarehouse}`, {
      change: 1,
      reason: 'r',
    });
    await expectError(c, 400, 'POST', `/products/abc/stock/${s.idwarehouse}`, { change: 1, reason: 'r' });
    await expectError(c, 400, 'POST', `/products/99999999999/stock/${s.idwarehouse}`, {
      change: 1,
      reason: 'r',
    });

    assert.deepEqual(await detail(c, s), before);
    assert.deepEqual(await historyOf(c, s.idproduct), ledgerBefore);
    assert.deepEqual(await c.expect(200, 'GET', '/events'), eventsBefore);
    assert.deepEqual(await detail(stranger, foreign), await detail(stranger, foreign));
    assert.equal((await historyOf(stranger, foreign.idproduct)).length, 0);
    await t().assertLedger(c);
    await t().assertLedger(stranger);
  });

  test('when a change would push the warehouse stock past what an integer holds, then 400 and nothing changes', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    await change(c, s, { idlocation: s.loc.L1, amount: 1_000_000_000 });
    await change(c, s, { idlocation: s.loc.L2, amount: 1_000_000_000 });
    const err = await expectError(c, 400, 'POST', `/products/${s.idproduct}/stock/${s.idwarehouse}`, {
      idlocation: s.loc.L3,
      amount: 1_000_000_000,
      reason: 'r',
    });
    assert.match(err.error_message, /exceed/);
    assert.equal((await detail(c, s)).stock, 2_000_000_000);
    await t().assertLedger(c);
  });

  test('when catalog input has wrong types, then 400 and nothing is stored', async () => {
    const c = await t().newClient();
    const w = await c.expect(201, 'POST', '/warehouses', { name: 'W' });
    const bad: [string, unknown][] = [
      ['/products', { productcode: 5, name: 'x' }],
      ['/products', { productcode: 'x', name: 'x', price: '9.95' }],
      ['/products', { productcode: 'x', name: 'x', type: 'magic' }],
      ['/products', { productcode: 'x', name: 'x', weight: 1.5 }],
      ['/products', { productcode: '', name: 'x' }],
      ['/products', { name: 'x' }],
      ['/locations', { idwarehouse: String(w.idwarehouse), name: 'x' }],
      ['/locations', { idwarehouse: w.idwarehouse, name: 'x', is_bulk_location: 1 }],
      ['/locations', { idwarehouse: w.idwarehouse }],
      ['/customers', { name: 'x', language: 'english' }],
      ['/suppliers', { name: 'x', country: 'Netherlands' }],
    ];
    for (const [path, body] of bad) {
      const err = await expectError(c, 400, 'POST', path, body);
      assert.equal(err.error_code, 5, `${path} ${JSON.stringify(body)}`);
    }
    assert.deepEqual(await c.expect(200, 'GET', '/products?inactive=true'), []);
    assert.deepEqual(await c.expect(200, 'GET', '/locations'), []);
    assert.deepEqual(await c.expect(200, 'GET', '/customers'), []);
    assert.deepEqual(await c.expect(200, 'GET', '/suppliers'), []);
  });
});
