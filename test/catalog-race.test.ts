import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';

describeEngines('catalog: concurrent writes', (t) => {
  test('when 20 requests create the same productcode at once, then exactly one wins and the others get 400 duplicate', async () => {
    const c = await t().newClient();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => c.post('/products', { productcode: 'SAME', name: `Try ${i}` })),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    const refused = results.filter((r) => r.status !== 201);
    assert.equal(refused.length, 19);
    for (const r of refused) {
      assert.equal(r.status, 400, r.raw);
      assert.equal(r.body.error_code, 7);
      assert.match(r.body.error_message, /SAME/);
    }
    assert.equal((await c.expect(200, 'GET', '/products?productcode=SAME')).length, 1);
  });
});
