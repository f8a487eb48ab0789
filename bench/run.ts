/**
 * Runs every benchmark (bench/*.bench.ts) on the embedded engine and, when BENCH_DATABASE_URL (or
 * TEST_DATABASE_URL) is set, on PostgreSQL. Each benchmark file exports `run(engine)`, prints its own
 * figures and records the ones that have a ceiling or a target (bench/lib.ts); the table of them is
 * printed at the end and written to bench/results/latest.json. `npm run bench -- name` runs only
 * benchmarks whose file name contains name. BENCH_SECONDS=1 BENCH_BACKORDERS=10000 is a quick run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { printTable, settings, writeJson, type BenchEngine } from './lib.ts';

export type { BenchEngine } from './lib.ts';

const dir = path.dirname(new URL(import.meta.url).pathname);
const filter = process.argv[2];
const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const engines: BenchEngine[] = [
  { name: 'sqlite' },
  ...(pgUrl ? [{ name: 'postgres' as const, url: pgUrl }] : []),
];
if (!pgUrl) console.log('(set BENCH_DATABASE_URL=postgres://... to measure PostgreSQL too)');
console.log(
  `rounds of ${settings.seconds} s, median of ${settings.rounds}; backorders up to ${settings.backorders.toLocaleString('en-US')}` +
    (settings.seconds < 10 || settings.backorders < 100_000
      ? ' (a quick run: figures are indicative only)'
      : ''),
);

const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();
const startedAt = new Date().toISOString();
const errors: string[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as {
    run(engine: BenchEngine): Promise<void>;
  };
  for (const engine of engines) {
    console.log(`\n## ${file} on ${engine.name}`);
    try {
      await mod.run(engine);
    } catch (err) {
      // One failing benchmark does not lose the figures of the others; the run still fails.
      console.error(err);
      errors.push(`${file} on ${engine.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

console.log('\n## Figures against their ceilings and targets (issue 8)\n');
// In the order of issue 8's table.
printTable([
  'stock.change',
  'stock.change.hot',
  'stock.get',
  'backorders.process.tenth',
  'backorders.process',
  'backorders.process.growth',
]);
for (const e of errors) console.log(`FAILED TO RUN: ${e}`);
const out = path.join(dir, 'results', 'latest.json');
writeJson(out, {
  startedAt,
  finishedAt: new Date().toISOString(),
  filter: filter ?? null,
  engines: engines.map((e) => e.name),
  files,
  errors,
});
console.log(`\n(written to ${path.relative(process.cwd(), out)})`);
if (errors.length > 0) process.exitCode = 1;
