import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines, type Client } from './harness.ts';
import { placed, world } from './orders-fixtures.ts';

/** Sends a CSV body. */
async function postCsv(c: Client, url: string, csv: string) {
  return c.request('POST', url, csv, { 'content-type': 'text/csv' });
}

let run = 0;
function productsCsv(n: number, prefix: string): string {
  const lines = [
    'productcode,name,price,fixedstockprice,idsupplier,productcode_supplier,type,active,barcode,weight,description',
  ];
  for (let i = 1; i <= n; i++)
    lines.push(
      `${prefix}-${i},"Widget ${i}, ""deluxe""",${(i % 500) + 0.5},,,SUP-${i},normal,${i % 7 === 0 ? 'false' : 'true'},87${String(i).padStart(11, '0')},${i % 1000},"Line one\nline two"`,
    );
  return lines.join('\n') + '\n';
}

async function productCount(c: Client): Promise<number> {
  const text = (await c.request('GET', '/export/products')).raw;
  return text.trim().split('\n').length - 1;
}

describeEngines('CSV import and export', (t) => {
  test('when 10,000 products are imported and exported, then the export equals the file, and a second import changes nothing', async () => {
    const c = await t().newClient();
    const prefix = `RT${process.pid}-${++run}`;
    const csv = productsCsv(10_000, prefix);
    const first = await postCsv(c, '/import/products', csv);
    assert.equal(first.status, 200, first.raw.slice(0, 500));
    assert.deepEqual(first.body, {
      rows: 10_000,
      created: 10_000,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      applied: true,
      errors: [],
    });
    const exported = await c.request('GET', '/export/products');
    assert.equal(exported.status, 200);
    assert.match(String(exported.headers['content-type']), /^text\/csv/);
    assert.equal(exported.raw, csv);

    const events = async () =>
      Number(
        (
          await t()
            .handle.db.selectFrom('events')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('idaccount', '=', c.idaccount)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const eventsBefore = await events();
    assert.equal(eventsBefore, 10_000, 'one products.created per product');
    const second = await postCsv(c, '/import/products', exported.raw);
    assert.equal(second.status, 200);
    assert.equal(second.body.unchanged, 10_000);
    assert.equal(second.body.created + second.body.updated, 0);
    assert.equal((await c.request('GET', '/export/products')).raw, csv);
    assert.equal(await events(), eventsBefore);

    // An update by productcode changes only that product, through the same rules (events included).
    const one = await postCsv(c, '/import/products', `productcode,price\n${prefix}-5,99.5\n`);
    assert.equal(one.body.updated, 1);
    const [p] = await c.expect(200, 'GET', `/products?productcode=${prefix}-5`);
    assert.equal(p.price, 99.5);
    assert.equal(p.name, 'Widget 5, "deluxe"');
  });

  test('when a CSV has a bad row, then it answers the line and column and nothing of the file is applied, unless partial', async () => {
    const c = await t().newClient();
    const prefix = `BAD${process.pid}-${++run}`;
    const csv = `productcode,name,price,weight\n${prefix}-1,One,1,\n${prefix}-2,Two,cheap,\n${prefix}-3,Three,3,-4\n`;
    const res = await postCsv(c, '/import/products', csv);
    assert.equal(res.status, 400);
    assert.equal(res.body.error_code, 5);
    assert.equal(res.body.applied, false);
    assert.deepEqual(
      res.body.errors.map((e: any) => [e.line, e.column]),
      [
        [3, 'price'],
        [4, 'weight'],
      ],
    );
    assert.match(res.body.error_message, /line 3, column price/);
    assert.equal(await productCount(c), 0);

    // Unknown supplier found only against the database: the whole file is still refused.
    const late = await postCsv(
      c,
      '/import/products',
      `productcode,name,idsupplier\n${prefix}-1,One,\n${prefix}-9,Nine,999999\n`,
    );
    assert.equal(late.status, 400);
    assert.deepEqual(late.body.errors, [
      {
        line: 3,
        column: 'idsupplier',
        message: 'Supplier 999999 does not exist: create it first or leave idsupplier empty',
      },
    ]);
    assert.equal(await productCount(c), 0);

    // An unknown column is an error of the header line.
    const header = await postCsv(c, '/import/products', `productcode,colour\nX,red\n`);
    assert.deepEqual(
      header.body.errors.map((e: any) => [e.line, e.column]),
      [[1, 'colour']],
    );
    // Not CSV at all (an unclosed quote): the line where it broke.
    const broken = await postCsv(c, '/import/products', `productcode,name\nA,"open\n`);
    assert.equal(broken.status, 400);
    assert.match(broken.body.errors[0].message, /Not valid CSV/);

    // Not sent as CSV: refused before anything is read.
    const json = await c.post('/import/products', { productcode: 'X', name: 'x' });
    assert.equal(json.status, 415);
    assert.equal(json.body.error_code, 5);
    assert.equal(await productCount(c), 0);

    const partial = await postCsv(c, '/import/products?partial=true', csv);
    assert.equal(partial.status, 200);
    assert.equal(partial.body.created, 1);
    assert.equal(partial.body.skipped, 2);
    assert.equal(await productCount(c), 1);
  });

  test('when stock counts are imported, then they are booked as stock changes with the reason, exported equal, and a second import changes nothing', async () => {
    const c = await t().newClient();
    const w = await c.expect(201, 'POST', '/warehouses', { name: 'Main' });
    await c.expect(201, 'POST', '/locations', { idwarehouse: w.idwarehouse, name: 'A-1' });
    await c.expect(201, 'POST', '/locations', { idwarehouse: w.idwarehouse, name: 'B-2' });
    const prefix = `ST${process.pid}-${++run}`;
    await postCsv(c, '/import/products', productsCsv(150, prefix).replaceAll(',false,', ',true,'));
    const lines = ['productcode,idwarehouse,location,stock'];
    for (let i = 1; i <= 150; i++) {
      lines.push(`${prefix}-${i},${w.idwarehouse},,${i}`);
      if (i % 3 === 0) lines.push(`${prefix}-${i},${w.idwarehouse},A-1,${i * 2}`);
      if (i % 5 === 0) lines.push(`${prefix}-${i},${w.idwarehouse},B-2,7`);
    }
    const csv = lines.join('\n') + '\n';
    const res = await postCsv(c, '/import/stock?reason=Year-end%20count', csv);
    assert.equal(res.status, 200, res.raw.slice(0, 300));
    assert.equal(res.body.updated, lines.length - 1);
    const exported = await c.request('GET', `/export/stock/${w.idwarehouse}`);
    assert.equal(exported.raw, csv);
    const again = await postCsv(c, '/import/stock', exported.raw);
    assert.equal(again.body.unchanged, lines.length - 1);
    assert.equal(again.body.updated, 0);

    const [p3] = await c.expect(200, 'GET', `/products?productcode=${prefix}-3`);
    const history = await c.expect(200, 'GET', `/stockhistory?idproduct=${p3.idproduct}`);
    assert.equal(history.length, 2);
    assert.ok(history.every((h: any) => h.reason === 'Year-end count' && h.change_type === 'import'));
    assert.equal((await c.expect(200, 'GET', `/products/${p3.idproduct}/stock/${w.idwarehouse}`)).stock, 9);
    await t().assertLedger(c);

    // A bad count applies nothing: not even the good rows before it.
    const bad = await postCsv(
      c,
      '/import/stock',
      `productcode,idwarehouse,location,stock\n${prefix}-1,${w.idwarehouse},,100\n${prefix}-2,${w.idwarehouse},Z-9,1\n`,
    );
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.errors.map((e: any) => [e.line, e.column]),
      [[3, 'location']],
    );
    assert.equal((await c.request('GET', `/export/stock/${w.idwarehouse}`)).raw, csv);
  });

  test('when backorders wait, then the backorder export lists them with their productcode', async () => {
    const c = await t().newClient();
    const wd = await world(c, { products: { A: 'normal' } });
    await placed(c, wd, [[wd.p.A!, 3]]);
    const text = (await c.request('GET', '/export/backorders')).raw.trim().split('\n');
    assert.equal(
      text[0],
      'idbackorder,idorder,productcode,idwarehouse,amount,amount_available,status,priority,created_at',
    );
    assert.equal(text.length, 2);
    assert.match(text[1]!, new RegExp(`,A-\\d+-\\d+,${wd.w.W1},3,0,pending,`));
  });
});
