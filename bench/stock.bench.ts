/**
 * Stock changes through the HTTP API (in-process inject): one client in series, many clients on one
 * hot product (they queue on its level row), and many clients on different products.
 * `npm run bench -- stock`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KyselyPlugin } from 'kysely';
import { connect, type DatabaseHandle } from '../src/db/connection.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { buildApp } from '../src/http/app.ts';
import type { App } from '../src/http/types.ts';
import { createServices } from '../src/services.ts';
import type { BenchEngine } from './run.ts';

const config = {
  transitDays: 2,
  webhookAllowedHosts: ['127.0.0.1'],
  smtpUrl: undefined,
  smtpFrom: 'bench@localhost',
};

function client(app: App, apikey: string) {
  const authorization = 'Basic ' + Buffer.from(`${apikey}:X`).toString('base64');
  return async (method: 'GET' | 'POST', url: string, body?: unknown) => {
    const res = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization, 'content-type': 'application/json' },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json<Record<string, number>>();
  };
}

/** Runs `total` calls of fn with at most `concurrency` in flight; returns throughput and latencies. */
async function measure(total: number, concurrency: number, fn: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await fn(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const ms = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
  return `${((total / ms) * 1000).toFixed(0)}/s, p50 ${pct(0.5).toFixed(1)} ms, p99 ${pct(0.99).toFixed(1)} ms`;
}

/** Counts the statements the app sends (BEGIN and COMMIT bypass plugins and are not counted). */
function countStatements(handle: DatabaseHandle) {
  const counter = { n: 0 };
  const plugin: KyselyPlugin = {
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      counter.n++;
      return args.result;
    },
  };
  return { handle: { ...handle, db: handle.db.withPlugin(plugin) }, counter };
}

export async function run(engine: BenchEngine): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-bench-'));
  const raw = connect({ databaseUrl: engine.url, dataDir, sqliteSynchronous: 'NORMAL', pgPoolSize: 20 });
  const { handle, counter } = countStatements(raw);
  try {
    await migrateToLatest(raw);
    const services = createServices({ handle, config });
    const app = await buildApp({ services, rateLimitPerMinute: 1e9 });
    const account = await services.accounts.createAccount('bench-stock');
    const api = client(app, account.apikey);
    const { idwarehouse } = await api('POST', '/warehouses', { name: 'Bench' });
    const { idlocation } = await api('POST', '/locations', { idwarehouse, name: 'A.1' });
    const products: number[] = [];
    for (let i = 0; i < 50; i++)
      products.push(
        (await api('POST', '/products', { productcode: `B${i}`, name: `Bench ${i}` })).idproduct!,
      );
    const change = (idproduct: number) =>
      api('POST', `/products/${idproduct}/stock/${idwarehouse}`, { idlocation, change: 1, reason: 'bench' });

    await measure(200, 1, () => change(products[0]!)); // warm-up
    const before = counter.n;
    await change(products[0]!);
    console.log(
      `statements per change request: ${counter.n - before} (auth included; plus BEGIN and COMMIT)`,
    );
    console.log(`change, 1 client: ${await measure(1000, 1, () => change(products[0]!))}`);
    console.log(`change, 50 clients, one product: ${await measure(2000, 50, () => change(products[0]!))}`);
    console.log(
      `change, 50 clients, 50 products: ${await measure(2000, 50, (i) => change(products[i % products.length]!))}`,
    );
    await api('POST', `/products/${products[0]}/stock/${idwarehouse}/move`, {
      from_idlocation: idlocation,
      to_idlocation: null,
      amount: 100,
    });
    console.log(
      `move, 50 clients, one product: ${await measure(1000, 50, (i) =>
        api('POST', `/products/${products[0]}/stock/${idwarehouse}/move`, {
          from_idlocation: i % 2 === 0 ? idlocation : null,
          to_idlocation: i % 2 === 0 ? null : idlocation,
          amount: 1,
        }),
      )}`,
    );
    await app.close();
  } finally {
    await raw.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
