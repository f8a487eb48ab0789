/**
 * Backorder estimates (docs/adr/0010): what refreshing the stored estimates of a queue before the
 * commit costs. 10,000 backorders of 1 wait for one product (10 orders of 1,000 lines, through the
 * services); timed: a stock change (+1, then -1) with no purchase order, with one covering the first
 * 100 backorders and with one covering all 10,000, and the delivery date change of those purchase
 * orders (100 and 10,000 estimates move, each with its events). `npm run bench -- estimates`.
 */
import { migrateToLatest } from '../src/db/migrate.ts';
import { createServices } from '../src/services.ts';
import { benchConfig, median, tempDatabase, type BenchEngine } from './lib.ts';

export async function run(engine: BenchEngine): Promise<void> {
  const tmp = await tempDatabase(engine);
  const handle = tmp.connect({ sqliteSynchronous: 'NORMAL', pgPoolSize: 10 });
  try {
    await migrateToLatest(handle);
    const services = createServices({ handle, config: benchConfig });
    const { idaccount } = await services.accounts.createAccount(`bench-estimates-${Date.now()}`);
    const { idwarehouse } = await services.catalog.createWarehouse(idaccount, { name: 'Bench' });
    const { idsupplier } = await services.catalog.createSupplier(idaccount, { name: 'Supplier' });
    const product = async (productcode: string) =>
      (await services.catalog.createProduct(idaccount, { productcode, name: productcode, price: 1 }))
        .idproduct;
    const [hot, cold] = [await product('HOT'), await product('COLD')];
    const t0 = performance.now();
    for (let k = 0; k < 10; k++) {
      const o = await services.orders.create(idaccount, {
        products: Array.from({ length: 1000 }, () => ({ idproduct: hot, amount: 1 })),
      });
      await services.orders.process(idaccount, o.idorder);
    }
    console.log(
      `seeded 10,000 waiting backorders of one product in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const change = async (idproduct: number, n: number) => {
      const times: number[] = [];
      for (let i = 0; i < n; i++)
        for (const by of [1, -1]) {
          const s = performance.now();
          await services.stock.changeStock(idaccount, idproduct, idwarehouse, {
            change: by,
            reason: 'bench',
          });
          times.push(performance.now() - s);
        }
      return median(times);
    };
    await services.stock.changeStock(idaccount, cold, idwarehouse, { change: 100, reason: 'bench' });
    await change(cold, 5);
    const line = (label: string, ms: number) => console.log(`${label.padEnd(66)} median ${ms.toFixed(2)} ms`);
    line('stock change, product without backorders', await change(cold, 15));
    line('stock change, 10,000 waiting, no purchase order', await change(hot, 15));

    for (const covered of [100, 10_000]) {
      const po = await services.purchasing.create(idaccount, {
        idsupplier,
        idwarehouse,
        delivery_date: '2030-01-01',
        products: [{ idproduct: hot, amount: covered }],
      });
      let s = performance.now();
      await services.purchasing.markPurchased(idaccount, po.idpurchaseorder);
      line(`mark-as-purchased covering ${covered} (${covered} estimates set)`, performance.now() - s);
      line(`stock change, 10,000 waiting, a purchase order covers ${covered}`, await change(hot, 15));
      s = performance.now();
      await services.purchasing.update(idaccount, po.idpurchaseorder, { delivery_date: '2030-02-01' });
      line(`delivery date later (${covered} estimates, ${2 * covered} events)`, performance.now() - s);
      await services.purchasing.cancel(idaccount, po.idpurchaseorder);
    }
  } finally {
    await handle.close();
    await tmp.drop();
  }
}
