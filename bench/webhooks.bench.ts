/**
 * Webhooks: what the outbox fan-out costs a write, and how fast a worker empties the queue into a
 * local receiver. `npm run bench -- webhooks`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { migrateToLatest } from '../src/db/migrate.ts';
import { withTransaction } from '../src/db/transaction.ts';
import { createServices, type Services } from '../src/services.ts';
import { benchConfig, tempDatabase, type BenchEngine } from './lib.ts';

async function emitMany(services: Services, idaccount: number, n: number): Promise<number> {
  const started = performance.now();
  for (let i = 1; i <= n; i++) {
    await withTransaction(services.handle, (trx) =>
      services.events.emit(trx, idaccount, 'orders.created', 'order', i, { idorder: i }),
    );
  }
  return performance.now() - started;
}

export async function run(engine: BenchEngine): Promise<void> {
  const tmp = await tempDatabase(engine);
  const handles = [0, 1].map(() => tmp.connect({ sqliteSynchronous: 'NORMAL' }));
  let received = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
  try {
    await migrateToLatest(handles[0]!);
    const [a, b] = handles.map((handle) => createServices({ handle, config: benchConfig })) as [
      Services,
      Services,
    ];
    const n = 1000;

    const plain = await a.accounts.createAccount('bench-no-hooks');
    await emitMany(a, plain.idaccount, 200); // warm-up
    const noHooks = await emitMany(a, plain.idaccount, n);
    const hooked = await a.accounts.createAccount('bench-hooks');
    for (const name of ['one', 'two'])
      await a.webhooks.create(hooked.idaccount, { name, event: 'orders.created', address: url, secret: 's' });
    const withHooks = await emitMany(a, hooked.idaccount, n);
    console.log(
      `emit, one event per transaction: ${((n / noHooks) * 1000).toFixed(0)}/s without hooks, ` +
        `${((n / withHooks) * 1000).toFixed(0)}/s with 2 hooks (${((withHooks - noHooks) / n).toFixed(3)} ms per event for the fan-out)`,
    );

    const options = { idaccounts: [hooked.idaccount], batchSize: 20, concurrency: 4 };
    const drain = async (w: ReturnType<Services['webhooks']['createWorker']>) => {
      let total = 0;
      for (let k = await w.runOnce(); k > 0; k = await w.runOnce()) total += k;
      return total;
    };
    let started = performance.now();
    // Half of the 2n deliveries with one worker...
    const one = a.webhooks.createWorker({ ...options, batchSize: 20 });
    let sent = 0;
    while (sent < n) sent += await one.runOnce();
    const oneMs = performance.now() - started;
    console.log(`deliveries, 1 worker (batch 20, 4 at a time): ${((sent / oneMs) * 1000).toFixed(0)}/s`);
    // ...the other half with two workers, each with its own connection pool.
    started = performance.now();
    const two = (await Promise.all([drain(one), drain(b.webhooks.createWorker(options))])).reduce(
      (x, y) => x + y,
    );
    const twoMs = performance.now() - started;
    console.log(
      `deliveries, 2 workers: ${((two / twoMs) * 1000).toFixed(0)}/s; receiver got ${received} of ${2 * n}`,
    );
  } finally {
    await new Promise<void>((r) => receiver.close(() => r()));
    for (const h of handles) await h.close();
    await tmp.drop();
  }
}
