import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { reconcile } from '../src/modules/stock/stock.reconcile.ts';
import { engines, startTestApp } from './harness.ts';
import {
  arrange,
  call,
  errorsLogged,
  FULL,
  site,
  sleep,
  startServer,
  type Answer,
  type Server,
  type Site,
} from './reliability-harness.ts';
import { backordered, product, shop } from './lifecycle-fixtures.ts';
import { stockSetup, type StockSetup } from './stock-fixtures.ts';

/**
 * The reliability suite (README "Reliability"): real server processes killed and stopped under load.
 * Short form by default (part of npm test); RELIABILITY=full (npm run test:reliability) runs the
 * issue's counts: 20 kills per engine, 10,000 malformed requests.
 */
const KILLS = FULL ? 20 : 2;
const MALFORMED = FULL ? 10_000 : 1_500;
const WORKERS = 6;

const stockUrl = (s: StockSetup) => `/products/${s.idproduct}/stock/${s.idwarehouse}`;

/** History reasons of the product and the reconcile problems of the account, read with the server down. */
async function check(st: Site, idaccount: number, idproduct: number) {
  const handle = st.open();
  try {
    const rows = await handle.db
      .selectFrom('stock_history')
      .select(['reason'])
      .where('idaccount', '=', idaccount)
      .where('idproduct', '=', idproduct)
      .execute();
    const level = await handle.db
      .selectFrom('stock_levels')
      .select(['stock'])
      .where('idaccount', '=', idaccount)
      .where('idproduct', '=', idproduct)
      .executeTakeFirst();
    return {
      reasons: rows.map((r) => r.reason),
      stock: level?.stock ?? 0,
      problems: await reconcile(handle.db, idaccount),
    };
  } finally {
    await handle.close();
  }
}

/** Writers that add 1 with a unique reason until stopped; acknowledged reasons are collected. */
function writeLoad(
  server: Server,
  apikey: string,
  s: StockSetup,
  prefix: string,
  options: { key?: boolean } = {},
) {
  let stop = false;
  const acked: string[] = [];
  const unanswered: string[] = [];
  let n = 0;
  const worker = async (w: number) => {
    while (!stop) {
      const reason = `${prefix}-${w}-${n++}`;
      const res = await call(
        server.url,
        apikey,
        'POST',
        stockUrl(s),
        { idlocation: null, change: 1, reason },
        options.key ? { 'idempotency-key': reason } : {},
      );
      if (res === undefined || res.status >= 500 || res.status === 503) {
        unanswered.push(reason);
        if (res === undefined) return; // the server is gone
        continue;
      }
      assert.equal(res.status, 200, JSON.stringify(res.body));
      acked.push(reason);
    }
  };
  const running = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  return {
    acked,
    unanswered,
    async stop() {
      stop = true;
      await running;
    },
    done: running,
  };
}

for (const engine of engines) {
  describe(`reliability [${engine.name}]`, { concurrency: false }, () => {
    test(`(a) when the server is SIGKILLed ${KILLS} times under write load, then every acknowledged write is present and reconcile is clean`, async () => {
      const st = site(engine);
      try {
        const { apikey, idaccount, data: s } = await arrange(st, (c) => stockSetup(c, []));
        const acked: string[] = [];
        for (let kill = 0; kill < KILLS; kill++) {
          const server = await startServer(st);
          const load = writeLoad(server, apikey, s, `a${kill}`);
          await sleep(300 + Math.random() * 700);
          server.child.kill('SIGKILL');
          await server.exited;
          await load.done;
          acked.push(...load.acked);
        }
        const after = await check(st, idaccount, s.idproduct);
        const present = new Set(after.reasons);
        assert.ok(acked.length > 0, 'no write was acknowledged');
        for (const reason of acked) assert.ok(present.has(reason), `acknowledged ${reason} is lost`);
        assert.equal(after.stock, after.reasons.length, 'stock is not the sum of its history');
        assert.deepEqual(after.problems, []);
      } finally {
        st.remove();
      }
    });

    test(`(b) when every write has an Idempotency-Key and the server is killed mid-request ${KILLS} times, then each retried key has exactly one effect and none is stuck`, async () => {
      const st = site(engine);
      try {
        const { apikey, idaccount, data: s } = await arrange(st, (c) => stockSetup(c, []));
        const all: string[] = [];
        for (let kill = 0; kill < KILLS; kill++) {
          let server = await startServer(st);
          const load = writeLoad(server, apikey, s, `b${kill}`, { key: true });
          await sleep(300 + Math.random() * 700);
          server.child.kill('SIGKILL');
          await server.exited;
          await load.done;
          all.push(...load.acked, ...load.unanswered);
          // After the restart every request the crash left unanswered is retried with its key until
          // it gets a final answer (a 409 "in progress" of the dead process passes within seconds).
          server = await startServer(st);
          const retries = [...load.unanswered, ...load.acked.slice(-3)];
          for (const reason of retries) {
            let answer: Answer | undefined;
            for (let attempt = 0; attempt < 40; attempt++) {
              answer = await call(
                server.url,
                apikey,
                'POST',
                stockUrl(s),
                { idlocation: null, change: 1, reason },
                { 'idempotency-key': reason },
              );
              if (answer?.status !== 409) break;
              await sleep(500);
            }
            assert.equal(answer?.status, 200, `${reason} is stuck: ${JSON.stringify(answer?.body)}`);
            assert.equal(answer.body.idwarehouse, s.idwarehouse, JSON.stringify(answer.body));
          }
          server.child.kill('SIGKILL');
          await server.exited;
        }
        const after = await check(st, idaccount, s.idproduct);
        const counts = new Map<string, number>();
        for (const r of after.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
        for (const reason of all)
          assert.equal(counts.get(reason) ?? 0, 1, `${reason} took effect ${counts.get(reason) ?? 0} times`);
        assert.equal(after.reasons.length, all.length);
        assert.deepEqual(after.problems, []);
      } finally {
        st.remove();
      }
    });

    test('(d) when SIGTERM arrives under write load and during POST /backorders/process, then the process drains, exits 0, logs no error and loses no acknowledged write', async () => {
      const st = site(engine);
      try {
        const { apikey, idaccount, data } = await arrange(st, async (c) => {
          const s = await stockSetup(c, []);
          const sh = await shop(c);
          const waiting = await product(c, 'Waiting');
          for (let i = 0; i < 30; i++) await backordered(c, sh, waiting, 1);
          return { s, sh, waiting };
        });
        const { s } = data;
        const server = await startServer(st);
        const load = writeLoad(server, apikey, s, 'd');
        await sleep(300 + Math.random() * 300);
        // Stock for the waiting backorders, then process them all: SIGTERM lands while it runs.
        const stocked = await call(
          server.url,
          apikey,
          'POST',
          `/products/${data.waiting}/stock/${data.sh.idwarehouse}`,
          {
            idlocation: null,
            change: 30,
            reason: 'arrived',
          },
        );
        assert.equal(stocked?.status, 200, JSON.stringify(stocked?.body));
        const ready = await fetch(`${server.url}/ready`);
        assert.equal(ready.status, 200);
        const long = call(server.url, apikey, 'POST', '/backorders/process', {});
        await sleep(20);
        server.child.kill('SIGTERM');
        const code = await server.exited;
        await load.stop();
        const longAnswer = await long;
        assert.equal(code, 0, server.output.concat(server.stderr).join('\n'));
        assert.deepEqual(errorsLogged(server), []);
        // Sent before the signal, so the drain answers it.
        assert.equal(longAnswer?.status, 200, JSON.stringify(longAnswer?.body));
        const after = await check(st, idaccount, s.idproduct);
        const present = new Set(after.reasons);
        assert.ok(load.acked.length > 0);
        for (const reason of load.acked) assert.ok(present.has(reason), `acknowledged ${reason} is lost`);
        assert.deepEqual(after.problems, []);
      } finally {
        st.remove();
      }
    });

    test(`(c) when ${MALFORMED} generated malformed requests hit every route of the OpenAPI document, then no 5xx and nothing changes`, async () => {
      const t = await startTestApp(engine);
      try {
        const c = await t.newClient();
        const s = await stockSetup(c);
        await c.expect(200, 'POST', stockUrl(s), { idlocation: s.loc.L1, change: 5, reason: 'seed' });
        const snapshot = async () =>
          JSON.stringify(
            await Promise.all(
              [
                'stock_levels',
                'stock_history',
                'products',
                'warehouses',
                'locations',
                'orders',
                'backorders',
                'picklists',
                'purchaseorders',
                'receipts',
                'events',
                'webhooks',
              ].map(async (table) =>
                t.handle.db
                  .selectFrom(table as 'products')
                  .selectAll()
                  .where('idaccount', '=', c.idaccount)
                  .execute()
                  .catch(() => `no table ${table}`),
              ),
            ),
          );
        const before = await snapshot();
        const requests = malformedRequests(t.app.swagger() as OpenApi, MALFORMED);
        const fives: string[] = [];
        for (const r of requests) {
          const res = await c.request(r.method, r.url, r.body, r.headers);
          if (res.status >= 500)
            fives.push(
              `${r.method} ${r.url} ${String(r.body).slice(0, 80)} -> ${res.status} ${res.raw.slice(0, 200)}`,
            );
        }
        assert.deepEqual(fives.slice(0, 10), []);
        assert.equal(await snapshot(), before, 'a malformed request changed the data');
      } finally {
        await t.close();
      }
    });
  });
}

/** (e) needs Redis: TEST_REDIS_URL, else the local one when it answers. */
async function redisUrl(): Promise<string | undefined> {
  const url = process.env.TEST_REDIS_URL ?? process.env.RATE_LIMIT_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
    return url;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

test('(e) when two processes share a limit of 60 a minute through Redis, then 60 requests of one key pass, the rest get 429, and failed authentications count across both', async (t) => {
  const url = await redisUrl();
  if (!url)
    return t.skip('Redis does not answer (set TEST_REDIS_URL or run ../shared/scripts/ensure-redis.sh)');
  const engine = engines.find((e) => e.name === 'postgres') ?? engines[0]!;
  const st = site(engine);
  const env = {
    RATE_LIMIT_PER_MINUTE: '60',
    AUTH_FAILURES_PER_MINUTE: '3',
    RATE_LIMIT_REDIS_URL: url,
    // One prefix per run: runs (and engineers) sharing the Redis do not count against each other.
    RATE_LIMIT_REDIS_PREFIX: `stockroom-test:${process.pid}:${Date.now()}:`,
  };
  try {
    const { apikey } = await arrange(st, async () => undefined);
    const servers = [await startServer(st, env), await startServer(st, env)];
    try {
      const answers: number[] = [];
      for (let i = 0; i < 120; i++)
        answers.push((await call(servers[i % 2]!.url, apikey, 'GET', '/warehouses'))?.status ?? 0);
      assert.equal(answers.filter((a) => a === 200).length, 60, answers.join(','));
      assert.equal(answers.filter((a) => a === 429).length, 60, answers.join(','));
      // The failed-auth counters share the store: 3 failures spread over both, the 4th is refused.
      const failures: number[] = [];
      for (let i = 0; i < 4; i++)
        failures.push((await call(servers[i % 2]!.url, `wrong-${i}`, 'GET', '/warehouses'))?.status ?? 0);
      assert.deepEqual(failures, [401, 401, 401, 429]);
    } finally {
      for (const server of servers) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
  } finally {
    st.remove();
  }
});

// ---- (c): generated malformed requests over the OpenAPI document ----

interface OpenApiOperation {
  parameters?: { in: string; name: string; schema?: { type?: string } }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, OpenApiOperation>>;
}
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

const BAD_IDS = [
  '0',
  '-1',
  '0x10',
  '1e1',
  '+1',
  '01',
  '%201',
  '1.5',
  'abc',
  '99999999999999999999',
  '2147483648',
  'null',
  '%00',
  "1'--",
  '[1]',
];
const BAD_VALUES: unknown[] = [
  null,
  true,
  -1,
  1.5,
  1e21,
  -1e21,
  'x'.repeat(5000),
  '',
  '\u0000',
  [],
  {},
  [1, 2],
  { a: { b: { c: 1 } } },
  '2024-13-45',
  'NaN',
];

/** A deterministic generator (no Math.random), so a failure can be replayed. */
function* rng(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2147483648;
    yield x;
  }
}

function malformedRequests(doc: OpenApi, count: number) {
  const ops: { method: string; path: string; op: OpenApiOperation }[] = [];
  for (const [p, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods))
      ops.push({ method: method.toUpperCase(), path: p, op });
  const random = rng(9);
  const pick = <T>(xs: readonly T[]): T => xs[random.next().value % xs.length]!;
  const out: { method: string; url: string; body?: unknown; headers: Record<string, string> }[] = [];
  for (let i = 0; out.length < count; i++) {
    const { method, path: p, op } = ops[i % ops.length]!;
    const hasPathParams = p.includes('{');
    // Path ids are malformed or ids no account has; routes without ids get malformed bodies only.
    const url = p.replace(/\{[^}]+\}/g, () => (random.next().value % 4 === 0 ? '2147483647' : pick(BAD_IDS)));
    const query = (op.parameters ?? [])
      .filter((q) => q.in === 'query')
      .map((q) => `${encodeURIComponent(q.name)}=${encodeURIComponent(String(pick(BAD_VALUES)))}`);
    const withQuery = query.length > 0 && random.next().value % 2 === 0 ? `${url}?${query.join('&')}` : url;
    const schema = op.requestBody?.content?.['application/json']?.schema;
    let body: unknown;
    if (method !== 'GET' && method !== 'DELETE') {
      const props = Object.keys(schema?.properties ?? {});
      const kind = random.next().value % 5;
      if (kind === 0) body = '{"unterminated": ';
      else if (kind === 1)
        body = JSON.stringify(pick(BAD_VALUES.filter((v) => typeof v !== 'object' || Array.isArray(v))));
      else if (props.length > 0)
        body = JSON.stringify({ [pick(props)]: pick(BAD_VALUES), [pick(props)]: pick(BAD_VALUES) });
      else body = JSON.stringify({ unexpected_field: pick(BAD_VALUES) });
      // A route without ids must not get a body that is valid by chance: only broken JSON or a non-object.
      if (!hasPathParams && kind >= 2)
        body = kind === 2 ? '{"a":1}}' : JSON.stringify(pick([1, 'x', true, [1], null]));
    }
    out.push({
      method,
      url: withQuery,
      body,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
    });
  }
  return out;
}
