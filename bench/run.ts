/**
 * Runs every benchmark (bench/*.bench.ts) on the embedded engine and, when BENCH_DATABASE_URL (or
 * TEST_DATABASE_URL) is set, on PostgreSQL. Each benchmark file exports `run(engine)` and prints
 * its own figures. `npm run bench -- name` runs only benchmarks whose file name contains name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchEngine {
  name: 'sqlite' | 'postgres';
  url?: string;
}

const dir = path.dirname(new URL(import.meta.url).pathname);
const filter = process.argv[2];
const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const engines: BenchEngine[] = [{ name: 'sqlite' }, ...(pgUrl ? [{ name: 'postgres' as const, url: pgUrl }] : [])];
if (!pgUrl) console.log('(set BENCH_DATABASE_URL=postgres://... to measure PostgreSQL too)');

const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { run(engine: BenchEngine): Promise<void> };
  for (const engine of engines) {
    console.log(`\n## ${file} on ${engine.name}`);
    await mod.run(engine);
  }
}
