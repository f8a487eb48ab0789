/**
 * Backorders: (a) one stock change (+1) on a product with 10,000 waiting backorders, against the
 * same change on a product with none; (b) POST /backorders/process through the app over 100,000
 * waiting backorders spread over 10,000 products (10,000 orders of 10 lines), first with nothing
 * available, then with stock for all of them: 100,000 backorders become 10,000 picklists; and the
 * same at a tenth of the size, for the growth 10k -> 100k (issue 8's targets: <= 8 s on SQLite,
 * <= 20 s on PostgreSQL, growth <= 11x). BENCH_BACKORDERS=10000 caps the size (1,000 -> 10,000).
 * Each part has a database of its own; the data is seeded with plain multi-row SQL (fast) and
 * analyzed on PostgreSQL; the counters are checked against the ledger afterwards.
 * `npm run bench -- backorders`.
 */
import { sql } from 'kysely';
import type { DatabaseHandle } from '../src/db/connection.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { buildApp } from '../src/http/app.ts';
import { reconcile } from '../src/modules/stock/stock.reconcile.ts';
import { createServices } from '../src/services.ts';
import {
  apiClient,
  benchConfig,
  median,
  record,
  seconds,
  settings,
  tempDatabase,
  type BenchEngine,
} from './lib.ts';
const AT = '2026-01-01 00:00:00';
const CHUNK = 1000;

/**
 * A live PostgreSQL has statistics (autovacuum analyzes); freshly seeded tables have none, and
 * without them the cached plans of foreign-key checks may pick a poor index (orders by customer,
 * location_stock by slot: every check then scans the account) and keep it. SQLite in production
 * runs without statistics, so it is left as it is.
 */
async function analyze(handle: DatabaseHandle) {
  if (handle.engine === 'postgres')
    await sql`analyze products, orders, order_products, stock_levels, location_stock, backorders,
      picklists, picklist_products, picklist_locations`.execute(handle.db);
}

async function chunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

async function insertProducts(handle: DatabaseHandle, idaccount: number, prefix: string, n: number) {
  const codes = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  await chunked(codes, (chunk) =>
    handle.db
      .insertInto('products')
      .values(
        chunk.map((productcode) => ({
          idaccount,
          productcode,
          name: productcode,
          price: 1,
          type: 'normal',
          active: 1,
          created: AT,
          updated: AT,
        })),
      )
      .execute(),
  );
  const rows = await handle.db
    .selectFrom('products')
    .select(['idproduct', 'productcode'])
    .where('idaccount', '=', idaccount)
    .where('productcode', 'like', `${prefix}-%`)
    .execute();
  const byCode = new Map(rows.map((r) => [r.productcode, r.idproduct]));
  return codes.map((c) => byCode.get(c)!);
}

/**
 * Seeds processing orders whose lines all wait as backorders. orderLines[k] lists the products of
 * order k (one unit each). A product's queue follows the order index (priority 1, 2, ...).
 * stockOf(product) units are in the warehouse and assigned to the head of its queue.
 */
async function seedWaitingOrders(
  handle: DatabaseHandle,
  idaccount: number,
  idwarehouse: number,
  prefix: string,
  orderLines: number[][],
  stockOf: (idproduct: number) => number,
) {
  const orderids = orderLines.map((_, k) => `${prefix}-${k}`);
  await chunked(orderids, (chunk) =>
    handle.db
      .insertInto('orders')
      .values(
        chunk.map((orderid) => ({
          idaccount,
          orderid,
          status: 'processing',
          partialdelivery: 1,
          warehouses: JSON.stringify([idwarehouse]),
          allocated: 0,
          processed_at: AT,
          created: AT,
          updated: AT,
        })),
      )
      .execute(),
  );
  const orderRows = await handle.db
    .selectFrom('orders')
    .select(['idorder', 'orderid'])
    .where('idaccount', '=', idaccount)
    .where('orderid', 'like', `${prefix}-%`)
    .execute();
  const idorderOf = new Map(orderRows.map((r) => [r.orderid, r.idorder]));
  const idorders = orderids.map((o) => idorderOf.get(o)!);
  const lines = orderLines.flatMap((products, k) =>
    products.map((idproduct) => ({ idorder: idorders[k]!, idproduct })),
  );
  await chunked(lines, (chunk) =>
    handle.db
      .insertInto('order_products')
      .values(
        chunk.map((l) => ({
          idaccount,
          ...l,
          name: 'bench',
          price: 1,
          amount: 1,
          amount_cancelled: 0,
          has_parts: 0,
        })),
      )
      .execute(),
  );
  const lineIds = new Map<string, number>();
  for (let i = 0; i < idorders.length; i += CHUNK)
    for (const r of await handle.db
      .selectFrom('order_products')
      .select(['idorder_product', 'idorder', 'idproduct'])
      .where('idaccount', '=', idaccount)
      .where('idorder', 'in', idorders.slice(i, i + CHUNK))
      .execute())
      lineIds.set(`${r.idorder}:${r.idproduct}`, r.idorder_product);

  const products = [...new Set(orderLines.flat())];
  const queued = new Map<number, number>();
  const assigned = new Map<number, number>();
  const backorders = orderLines.flatMap((ps, k) =>
    ps.map((idproduct) => {
      const priority = (queued.get(idproduct) ?? 0) + 1;
      queued.set(idproduct, priority);
      const available = Math.min(1, stockOf(idproduct) - (assigned.get(idproduct) ?? 0));
      assigned.set(idproduct, (assigned.get(idproduct) ?? 0) + Math.max(0, available));
      return {
        idaccount,
        idorder: idorders[k]!,
        idorder_product: lineIds.get(`${idorders[k]}:${idproduct}`)!,
        idproduct,
        idcustomer: null,
        idwarehouse,
        amount: 1,
        amount_available: Math.max(0, available),
        priority,
        priority_rank: 2,
        status: 'pending',
        price_cents: 100,
        has_parts: 0,
        idpurchaseorder_manual: 0,
        estimate_manual: 0,
        metadata: '{}',
        created_at: AT,
        updated_at: AT,
      };
    }),
  );
  await chunked(products, (chunk) =>
    handle.db
      .insertInto('stock_levels')
      .values(
        chunk.map((idproduct) => ({
          idaccount,
          idproduct,
          idwarehouse,
          stock: stockOf(idproduct),
          reserved_picklists: 0,
          reserved_backorders: queued.get(idproduct)!,
          reserved_allocations: 0,
          updated: AT,
        })),
      )
      .execute(),
  );
  await chunked(products, (chunk) =>
    handle.db
      .insertInto('location_stock')
      .values(
        chunk.map((idproduct) => ({
          idaccount,
          idproduct,
          idwarehouse,
          slot: 0,
          stock: stockOf(idproduct),
          reserved_picklists: 0,
        })),
      )
      .execute(),
  );
  const stocked = products.filter((p) => stockOf(p) > 0);
  await chunked(stocked, (chunk) =>
    handle.db
      .insertInto('stock_history')
      .values(
        chunk.map((idproduct) => ({
          idaccount,
          idproduct,
          idwarehouse,
          idlocation: null,
          old_stock: 0,
          stock_change: stockOf(idproduct),
          new_stock: stockOf(idproduct),
          location_old_stock: 0,
          location_stock_change: stockOf(idproduct),
          location_new_stock: stockOf(idproduct),
          reason: 'bench',
          change_type: 'api',
          reference_type: null,
          reference_id: null,
          changed_at: AT,
        })),
      )
      .execute(),
  );
  await analyze(handle);
  await chunked(backorders, (chunk) => handle.db.insertInto('backorders').values(chunk).execute());
  return backorders.length;
}

export async function run(engine: BenchEngine): Promise<void> {
  await runHotQueue(engine);
  // Process all at a tenth of the size and at the size (10,000 and 100,000 by default), each in a
  // database of its own, same shape: n/10 products, n/10 orders of 10 lines, 10 per product's queue.
  // Sizes are multiples of 10 with at least 10 products (each order's 10 lines are distinct products).
  const large = Math.max(1000, Math.round(settings.backorders / 10) * 10);
  const small = Math.round(large / 100) * 10;
  const sizes = [small, large];
  const bound = engine.name === 'sqlite' ? 8 : 20;
  const times: number[] = [];
  for (const n of sizes) {
    const secs = await runProcessAll(engine, n);
    times.push(secs);
    record({
      key: n === large ? 'backorders.process' : 'backorders.process.tenth',
      engine: engine.name,
      figure: `POST /backorders/process, ${n.toLocaleString('en-US')} available`,
      value: secs,
      unit: 's',
      ...(n === large
        ? {
            target: {
              on: 'value' as const,
              compare: '<=' as const,
              bound,
              ...(n !== TARGET_SIZE ? { notJudged: 'the target is for 100,000' } : {}),
            },
          }
        : {}),
    });
  }
  record({
    key: 'backorders.process.growth',
    engine: engine.name,
    figure: `POST /backorders/process growth, ${small.toLocaleString('en-US')} -> ${large.toLocaleString('en-US')}`,
    value: times[1]! / times[0]!,
    unit: 'x',
    target: { on: 'value', compare: '<=', bound: 11 },
  });
}

const TARGET_SIZE = 100_000;

/** (a) One stock change on a product with 10,000 waiting backorders, against one on a product with none. */
async function runHotQueue(engine: BenchEngine): Promise<void> {
  const tmp = await tempDatabase(engine);
  const handle = tmp.connect({ sqliteSynchronous: 'NORMAL', pgPoolSize: 10 });
  try {
    await migrateToLatest(handle);
    const services = createServices({ handle, config: benchConfig });
    const { idaccount } = await services.accounts.createAccount(`bench-backorders-${Date.now()}`);
    const { idwarehouse } = await services.catalog.createWarehouse(idaccount, { name: 'Bench' });
    const queue = Math.min(10_000, settings.backorders);
    const t0 = performance.now();
    const [hot, cold] = await insertProducts(handle, idaccount, 'HOT', 2);
    const waiting = await seedWaitingOrders(
      handle,
      idaccount,
      idwarehouse,
      'HOT',
      Array.from({ length: queue }, () => [hot!]),
      () => 0,
    );
    await services.stock.changeStock(idaccount, cold!, idwarehouse, { change: 1000, reason: 'bench' });
    console.log(`seeded ${waiting} waiting backorders of one product in ${seconds(t0).toFixed(1)} s`);
    const time = async (idproduct: number, n: number) => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const s = performance.now();
        await services.stock.changeStock(idaccount, idproduct, idwarehouse, { change: 1, reason: 'bench' });
        times.push(performance.now() - s);
      }
      return times;
    };
    await time(cold!, 5); // warm-up
    const baseline = median(await time(cold!, 25));
    const hotTimes = await time(hot!, 25);
    const assignedNow = await handle.db
      .selectFrom('backorders')
      .select((eb) => eb.fn.sum<number>('amount_available').as('n'))
      .where('idaccount', '=', idaccount)
      .where('idproduct', '=', hot!)
      .executeTakeFirstOrThrow();
    console.log(
      `stock change +1, product with ${waiting.toLocaleString('en-US')} waiting backorders: median ${median(hotTimes).toFixed(2)} ms ` +
        `(max ${Math.max(...hotTimes).toFixed(2)} ms; ${Number(assignedNow.n)} units assigned after 25 changes); ` +
        `same change on a product without backorders: median ${baseline.toFixed(2)} ms`,
    );
  } finally {
    await handle.close();
    await tmp.drop();
  }
}

/**
 * (b) POST /backorders/process through the app over n waiting backorders of n/10 products
 * (n/10 orders of 10 lines), first with nothing available, then with all n available: n/10
 * picklists. Answers the seconds of the second call; the counters are checked against the ledger.
 */
async function runProcessAll(engine: BenchEngine, n: number): Promise<number> {
  const tmp = await tempDatabase(engine);
  // The server's defaults: synchronous FULL on SQLite, a pool of 10.
  const handle = tmp.connect();
  try {
    await migrateToLatest(handle);
    const services = createServices({ handle, config: benchConfig });
    const app = await buildApp({ services, rateLimitPerMinute: 1e9 });
    // Start-up (every route's schemas compiled) before anything is timed; inject would do it on first use.
    await app.ready();
    try {
      const account = await services.accounts.createAccount(`bench-process-${Date.now()}`);
      const { idaccount } = account;
      const api = apiClient(app, account.apikey);
      const { idwarehouse } = await services.catalog.createWarehouse(idaccount, { name: 'Bench' });
      const t1 = performance.now();
      const products = await insertProducts(handle, idaccount, 'MANY', n / 10);
      const orderLines = Array.from({ length: n / 10 }, (_, k) =>
        Array.from({ length: 10 }, (_, j) => products[(k * 10 + j) % products.length]!),
      );
      const many = await seedWaitingOrders(handle, idaccount, idwarehouse, 'MANY', orderLines, () => 0);
      console.log(
        `seeded ${many.toLocaleString('en-US')} waiting backorders over ${products.length.toLocaleString('en-US')} products in ${seconds(t1).toFixed(1)} s`,
      );
      let s = performance.now();
      let created: { totalproducts: number }[] = await api('POST', '/backorders/process');
      console.log(
        `POST /backorders/process, ${many.toLocaleString('en-US')} waiting, none available: ` +
          `${(performance.now() - s).toFixed(1)} ms, ${created.length} picklists`,
      );

      // Ten units arrive for every product and are assigned to its ten waiting backorders: every
      // order can ship. Seeded as the assignment leaves it.
      const t2 = performance.now();
      const arrived = await seedArrival(handle, idaccount, idwarehouse, products, 10);
      await analyze(handle);
      console.log(
        `seeded 10 units for each of ${arrived.toLocaleString('en-US')} products in ${seconds(t2).toFixed(1)} s`,
      );
      s = performance.now();
      created = await api('POST', '/backorders/process');
      const secs = seconds(s);
      const units = created.reduce((sum, p) => sum + p.totalproducts, 0);
      console.log(
        `POST /backorders/process, ${many.toLocaleString('en-US')} waiting, all available: ${secs.toFixed(2)} s, ` +
          `${created.length} picklists, ${units} units (${((secs * 1000) / units).toFixed(3)} ms per backorder processed)`,
      );
      if (created.length !== n / 10 || units !== n)
        throw new Error(`expected ${n / 10} picklists of ${n} units, got ${created.length} of ${units}`);
      const problems = await reconcile(handle.db, idaccount);
      if (problems.length > 0)
        throw new Error(`counters disagree with the ledger: ${problems.slice(0, 5).join('; ')}`);
      return secs;
    } finally {
      await app.close();
    }
  } finally {
    await handle.close();
    await tmp.drop();
  }
}

/** Puts `units` of each product in stock and assigns them to the head of the product's queue. */
async function seedArrival(
  handle: DatabaseHandle,
  idaccount: number,
  idwarehouse: number,
  products: number[],
  units: number,
) {
  for (let i = 0; i < products.length; i += CHUNK) {
    const chunk = products.slice(i, i + CHUNK);
    await handle.db
      .updateTable('stock_levels')
      .set((eb) => ({ stock: eb('stock', '+', units) }))
      .where('idaccount', '=', idaccount)
      .where('idwarehouse', '=', idwarehouse)
      .where('idproduct', 'in', chunk)
      .execute();
    await handle.db
      .updateTable('location_stock')
      .set((eb) => ({ stock: eb('stock', '+', units) }))
      .where('idaccount', '=', idaccount)
      .where('idwarehouse', '=', idwarehouse)
      .where('slot', '=', 0)
      .where('idproduct', 'in', chunk)
      .execute();
    await handle.db
      .insertInto('stock_history')
      .values(
        chunk.map((idproduct) => ({
          idaccount,
          idproduct,
          idwarehouse,
          idlocation: null,
          old_stock: 0,
          stock_change: units,
          new_stock: units,
          location_old_stock: 0,
          location_stock_change: units,
          location_new_stock: units,
          reason: 'bench',
          change_type: 'api',
          reference_type: null,
          reference_id: null,
          changed_at: AT,
        })),
      )
      .execute();
    await handle.db
      .updateTable('backorders')
      .set({ amount_available: 1 })
      .where('idaccount', '=', idaccount)
      .where('idwarehouse', '=', idwarehouse)
      .where('priority', '<=', units)
      .where('idproduct', 'in', chunk)
      .execute();
  }
  return products.length;
}
