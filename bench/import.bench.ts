/**
 * CSV import of 100,000 products (`npm run bench -- import`): the path of `stockroom import products`
 * (a file streamed through csv-parse, one transaction, products.created events), then the same file
 * again (every row unchanged: no writes), then the export of all of them. Goal: under a minute on
 * SQLite for the first import.
 */
import fs from 'node:fs';
import path from 'node:path';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createServices } from '../src/services.ts';
import { tempDatabase, type BenchEngine } from './lib.ts';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);

export async function run(engine: BenchEngine): Promise<void> {
  // A throwaway schema like the other benchmarks: tables left in the database's own schema would be
  // found by the next benchmark's migrator (it looks for its tables in every schema) and break it.
  const tmp = await tempDatabase(engine);
  const handle = tmp.connect();
  try {
    await migrateToLatest(handle);
    const services = createServices({
      handle,
      config: { transitDays: 2, webhookAllowedHosts: [], smtpUrl: undefined, smtpFrom: 'bench@localhost' },
    });
    const { idaccount } = await services.accounts.createAccount(`bench-import-${Date.now()}`);
    const file = path.join(tmp.dataDir, 'products.csv');
    const out = fs.createWriteStream(file);
    out.write('productcode,name,price,productcode_supplier,type,active,barcode,weight,description\n');
    for (let i = 1; i <= ROWS; i++)
      out.write(
        `BI-${i},"Product ${i}, blue",${(i % 997) + 0.99},S-${i},normal,true,87${String(i).padStart(11, '0')},${i % 5000},Bench product\n`,
      );
    await new Promise((r) => out.end(r));
    const mb = (fs.statSync(file).size / 1e6).toFixed(1);

    let t0 = performance.now();
    const first = await services.transfer.importProducts(idaccount, fs.createReadStream(file));
    const firstS = (performance.now() - t0) / 1000;
    if (first.created !== ROWS)
      throw new Error(`created ${first.created} of ${ROWS}: ${JSON.stringify(first.errors.slice(0, 3))}`);
    console.log(
      `import ${ROWS} new products (${mb} MB): ${firstS.toFixed(1)} s, ${Math.round(ROWS / firstS)} rows/s`,
    );

    t0 = performance.now();
    const second = await services.transfer.importProducts(idaccount, fs.createReadStream(file));
    const secondS = (performance.now() - t0) / 1000;
    if (second.unchanged !== ROWS) throw new Error(`second import changed rows: ${JSON.stringify(second)}`);
    console.log(`same file again (all unchanged): ${secondS.toFixed(1)} s`);

    t0 = performance.now();
    let bytes = 0;
    for await (const chunk of services.transfer.exportProducts(handle.db, idaccount))
      bytes += (chunk as Buffer).length;
    console.log(
      `export ${ROWS} products (${(bytes / 1e6).toFixed(1)} MB): ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  } finally {
    await handle.close();
    await tmp.drop();
  }
}
