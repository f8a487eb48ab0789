import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { connect, type DatabaseHandle } from '../src/db/connection.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { systemClock } from '../src/domain/time.ts';
import { createAccountsService } from '../src/modules/accounts/accounts.service.ts';
import { reconcile } from '../src/modules/stock/stock.reconcile.ts';
import { postgresUrl } from './harness.ts';

/**
 * The write path under mixed concurrent load from four real server processes on one PostgreSQL
 * (issue 8). Every use case that changes stock, reservations, backorders, picklists, purchase
 * orders or receipts runs at the same time as the others, spread over the processes. Asserted:
 * no deadlock (pg_stat_database.deadlocks unchanged over the run) and no retried transaction
 * (each retry is a warn line "transaction retried" in a server's log), every counter and every
 * backorder assignment agreeing with the ledger (reconcile), a composition whose parts arrive at
 * once ends available with exactly one backorders.inventory_arrived, and a product never becomes
 * unlimited_stock while it holds stock or reservations. The composition, type-change and
 * purchase-order-line races are probabilistic, so each runs several rounds.
 */

const PROCESSES = 4;
const ROUNDS = 10;
const WAVES = 2;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

interface Server {
  proc: ChildProcess;
  base: string;
  /** Everything the process wrote to stdout and stderr (pino JSON lines at warn and above). */
  out: string;
}

interface Answer {
  status: number;
  body: any;
  raw: string;
  /** "METHOD path on server i", for failure messages. */
  what: string;
}

/** One retried transaction as a server logged it (onTransactionRetry in src/db/transaction.ts). */
interface Retry {
  server: number;
  code?: string;
  attempt?: number;
  detail?: string;
  raw: string;
}

const retriesIn = (text: string, server: number): Retry[] =>
  text
    .split('\n')
    .filter((l) => l.includes('transaction retried'))
    .map((raw) => {
      try {
        const j = JSON.parse(raw);
        return { server, code: j.code, attempt: j.attempt, detail: j.detail, raw };
      } catch {
        return { server, raw };
      }
    });

const describeRetries = (rs: readonly Retry[]) =>
  rs
    .slice(0, 5)
    .map((r) => `server ${r.server}: ${r.code ?? '?'} attempt ${r.attempt ?? '?'}: ${r.detail ?? r.raw}`)
    .join(' | ');

/**
 * pg_stat_database counts per database, and the rest of the suite runs beside this file on
 * TEST_DATABASE_URL: the run gets a database of its own, created empty next to it (named
 * <database>_writepath; dropped and created again at the start of each run).
 */
async function ownDatabase(url: string): Promise<{ url: string }> {
  const own = new URL(url);
  const name = `${own.pathname.slice(1) || 'postgres'}_writepath`;
  own.pathname = `/${name}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`drop database if exists "${name}" with (force)`);
  await admin(`create database "${name}"`);
  return { url: own.toString() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(
  `write path under mixed load from ${PROCESSES} server processes on one PostgreSQL`,
  { skip: postgresUrl ? false : 'TEST_DATABASE_URL is not set' },
  () => {
    const servers: Server[] = [];
    let handle: DatabaseHandle;
    let db: Awaited<ReturnType<typeof ownDatabase>> | undefined;
    let idaccount = 0;
    let apikey = '';
    let deadlocksBefore = 0;
    /** Per phase (arrangement, burst or rounds): the retries the servers logged during it. */
    const phases: { name: string; retries: Retry[] }[] = [];
    let next = 0;

    async function call(method: string, path: string, body?: unknown, server = next++): Promise<Answer> {
      const i = server % servers.length;
      const res = await fetch(`${servers[i]!.base}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apikey}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const raw = await res.text();
      let parsed: unknown = raw;
      try {
        parsed = JSON.parse(raw);
      } catch {
        // not JSON (204)
      }
      return { status: res.status, body: parsed, raw, what: `${method} ${path} on server ${i}` };
    }

    /** A call of the arrangement: must answer `status`. */
    async function ok(status: number, method: string, path: string, body?: unknown): Promise<any> {
      const r = await call(method, path, body);
      assert.equal(r.status, status, `${r.what} answered ${r.status}: ${r.raw}`);
      return r.body;
    }

    const serverErrors = (answers: readonly Answer[]) =>
      answers.filter((a) => a.status >= 500).map((a) => `${a.what} answered ${a.status}: ${a.raw}`);

    /** Runs one phase and keeps the retries the servers logged meanwhile. */
    async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
      const from = servers.map((s) => s.out.length);
      try {
        return await fn();
      } finally {
        // The retry lines are written before the answer; give the pipes a moment.
        await sleep(200);
        phases.push({
          name,
          retries: servers.flatMap((s, i) => retriesIn(s.out.slice(from[i]), i)),
        });
      }
    }

    async function deadlocks(): Promise<number> {
      return handle.db.connection().execute(async (db) => {
        await sql`select pg_stat_clear_snapshot()`.execute(db);
        const r = await sql<{
          deadlocks: string | number;
        }>`select deadlocks from pg_stat_database where datname = current_database()`.execute(db);
        return Number(r.rows[0]!.deadlocks);
      });
    }

    const eventsOf = async (event: string, resourceIds: readonly number[]) => {
      if (resourceIds.length === 0) return new Map<number, number>();
      const rows = await handle.db
        .selectFrom('events')
        .select(['resource_id', (eb) => eb.fn.countAll<string>().as('n')])
        .where('idaccount', '=', idaccount)
        .where('event', '=', event)
        .where('resource_id', 'in', resourceIds)
        .groupBy('resource_id')
        .execute();
      return new Map(rows.map((r) => [Number(r.resource_id), Number(r.n)]));
    };

    const backorder = async (id: number) =>
      handle.db
        .selectFrom('backorders')
        .selectAll()
        .where('idaccount', '=', idaccount)
        .where('idbackorder', '=', id)
        .executeTakeFirstOrThrow();

    /** Unlimited-stock products of the account that hold stock or reservations in some level. */
    const unlimitedHoldingStock = async (idproducts: readonly number[]) =>
      (
        await handle.db
          .selectFrom('stock_levels')
          .innerJoin('products', (j) =>
            j
              .onRef('products.idaccount', '=', 'stock_levels.idaccount')
              .onRef('products.idproduct', '=', 'stock_levels.idproduct'),
          )
          .select([
            'stock_levels.idproduct',
            'stock_levels.idwarehouse',
            'stock_levels.stock',
            'stock_levels.reserved_picklists',
            'stock_levels.reserved_backorders',
            'stock_levels.reserved_allocations',
          ])
          .where('stock_levels.idaccount', '=', idaccount)
          .where('stock_levels.idproduct', 'in', idproducts)
          .where('products.type', '=', 'unlimited_stock')
          .where((eb) =>
            eb.or([
              eb('stock_levels.stock', '>', 0),
              eb('stock_levels.reserved_picklists', '>', 0),
              eb('stock_levels.reserved_backorders', '>', 0),
              eb('stock_levels.reserved_allocations', '>', 0),
            ]),
          )
          .execute()
      ).map(
        (l) =>
          `product ${l.idproduct} is unlimited_stock holding stock ${l.stock}, reserved picklists ${l.reserved_picklists}, backorders ${l.reserved_backorders}, allocations ${l.reserved_allocations} in warehouse ${l.idwarehouse}`,
      );

    // Arrangement helpers (sequential, before each burst).
    let seq = 0;
    let idwarehouse = 0;
    let idsupplier = 0;
    let idcustomer = 0;
    const product = async (type = 'normal') =>
      (
        await ok(201, 'POST', '/products', {
          productcode: `WR-${process.pid}-${++seq}`,
          name: `Race ${seq}`,
          price: 10,
          type,
        })
      ).idproduct as number;
    const addStock = (idproduct: number, change: number, idlocation?: number) =>
      ok(200, 'POST', `/products/${idproduct}/stock/${idwarehouse}`, {
        change,
        reason: 'arrange',
        ...(idlocation !== undefined && { idlocation }),
      });
    const orderOf = async (lines: [number, number][]) =>
      (
        await ok(201, 'POST', '/orders', {
          idcustomer,
          products: lines.map(([idproduct, amount]) => ({ idproduct, amount })),
          partialdelivery: true,
        })
      ).idorder as number;
    const purchasedPO = async (lines: [number, number][], delivery_date: string | null = null) => {
      const po = await ok(201, 'POST', '/purchaseorders', {
        idsupplier,
        idwarehouse,
        delivery_date,
        products: lines.map(([idproduct, amount]) => ({ idproduct, amount })),
      });
      return ok(200, 'POST', `/purchaseorders/${po.idpurchaseorder}/mark-as-purchased`);
    };
    const receiptFor = async (idpurchaseorder: number) =>
      (await ok(201, 'POST', '/receipts', { idpurchaseorder })).idreceipt as number;
    /** A virtual composition of two parts (1 each), ordered once with nothing in stock: its parent backorder. */
    const waitingComposition = async () => {
      const [V, P, Q] = [await product('virtual_composition'), await product(), await product()];
      await ok(201, 'POST', `/products/${V}/parts`, { idproduct: P, amount: 1 });
      await ok(201, 'POST', `/products/${V}/parts`, { idproduct: Q, amount: 1 });
      const idorder = await orderOf([[V, 1]]);
      await ok(200, 'POST', `/orders/${idorder}/process`);
      const bos = await ok(200, 'GET', `/orders/${idorder}/backorders`);
      const parent = bos.find((b: any) => b.has_parts);
      assert.ok(
        parent,
        `order ${idorder} of composition ${V} has no parent backorder: ${JSON.stringify(bos)}`,
      );
      return { V, P, Q, idparent: parent.idbackorder as number };
    };
    /**
     * What went wrong with a composition whose two parts just arrived once each: its parent must
     * be available (or already shipped on a picklist, which needs it available) and must have had
     * exactly one backorders.inventory_arrived. `arrivals` are the answers of the two arrivals.
     */
    const compositionFailures = async (label: string, c: { idparent: number }, arrivals: Answer[]) => {
      const parent = await backorder(c.idparent);
      const parts = await handle.db
        .selectFrom('backorders')
        .select(['idbackorder', 'amount_available', 'status'])
        .where('idaccount', '=', idaccount)
        .where('part_of_idbackorder', '=', c.idparent)
        .orderBy('idbackorder')
        .execute();
      const arrived = (await eventsOf('backorders.inventory_arrived', [c.idparent])).get(c.idparent) ?? 0;
      const failures: string[] = [];
      const state = `${parts.map((p) => `part ${p.idbackorder} ${p.status}: ${p.amount_available}`).join(', ')}; arrivals answered ${arrivals.map((a) => a.status).join(', ')}`;
      const refused = arrivals.filter((a) => a.status >= 300);
      if (refused.length > 0)
        failures.push(
          `${label}: an arrival was refused: ${refused.map((a) => `${a.what}: ${a.raw}`).join('; ')}`,
        );
      else if (parent.status !== 'processed' && parent.amount_available !== 1)
        failures.push(
          `${label}: parent backorder ${c.idparent} (${parent.status}) amount_available ${parent.amount_available}, want 1 (${state})`,
        );
      if (arrived !== 1)
        failures.push(
          `${label}: parent backorder ${c.idparent} (${parent.status}) got ${arrived} backorders.inventory_arrived events, want 1 (${state})`,
        );
      return failures;
    };

    /** Each test has its own account, so that reconcile names only what that test did. */
    async function newAccount() {
      const account = await createAccountsService(handle, systemClock).createAccount(
        `writepath-${process.pid}-${++seq}`,
      );
      idaccount = account.idaccount;
      apikey = account.apikey;
      idwarehouse = (await ok(201, 'POST', '/warehouses', { name: 'Main', priority: 1 })).idwarehouse;
      idsupplier = (await ok(201, 'POST', '/suppliers', { name: 'Acme', language: 'en' })).idsupplier;
      idcustomer = (await ok(201, 'POST', '/customers', { name: 'Race Customer' })).idcustomer;
    }

    before(async () => {
      db = await ownDatabase(postgresUrl!);
      handle = connect({ databaseUrl: db.url, dataDir: '/nonexistent' });
      await migrateToLatest(handle);
      const startKey = 'wr-' + randomBytes(12).toString('hex');
      for (let i = 0; i < PROCESSES; i++) {
        const port = await freePort();
        const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
          env: {
            ...process.env,
            PORT: String(port),
            HOST: '127.0.0.1',
            DATABASE_URL: db.url,
            STOCKROOM_API_KEY: startKey,
            LOG_LEVEL: 'warn',
            WEBHOOK_WORKER_IN_SERVER: 'false',
            RATE_LIMIT_PER_MINUTE: '1000000',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const s: Server = { proc, base: `http://127.0.0.1:${port}`, out: '' };
        proc.stdout?.on('data', (d: Buffer) => (s.out += d.toString()));
        proc.stderr?.on('data', (d: Buffer) => (s.out += d.toString()));
        servers.push(s);
      }
      for (const s of servers) {
        let up = false;
        for (let i = 0; i < 240 && !up; i++) {
          up = await fetch(`${s.base}/health`).then(
            (r) => r.status === 200,
            () => false,
          );
          if (!up) await sleep(250);
        }
        assert.ok(up, `server did not start: ${s.out}`);
      }
      deadlocksBefore = await deadlocks();
    });

    after(async () => {
      for (const s of servers) if (s.proc.exitCode === null) s.proc.kill('SIGTERM');
      await Promise.all(
        servers.map((s) => new Promise((r) => (s.proc.exitCode !== null ? r(null) : s.proc.once('exit', r)))),
      );
      // The database stays until the next run, so that the ids in a failure can be looked up.
      await handle?.close();
    });

    test(`when orders, picklists, stock changes and moves, receipts, lifecycle actions, purchase order lines, a composition and a type change all run at once (${WAVES} waves), then nothing fails and reconcile is empty`, async () => {
      await newAccount();
      // Two products everything competes for, on two locations, with purchase orders (dated, so
      // every assignment moves expected dates too) and orders already waiting for them.
      const L1 = (await ok(201, 'POST', '/locations', { idwarehouse, name: 'L1' })).idlocation;
      const L2 = (await ok(201, 'POST', '/locations', { idwarehouse, name: 'L2' })).idlocation;
      const [A, B] = [await product(), await product()];
      await addStock(A, 10, L1);
      await addStock(B, 6);
      for (let i = 0; i < 8; i++)
        await ok(
          200,
          'POST',
          `/orders/${await orderOf([
            [A, 1 + (i % 3)],
            [B, 1 + (i % 2)],
          ])}/process`,
        );
      const failures: string[] = [];
      for (let wave = 0; wave < WAVES; wave++) {
        const [X, T] = [await product(), await product()];
        const po = await purchasedPO(
          [
            [A, 10],
            [B, 10],
            [T, 5],
          ],
          `2031-0${wave + 2}-01`,
        );
        const lineOf = (id: number) =>
          po.products.find((l: any) => l.idproduct === id).idpurchaseorder_product as number;
        const receipt = await receiptFor(po.idpurchaseorder);
        const kit = await waitingComposition();
        const picklists = (await ok(200, 'GET', '/picklists?status=new')).filter(
          (pl: any) => pl.status === 'new',
        );
        const waiting = await ok(200, 'GET', `/backorders?idproduct=${A}`);
        const arrivals: Answer[] = [];
        // Chains of steps; the chains run at the same time, each step on the next server.
        const chains: (() => Promise<Answer[]>)[] = [
          // New orders processed; some then prioritised, cancelled or shipped from backorders.
          ...Array.from({ length: 10 }, (_, i) => async () => {
            const created = await call('POST', '/orders', {
              idcustomer,
              products: [
                { idproduct: A, amount: 1 + (i % 3) },
                { idproduct: B, amount: 1 + (i % 2) },
              ],
              partialdelivery: i % 4 !== 0,
            });
            if (created.status !== 201) return [created];
            const id = created.body.idorder;
            const steps = [created, await call('POST', `/orders/${id}/process`)];
            if (i % 4 === 1) steps.push(await call('POST', `/orders/${id}/prioritise`));
            if (i % 4 === 2) steps.push(await call('DELETE', `/orders/${id}`));
            if (i % 4 === 3) steps.push(await call('POST', `/orders/${id}/process-backorders`));
            return steps;
          }),
          // Open picklists closed (picked or not) and cancelled.
          ...picklists.map((pl: any, i: number) => async () => {
            if (i % 3 === 0) return [await call('POST', `/picklists/${pl.idpicklist}/cancel`)];
            const steps = i % 3 === 1 ? [await call('POST', `/picklists/${pl.idpicklist}/pickall`)] : [];
            return [...steps, await call('POST', `/picklists/${pl.idpicklist}/close`)];
          }),
          // Stock changes and moves.
          ...[A, B, A, B, A, B].map((p, i) => async () => [
            await call('POST', `/products/${p}/stock/${idwarehouse}`, {
              change: i % 3 === 2 ? -1 : 2,
              reason: 'race',
            }),
          ]),
          ...[1, 2].map((_, i) => async () => [
            await call('POST', `/products/${A}/stock/${idwarehouse}/move`, {
              from_idlocation: i % 2 ? L2 : L1,
              to_idlocation: i % 2 ? L1 : L2,
              amount: 1,
            }),
          ]),
          // Receipts on the purchase order, also of a product it does not order yet.
          ...[A, B, A, B, X].map((p) => async () => [
            await call('POST', `/receipts/${receipt}/products`, { idproduct: p, amount: 1 }),
          ]),
          // Backorder lifecycle actions.
          ...waiting.slice(0, 6).map((b: any, i: number) => async () => {
            const url = `/backorders/${b.idbackorder}`;
            if (i % 6 === 0) return [await call('POST', `${url}/confirm`)];
            if (i % 6 === 1) return [await call('POST', `${url}/cancel`)];
            if (i % 6 === 2)
              return [await call('POST', `${url}/update-estimate`, { estimated_ship_date: '2031-01-15' })];
            if (i % 6 === 3) return [await call('PUT', url, { priority_level: 'rush' })];
            if (i % 6 === 4) return [await call('PUT', url, { status: 'in-transit' })];
            return [await call('POST', `${url}/fulfill`)];
          }),
          // Purchase order lines added and changed while the receipts book.
          async () => [
            await call('POST', `/purchaseorders/${po.idpurchaseorder}/products`, { idproduct: X, amount: 4 }),
          ],
          async () => [
            await call('PUT', `/purchaseorders/${po.idpurchaseorder}/products/${lineOf(A)}`, { amount: 12 }),
          ],
          async () => [
            await call('PUT', `/purchaseorders/${po.idpurchaseorder}/products/${lineOf(B)}`, {
              delivery_date: '2031-01-20',
            }),
          ],
          // The two parts of a composition arrive at once.
          async () => {
            arrivals[0] = await call('POST', `/products/${kit.P}/stock/${idwarehouse}`, {
              change: 1,
              reason: 'race',
            });
            return [arrivals[0]];
          },
          async () => {
            arrivals[1] = await call('POST', `/receipts/${receipt}/products`, {
              idproduct: kit.Q,
              amount: 1,
            });
            return [arrivals[1]];
          },
          // A type change racing a receipt.
          async () => [await call('POST', `/receipts/${receipt}/products`, { idproduct: T, amount: 1 })],
          async () => [await call('PUT', `/products/${T}`, { type: 'unlimited_stock' })],
          async () => [await call('POST', '/backorders/process')],
        ];
        const answers = await phase(`mixed wave ${wave}`, async () =>
          (await Promise.all(chains.map((c) => c()))).flat(),
        );
        failures.push(
          ...serverErrors(answers).map((f) => `wave ${wave}: ${f}`),
          ...(await compositionFailures(`wave ${wave}`, kit, arrivals)),
          ...(await unlimitedHoldingStock([T])).map((f) => `wave ${wave}: ${f}`),
        );
      }
      failures.push(...(await reconcile(handle.db, idaccount)));
      assert.deepEqual(failures, [], `${failures.length} things went wrong in ${WAVES} mixed waves`);
    });

    test(`when the two parts of a composition arrive at once (${ROUNDS} rounds), then the parent is available with one inventory_arrived each time`, async () => {
      await newAccount();
      const kits: Awaited<ReturnType<typeof waitingComposition>>[] = [];
      const po = await purchasedPO([[await product(), 1]]);
      const receipt = await receiptFor(po.idpurchaseorder);
      kits.push(
        ...(await phase('composition arrangement', () =>
          Promise.all(Array.from({ length: ROUNDS }, () => waitingComposition())),
        )),
      );
      const failures: string[] = [];
      const answers = await phase('composition rounds', async () => {
        const all: Answer[] = [];
        for (const [r, kit] of kits.entries()) {
          // Even rounds: two stock changes; odd rounds: a stock change and a receipt.
          const second =
            r % 2 === 0
              ? call('POST', `/products/${kit.Q}/stock/${idwarehouse}`, { change: 1, reason: 'race' }, r + 1)
              : call('POST', `/receipts/${receipt}/products`, { idproduct: kit.Q, amount: 1 }, r + 1);
          const pair = await Promise.all([
            call('POST', `/products/${kit.P}/stock/${idwarehouse}`, { change: 1, reason: 'race' }, r),
            second,
          ]);
          all.push(...pair);
          failures.push(...(await compositionFailures(`round ${r}`, kit, pair)));
        }
        return all;
      });
      const wrong = new Set(failures.map((f) => f.split(':')[0])).size;
      failures.unshift(...serverErrors(answers));
      failures.push(...(await reconcile(handle.db, idaccount)));
      assert.deepEqual(failures, [], `${wrong} of ${ROUNDS} rounds ended wrong`);
    });

    test(`when a product is made unlimited_stock while a receipt or an order processing hits it (${ROUNDS} rounds), then it never holds stock as unlimited_stock`, async () => {
      await newAccount();
      const rounds: { T: number; receipt: number; idorder: number }[] = [];
      rounds.push(
        ...(await phase('type change arrangement', () =>
          Promise.all(
            Array.from({ length: ROUNDS }, async () => {
              const T = await product();
              const po = await purchasedPO([[T, 5]]);
              return { T, receipt: await receiptFor(po.idpurchaseorder), idorder: await orderOf([[T, 1]]) };
            }),
          ),
        )),
      );
      const failures: string[] = [];
      const outcomes: string[] = [];
      const answers = await phase('type change rounds', async () => {
        const all: Answer[] = [];
        for (const [r, x] of rounds.entries()) {
          // Even rounds: a receipt races the type change; odd rounds: processing an order of it.
          const label = `round ${r} (${r % 2 === 0 ? 'receipt' : 'processing'})`;
          const [booking, put] = await Promise.all([
            r % 2 === 0
              ? call('POST', `/receipts/${x.receipt}/products`, { idproduct: x.T, amount: 1 }, r)
              : call('POST', `/orders/${x.idorder}/process`, undefined, r),
            call('PUT', `/products/${x.T}`, { type: 'unlimited_stock' }, r + 1),
          ]);
          all.push(booking, put);
          outcomes.push(`${label}: ${booking.status} and type ${put.status}`);
          failures.push(...(await unlimitedHoldingStock([x.T])).map((f) => `${label}: ${f}`));
        }
        return all;
      });
      const wrong = new Set(failures.map((f) => f.split(':')[0])).size;
      failures.unshift(...serverErrors(answers));
      failures.push(...(await reconcile(handle.db, idaccount)));
      assert.deepEqual(
        failures,
        [],
        `${wrong} of ${ROUNDS} rounds left an unlimited product holding stock; outcomes: ${outcomes.join('; ')}`,
      );
    });

    test(`when purchase order lines are added and changed and its date moves while receipts book on them (${ROUNDS} rounds), then nothing fails and reconcile is empty`, async () => {
      await newAccount();
      const rounds: {
        X: number;
        Z: number;
        Y: number;
        idpurchaseorder: number;
        lineY: number;
        receipt: number;
      }[] = [];
      rounds.push(
        ...(await phase('purchase order line arrangement', () =>
          Promise.all(
            Array.from({ length: ROUNDS }, async () => {
              const [X, Z, Y] = [await product(), await product(), await product()];
              // Backorders wait for them, so every change moves expected dates too.
              for (const p of [X, Z, Y]) await ok(200, 'POST', `/orders/${await orderOf([[p, 2]])}/process`);
              const po = await purchasedPO([[Y, 5]], '2031-03-01');
              return {
                X,
                Z,
                Y,
                idpurchaseorder: po.idpurchaseorder as number,
                lineY: po.products[0].idpurchaseorder_product as number,
                receipt: await receiptFor(po.idpurchaseorder),
              };
            }),
          ),
        )),
      );
      const answers = await phase('purchase order line rounds', async () => {
        const all: Answer[] = [];
        for (const [r, x] of rounds.entries())
          all.push(
            ...(await Promise.all([
              call('POST', `/purchaseorders/${x.idpurchaseorder}/products`, { idproduct: x.X, amount: 3 }, r),
              call(
                'POST',
                `/purchaseorders/${x.idpurchaseorder}/products`,
                { idproduct: x.Z, amount: 3 },
                r + 1,
              ),
              call('PUT', `/purchaseorders/${x.idpurchaseorder}/products/${x.lineY}`, { amount: 6 }, r + 2),
              call(
                'PUT',
                `/purchaseorders/${x.idpurchaseorder}/products/${x.lineY}`,
                { delivery_date: '2031-02-01' },
                r + 3,
              ),
              call('PUT', `/purchaseorders/${x.idpurchaseorder}`, { delivery_date: '2031-04-01' }, r + 2),
              call('POST', `/receipts/${x.receipt}/products`, { idproduct: x.X, amount: 1 }, r + 1),
              call('POST', `/receipts/${x.receipt}/products`, { idproduct: x.Z, amount: 1 }, r + 2),
              call('POST', `/receipts/${x.receipt}/products`, { idproduct: x.Y, amount: 1 }, r + 3),
            ])),
          );
        return all;
      });
      const failures = [...serverErrors(answers), ...(await reconcile(handle.db, idaccount))];
      assert.deepEqual(failures, [], `${failures.length} things went wrong`);
    });

    test('over the whole run, then PostgreSQL saw no deadlock and no server retried a transaction', async () => {
      // The servers' connections report their counters to pg_stat when they end: stop the servers.
      for (const s of servers) s.proc.kill('SIGTERM');
      await Promise.all(
        servers.map((s) => new Promise((r) => (s.proc.exitCode !== null ? r(null) : s.proc.once('exit', r)))),
      );
      let seen = await deadlocks();
      for (let i = 0; i < 8; i++) {
        await sleep(250);
        seen = Math.max(seen, await deadlocks());
      }
      const retries = servers.flatMap((s, i) => retriesIn(s.out, i));
      const perPhase = phases.map((p) => {
        const dl = p.retries.filter((r) => r.code === '40P01').length;
        return `${p.name}: ${p.retries.length} retries (${dl} deadlocks)`;
      });
      // Which tables the waits were on ("relation 17289" in PostgreSQL's detail), by name.
      const oids = [
        ...new Set(
          retries.flatMap((r) => [...(r.detail ?? '').matchAll(/relation (\d+)/g)].map((m) => Number(m[1]))),
        ),
      ];
      const names =
        oids.length === 0
          ? []
          : (
              await sql<{
                oid: number;
                relname: string;
              }>`select oid::int as oid, relname from pg_class where oid in (${sql.join(oids)})`.execute(
                handle.db,
              )
            ).rows;
      const onTables = names.map((n) => {
        const waits = retries.filter((r) => (r.detail ?? '').includes(`relation ${n.oid} `)).length;
        return `${n.relname} (relation ${n.oid}) in ${waits}`;
      });
      const summary = `deadlocks ${deadlocksBefore} -> ${seen}; ${retries.length} retried transactions; ${perPhase.join(', ')}; row locks waited on: ${onTables.join(', ') || 'none'}; first: ${describeRetries(retries)}`;
      assert.equal(seen - deadlocksBefore, 0, summary);
      assert.equal(retries.length, 0, summary);
    });
  },
);
