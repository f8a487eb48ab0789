/**
 * Expected availability (date_available) of 100,000 open backorders of one product and warehouse
 * against 10,000 open purchase order lines: the pure computation, and on the engine the supply
 * query it runs on (10,000 lines of purchased orders). `npm run bench -- expected`.
 */
import { sql } from 'kysely';
import { migrateToLatest } from '../src/db/migrate.ts';
import { expectedAvailability, type QueuedBackorder, type SupplyLine } from '../src/domain/expected-dates.ts';
import { formatDate } from '../src/domain/time.ts';
import { supplyFor } from '../src/modules/purchasing/purchasing.repository.ts';
import { median, tempDatabase, type BenchEngine } from './lib.ts';

const BACKORDERS = 100_000;
const LINES = 10_000;

/** A deterministic generator, so every run measures the same data. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function data() {
  const rnd = random(42);
  const queue: QueuedBackorder[] = Array.from({ length: BACKORDERS }, (_, i) => {
    const amount = 1 + Math.floor(rnd() * 5);
    return { idbackorder: i + 1, amount, amount_available: rnd() < 0.1 ? Math.floor(rnd() * amount) : 0 };
  });
  const day0 = Date.UTC(2030, 0, 1);
  const supply: SupplyLine[] = Array.from({ length: LINES }, (_, i) => ({
    idpurchaseorder: 1 + Math.floor(i / 100),
    idpurchaseorder_product: i + 1,
    open: 1 + Math.floor(rnd() * 40),
    // 5% of the lines have no expected date at all.
    date: rnd() < 0.05 ? null : formatDate(new Date(day0 + Math.floor(rnd() * 365) * 86_400_000)),
  }));
  return { queue, supply };
}

function measurePure(): string {
  const { queue, supply } = data();
  for (let i = 0; i < 3; i++) expectedAvailability(queue, supply); // warm-up
  const times: number[] = [];
  let covered = 0;
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    const result = expectedAvailability(queue, supply);
    times.push(performance.now() - t0);
    covered = [...result.values()].filter((r) => r.is_purchased).length;
  }
  return (
    `pure computation, ${BACKORDERS} backorders x ${LINES} lines: median ${median(times).toFixed(1)} ms, ` +
    `min ${Math.min(...times).toFixed(1)} ms (${covered} backorders covered)`
  );
}

async function measureSupplyQuery(engine: BenchEngine): Promise<string> {
  const tmp = await tempDatabase(engine);
  const handle = tmp.connect({ sqliteSynchronous: 'NORMAL' });
  try {
    await migrateToLatest(handle);
    const db = handle.db;
    const now = '2030-01-01 00:00:00';
    const { idaccount } = await db
      .insertInto('accounts')
      .values({ name: `bench-expected-${Date.now()}`, created_at: now })
      .returning('idaccount')
      .executeTakeFirstOrThrow();
    const { idwarehouse } = await db
      .insertInto('warehouses')
      .values({
        idaccount,
        name: 'Main',
        accept_orders: 1,
        counts_for_general_stock: 1,
        priority: 1,
        active: 1,
        created: now,
        updated: now,
      })
      .returning('idwarehouse')
      .executeTakeFirstOrThrow();
    const { idproduct } = await db
      .insertInto('products')
      .values({
        idaccount,
        productcode: `bench-${Date.now()}`,
        name: 'Bench',
        price: 1,
        fixedstockprice: null,
        idsupplier: null,
        productcode_supplier: null,
        type: 'normal',
        active: 1,
        barcode: null,
        weight: null,
        description: null,
        created: now,
        updated: now,
      })
      .returning('idproduct')
      .executeTakeFirstOrThrow();
    const { supply } = data();
    // Direct inserts: the benchmark measures the read, not 10,000 API calls.
    for (let po = 0; po < LINES / 100; po++) {
      const { idpurchaseorder } = await db
        .insertInto('purchaseorders')
        .values({
          idaccount,
          purchaseorderid: String(po),
          idsupplier: null,
          supplier_name: 'Bench',
          supplier_orderid: null,
          idwarehouse,
          idtemplate: null,
          status: 'purchased',
          remarks: null,
          delivery_date: '2030-06-01',
          language: 'en',
          purchased_at: now,
          completed_at: null,
          created: now,
          updated: now,
        })
        .returning('idpurchaseorder')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('purchaseorder_products')
        .values(
          supply.slice(po * 100, po * 100 + 100).map((s) => ({
            idaccount,
            idpurchaseorder,
            idproduct,
            price: 1,
            amount: s.open,
            amountreceived: 0,
            delivery_date: s.date,
            added_by_receipt: 0,
          })),
        )
        .execute();
    }
    // Fresh tables have no statistics yet; a live database has them (autovacuum analyzes).
    await sql`analyze`.execute(db);
    await supplyFor(db, idaccount, idproduct, idwarehouse);
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      rows = (await supplyFor(db, idaccount, idproduct, idwarehouse)).length;
      times.push(performance.now() - t0);
    }
    return `supply query on ${engine.name}, ${rows} open lines: median ${median(times).toFixed(1)} ms`;
  } finally {
    await handle.close();
    await tmp.drop();
  }
}

export async function run(engine: BenchEngine): Promise<void> {
  console.log(measurePure());
  console.log(await measureSupplyQuery(engine));
}
