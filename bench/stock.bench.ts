/**
 * Stock through the HTTP API (in-process inject), each figure beside its ceiling measured in the
 * same run, interleaved (issue 8):
 * - POST /products/{id}/stock/{idwarehouse} on SQLite, 1 client, against a durable one-row
 *   transaction through better-sqlite3 (the app's pragmas: WAL, synchronous FULL; BEGIN IMMEDIATE,
 *   one UPDATE by primary key, COMMIT);
 * - the same on PostgreSQL, 16 clients on 16 products (and, without target, on one hot product),
 *   against a durable one-row transaction on 16 connections through pg (a row per connection);
 * - GET /products/{id}/stock/{idwarehouse}, 16 clients, against an empty Fastify JSON route
 *   served the same way.
 * Besides: statements per request, and moves on one product. `npm run bench -- stock`.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';
import type { KyselyPlugin } from 'kysely';
import pg from 'pg';
import type { DatabaseHandle } from '../src/db/connection.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { buildApp } from '../src/http/app.ts';
import { createServices } from '../src/services.ts';
import {
  apiClient,
  benchConfig,
  interleaved,
  recordAgainst,
  settings,
  tempDatabase,
  throughput,
  type BenchEngine,
  type Operation,
} from './lib.ts';

/** Clients of the PostgreSQL write figure and of the GET figure (the app's pool has as many connections). */
const CLIENTS = 16;

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

/** The durable one-row transaction through better-sqlite3, on its own file beside the app's. */
function sqliteOneRow(dataDir: string) {
  const file = new SQLite(path.join(dataDir, 'ceiling.db'));
  // The pragmas of src/db/connection.ts with its default (durable) synchronous setting.
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = FULL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 10000');
  file.exec('create table one_row (id integer primary key, n integer not null)');
  const insert = file.prepare('insert into one_row (id, n) values (?, 0)');
  for (let id = 1; id <= CLIENTS; id++) insert.run(id);
  const begin = file.prepare('begin immediate');
  const update = file.prepare('update one_row set n = n + 1 where id = ?');
  const commit = file.prepare('commit');
  const op: Operation = (worker) => {
    begin.run();
    update.run(worker + 1);
    commit.run();
  };
  return { op, close: () => file.close() };
}

/** The durable one-row transaction through pg on a pool of `size` connections, a row per client. */
async function postgresOneRow(url: string, size: number) {
  const pool = new pg.Pool({ connectionString: url, max: size });
  await pool.query('create table one_row (id integer primary key, n integer not null)');
  await pool.query('insert into one_row (id, n) select g, 0 from generate_series(1, $1::int) g', [size]);
  const op: Operation = async (worker) => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query('update one_row set n = n + 1 where id = $1', [worker + 1]);
      await client.query('commit');
    } finally {
      client.release();
    }
  };
  return { op, close: () => pool.end() };
}

/** A bare Fastify 5 app with one GET route answering a small object, called like the app is. */
async function emptyRoute(authorization: string) {
  const app = Fastify();
  app.get('/api/v1/empty', async () => ({ idproduct: 1, idwarehouse: 1, stock: 0 }));
  await app.ready();
  const op: Operation = async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/empty', headers: { authorization } });
    if (res.statusCode !== 200) throw new Error(`empty route: ${res.statusCode}`);
  };
  return { op, close: () => app.close() };
}

export async function run(engine: BenchEngine): Promise<void> {
  const tmp = await tempDatabase(engine);
  // The server's defaults (synchronous FULL on SQLite), a pool of as many connections as clients.
  const handle = tmp.connect({ pgPoolSize: CLIENTS });
  const closers: (() => unknown)[] = [];
  try {
    await migrateToLatest(handle);
    const services = createServices({ handle, config: benchConfig });
    const app = await buildApp({ services, rateLimitPerMinute: 1e9 });
    closers.push(() => app.close());
    const account = await services.accounts.createAccount('bench-stock');
    const api = apiClient(app, account.apikey);
    const { idwarehouse } = await api('POST', '/warehouses', { name: 'Bench' });
    const { idlocation } = await api('POST', '/locations', { idwarehouse, name: 'A.1' });
    const products: number[] = [];
    for (let i = 0; i < CLIENTS; i++)
      products.push((await api('POST', '/products', { productcode: `B${i}`, name: `Bench ${i}` })).idproduct);
    const change = (idproduct: number) =>
      api('POST', `/products/${idproduct}/stock/${idwarehouse}`, { idlocation, change: 1, reason: 'bench' });
    const read = (idproduct: number) => api('GET', `/products/${idproduct}/stock/${idwarehouse}`);

    {
      // Statements per request, through a second app whose handle counts them.
      const counted = countStatements(handle);
      const countingApp = await buildApp({
        services: createServices({ handle: counted.handle, config: benchConfig }),
        rateLimitPerMinute: 1e9,
      });
      const countingApi = apiClient(countingApp, account.apikey);
      const count = async (call: () => Promise<unknown>) => {
        await call();
        const before = counted.counter.n;
        await call();
        return counted.counter.n - before;
      };
      const perChange = await count(() =>
        countingApi('POST', `/products/${products[0]}/stock/${idwarehouse}`, {
          idlocation,
          change: 1,
          reason: 'bench',
        }),
      );
      const perRead = await count(() => countingApi('GET', `/products/${products[0]}/stock/${idwarehouse}`));
      console.log(
        `statements per request (auth included; BEGIN and COMMIT not counted): change ${perChange}, GET ${perRead}`,
      );
      await countingApp.close();
    }

    if (engine.name === 'sqlite') {
      const ceiling = sqliteOneRow(tmp.dataDir);
      closers.push(ceiling.close);
      const [one, figure] = await interleaved([
        { label: 'durable one-row transaction, better-sqlite3', concurrency: 1, op: ceiling.op },
        { label: 'stock change', concurrency: 1, op: () => change(products[0]!) },
      ]);
      recordAgainst('stock.change', engine.name, figure!, one!, { on: 'ratio', compare: '>=', bound: 0.5 });
    } else {
      const ceiling = await postgresOneRow(tmp.url!, CLIENTS);
      closers.push(ceiling.close);
      const [one, spread, hot] = await interleaved([
        {
          label: `durable one-row transaction, pg, ${CLIENTS} connections`,
          concurrency: CLIENTS,
          op: ceiling.op,
        },
        { label: `stock change, ${CLIENTS} products`, concurrency: CLIENTS, op: (w) => change(products[w]!) },
        { label: 'stock change, one hot product', concurrency: CLIENTS, op: () => change(products[0]!) },
      ]);
      recordAgainst('stock.change', engine.name, spread!, one!, { on: 'ratio', compare: '>=', bound: 0.3 });
      recordAgainst('stock.change.hot', engine.name, hot!, one!);
    }

    const empty = await emptyRoute('Basic ' + Buffer.from(`${account.apikey}:X`).toString('base64'));
    closers.push(empty.close);
    const [route, get] = await interleaved([
      { label: 'empty Fastify route', concurrency: CLIENTS, op: empty.op },
      { label: 'GET stock', concurrency: CLIENTS, op: (w) => read(products[w]!) },
    ]);
    recordAgainst(
      'stock.get',
      engine.name,
      get!,
      route!,
      engine.name === 'sqlite' ? { on: 'ratio', compare: '>=', bound: 0.25 } : undefined,
    );

    // Moves on one product from many clients (they queue on its level row); no ceiling, one round.
    // Each client moves one unit away and back in turn, from 1,000 on each side.
    await api('POST', `/products/${products[0]}/stock/${idwarehouse}`, {
      idlocation,
      change: 2000,
      reason: 'bench',
    });
    await api('POST', `/products/${products[0]}/stock/${idwarehouse}/move`, {
      from_idlocation: idlocation,
      to_idlocation: null,
      amount: 1000,
    });
    const turns = new Array<number>(CLIENTS).fill(0);
    const moves = await throughput(settings.seconds, CLIENTS, (w) => {
      const away = turns[w]!++ % 2 === 0;
      return api('POST', `/products/${products[0]}/stock/${idwarehouse}/move`, {
        from_idlocation: away ? idlocation : null,
        to_idlocation: away ? null : idlocation,
        amount: 1,
      });
    });
    console.log(
      `move, ${CLIENTS} clients, one product: ${Math.round(moves.perSecond)}/s, ` +
        `p50 ${moves.p50.toFixed(1)} ms, p99 ${moves.p99.toFixed(1)} ms`,
    );
  } finally {
    for (const close of closers.reverse()) await close();
    await handle.close();
    await tmp.drop();
  }
}
