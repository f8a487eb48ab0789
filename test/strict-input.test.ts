import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines } from './harness.ts';
import { change, detail, stockSetup } from './stock-fixtures.ts';

/** Path ids and integer query parameters are plain decimal integers within the column's range. */
describeEngines('strict integers in paths and queries', (t) => {
  test('when a path id is written in any other way than plain decimal, then 400 in Picqer format and nothing changes', async () => {
    const c = await t().newClient();
    const s = await stockSetup(c);
    await change(c, s, { idlocation: null, change: 3 });
    const id = s.idproduct;
    const forms = [
      `0x${id.toString(16)}`,
      `${id}e0`,
      `+${id}`,
      `0${id}`,
      `%20${id}`,
      `${id}%20`,
      `${id}.0`,
      '-1',
      '1_0',
    ];
    for (const form of forms) {
      const res = await c.request('POST', `/products/${form}/stock/${s.idwarehouse}`, {
        idlocation: null,
        change: 1,
        reason: 'strict',
      });
      assert.equal(res.status, 400, `${form}: ${res.raw}`);
      assert.equal(res.body.error, true);
      assert.equal(res.body.error_code, 5);
      assert.equal((await c.get(`/products/${form}`)).status, 400, form);
    }
    assert.equal((await detail(c, s)).stock, 3);
    for (const tooBig of ['2147483648', '99999999999999999999999'])
      assert.equal((await c.get(`/products/${tooBig}`)).status, 400, tooBig);
    assert.equal((await c.get(`/products/${id}`)).status, 200);
  });

  test('when sinceid or offset is huge, fractional or not decimal, then 400 on every list (never a 500)', async () => {
    const c = await t().newClient();
    for (const list of ['/orders', '/picklists', '/backorders', '/events'])
      for (const value of [
        '1e21',
        '1000000000000000000000',
        '2147483648',
        '1.5',
        '0x10',
        '+1',
        '01',
        ' 1',
        '',
      ])
        for (const param of ['sinceid', 'offset']) {
          if (list === '/events' && param === 'offset') continue;
          const res = await c.get(`${list}?${param}=${encodeURIComponent(value)}`);
          if (value === '')
            assert.ok(res.status === 200 || res.status === 400, `${list} ${param}="": ${res.raw}`);
          else assert.equal(res.status, 400, `${list}?${param}=${value}: ${res.raw}`);
          assert.ok(res.status < 500);
        }
    assert.equal((await c.get('/orders?sinceid=2147483647')).status, 200);
    assert.equal((await c.get('/events?sinceid=0')).status, 200);
  });

  test('when the OpenAPI document is read, then every integer path and query parameter has a maximum', async () => {
    const doc = t().app.swagger() as {
      paths: Record<
        string,
        Record<
          string,
          { parameters?: { in: string; name: string; schema?: { type?: string; maximum?: number } }[] }
        >
      >;
    };
    let seen = 0;
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods))
        for (const p of op.parameters ?? [])
          if (p.schema?.type === 'integer') {
            seen++;
            assert.equal(typeof p.schema.maximum, 'number', `${method} ${path} ${p.in} ${p.name}`);
          }
    assert.ok(seen > 20, `only ${seen} integer parameters found`);
  });
});
