import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { engines } from './harness.ts';
import { cli } from './server-process.ts';

/** The command line's import, export and backorder processing, with plain progress lines off a terminal. */
for (const engine of engines) {
  describe(`command line import and export [${engine.name}]`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-cli-'));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const env: Record<string, string> = engine.url
      ? { DATABASE_URL: engine.url }
      : { DATA_DIR: path.join(dir, 'data') };

    test('when products are imported from a file, then progress lines go to stderr, the summary to stdout, and the export equals the file', () => {
      const account = JSON.parse(cli(['accounts', 'create', 'cli-import'], env).stdout.trim());
      const lines = [
        'productcode,name,price,fixedstockprice,idsupplier,productcode_supplier,type,active,barcode,weight,description',
      ];
      for (let i = 1; i <= 2100; i++) lines.push(`C${process.pid}-${i},Item ${i},${i}.25,,,,normal,true,,,`);
      const file = path.join(dir, 'products.csv');
      fs.writeFileSync(file, lines.join('\n') + '\n');

      const r = cli(['import', 'products', String(account.idaccount), file], env);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout.trim()).created, 2100);
      const progress = r.stderr.trim().split('\n');
      assert.match(progress.at(-1)!, /^import products: 2100\/2100 \(100%\), \d+\/s, ETA 0 s$/);
      assert.ok(progress.length >= 3, r.stderr);

      const exported = cli(['export', 'products', String(account.idaccount)], env);
      assert.equal(exported.status, 0, exported.stderr);
      assert.equal(exported.stdout, lines.join('\n') + '\n');

      const bad = path.join(dir, 'bad.csv');
      fs.writeFileSync(bad, `productcode,price\nC${process.pid}-1,1\nC${process.pid}-2,-3\n`);
      const refused = cli(['import', 'products', String(account.idaccount), bad], env);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /line 3, column price: price must be a number from 0/);
      assert.match(refused.stderr, /Nothing imported/);
      const again = cli(['export', 'products', String(account.idaccount)], env);
      assert.equal(again.stdout, exported.stdout, 'the bad file changed nothing');

      const processed = cli(['backorders', 'process', String(account.idaccount)], env);
      assert.equal(processed.status, 0, processed.stderr);
      assert.deepEqual(JSON.parse(processed.stdout.trim()), { orders: 0, picklists: 0 });
    });
  });
}
