import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { withTransaction } from '../src/db/transaction.ts';
import { createAddressGuard } from '../src/modules/webhooks/webhooks.guard.ts';
import type { WebhookWorker, WebhookWorkerOptions } from '../src/modules/webhooks/webhooks.worker.ts';
import { runBackground, startBackground } from '../src/background.ts';
import type { Config } from '../src/config.ts';
import { describeEngines, type Client } from './harness.ts';
import { expectedSignature, Receiver } from './webhooks-receiver.ts';

// A fake clock: retries are scheduled in seconds, so tests move time instead of waiting.
let nowMs = Date.parse('2024-03-01T10:00:00Z');
const clock = () => new Date(nowMs);
const advance = (seconds: number) => {
  nowMs += seconds * 1000;
};

describeEngines(
  'webhooks',
  (t) => {
    const receiver = new Receiver();
    before(async () => {
      await receiver.start();
    });
    after(async () => {
      await receiver.stop();
    });

    /** Events as other modules write them: inside a transaction, through the outbox. */
    async function emit(c: Client, n: number, event = 'orders.created', firstId = 1): Promise<number[]> {
      await withTransaction(t().handle, async (trx) => {
        for (let i = 0; i < n; i++) {
          const id = firstId + i;
          await t().services.events.emit(trx, c.idaccount, event, 'order', id, { idorder: id, n: i });
        }
      });
      // The ids the outbox gave them (written at commit): the account's newest n, in order.
      const rows = await t()
        .handle.db.selectFrom('events')
        .select('idevent')
        .where('idaccount', '=', c.idaccount)
        .orderBy('idevent', 'desc')
        .limit(n)
        .execute();
      return rows.map((r) => r.idevent).reverse();
    }

    const worker = (c: Client, options: WebhookWorkerOptions = {}): WebhookWorker =>
      t().services.webhooks.createWorker({
        idaccounts: [c.idaccount],
        retrySchedule: [15, 30, 60],
        timeoutMs: 2000,
        ...options,
      });

    /** Runs rounds until nothing is due now; returns the deliveries claimed. */
    async function drain(w: WebhookWorker): Promise<number> {
      let total = 0;
      for (let n = await w.runOnce(); n > 0; n = await w.runOnce()) total += n;
      return total;
    }

    /** A fresh receiver path per test, so each test reads only its own requests. */
    let pathNo = 0;
    async function hookFor(c: Client, body: Record<string, unknown> = {}) {
      const path = `/hook-${++pathNo}`;
      const hook = await c.expect(201, 'POST', '/hooks', {
        name: 'test hook',
        event: 'orders.created',
        address: receiver.url(path),
        ...body,
      });
      const requests = () => receiver.requests.filter((r) => r.json?.idhook === hook.idhook);
      return { hook, path, requests };
    }

    test('when a hook is created, then it is listed and shown without its secret', async () => {
      const c = await t().newClient();
      const created = await c.expect(201, 'POST', '/hooks', {
        name: 'Orders to ERP',
        event: 'orders.created',
        address: receiver.url('/erp'),
        secret: 's3cret',
      });
      assert.deepEqual(created, {
        idhook: created.idhook,
        name: 'Orders to ERP',
        event: 'orders.created',
        address: receiver.url('/erp'),
        active: true,
        secret: true,
      });
      assert.doesNotMatch(JSON.stringify(await c.get('/hooks')), /s3cret/);
      assert.deepEqual(await c.expect(200, 'GET', `/hooks/${created.idhook}`), created);
      const plain = await c.expect(201, 'POST', '/hooks', {
        name: 'no secret',
        event: 'picklists.created',
        address: receiver.url('/x'),
      });
      assert.equal(plain.secret, false);
      assert.deepEqual(
        (await c.expect(200, 'GET', '/hooks')).map((h: any) => h.idhook),
        [created.idhook, plain.idhook],
      );
    });

    test('when a hook has an unknown event or a bad or private address, then 400 and nothing is created', async () => {
      const c = await t().newClient();
      const base = { name: 'x', event: 'orders.created', address: receiver.url() };
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ event: 'orders.exploded' }, /event "orders.exploded" is unknown; use one of: .*orders.created/],
        [{ address: 'not a url' }, /not a URL/],
        [{ address: 'ftp://example.com/x' }, /http:\/\/ or https:\/\//],
        [{ address: 'http://10.1.2.3/hook' }, /10\.1\.2\.3 is a private address.*WEBHOOK_ALLOWED_HOSTS/],
        [{ address: 'http://169.254.169.254/latest/meta-data' }, /link-local/],
        [{ address: 'http://[::1]:8080/' }, /loopback/],
        [{ address: 'http://[fd00::1]/' }, /unique-local/],
        [{ address: 'http://0.0.0.0/' }, /unspecified/],
        [{ address: 'http://127.0.0.2/' }, /loopback/],
        [{ address: 'http://[::ffff:192.168.0.1]/' }, /private/],
        [{ name: '  ' }, /name must not be empty/],
      ];
      for (const [change, message] of cases) {
        const res = await c.post('/hooks', { ...base, ...change });
        assert.equal(res.status, 400, JSON.stringify(change));
        assert.match(res.body.error_message, message);
      }
      const missing = await c.post('/hooks', { name: 'x', event: 'orders.created' });
      assert.equal(missing.status, 400);
      assert.deepEqual(await c.expect(200, 'GET', '/hooks'), []);
    });

    test("when a hook is another account's, deleted or unknown, then 404", async () => {
      const c = await t().newClient();
      const other = await t().newClient();
      const { hook } = await hookFor(c);
      for (const [method, url] of [
        ['GET', `/hooks/${hook.idhook}`],
        ['DELETE', `/hooks/${hook.idhook}`],
        ['POST', `/hooks/${hook.idhook}/reactivate`],
        ['GET', `/hooks/${hook.idhook}/deliveries`],
      ] as const) {
        assert.equal((await other.request(method, url)).status, 404, `${method} ${url}`);
      }
      assert.equal((await c.get('/hooks/999999')).status, 404);
      await c.expect(204, 'DELETE', `/hooks/${hook.idhook}`);
      assert.equal((await c.get(`/hooks/${hook.idhook}`)).status, 404);
      assert.equal((await c.del(`/hooks/${hook.idhook}`)).status, 404);
      assert.equal((await c.post(`/hooks/${hook.idhook}/reactivate`)).status, 404);
      assert.deepEqual(await c.expect(200, 'GET', '/hooks'), []);
    });

    test('when an event is delivered to a hook with a secret, then the body is the Picqer envelope and the signature verifies', async () => {
      const c = await t().newClient();
      const { hook, requests } = await hookFor(c, { name: 'Signed', secret: 'topsecret' });
      const at = clock().toISOString().slice(0, 19).replace('T', ' ');
      const [idevent] = await emit(c, 1);
      assert.equal(await drain(worker(c)), 1);
      const [got] = requests();
      assert.ok(got, 'the receiver got the delivery');
      assert.equal(requests().length, 1);
      assert.deepEqual(got.json, {
        idhook: hook.idhook,
        name: 'Signed',
        event: 'orders.created',
        event_triggered_at: at,
        data: { idorder: 1, n: 0 },
      });
      assert.equal(got.headers['x-picqer-signature'], expectedSignature(got.body, 'topsecret'));
      assert.notEqual(got.headers['x-picqer-signature'], expectedSignature(got.body, 'wrong'));
      assert.equal(got.headers['content-type'], 'application/json');
      assert.equal(got.headers['user-agent'], 'Stockroom-Webhooks');
      assert.equal(got.headers['x-stockroom-event'], String(idevent));

      const [delivery] = await c.expect(200, 'GET', `/hooks/${hook.idhook}/deliveries`);
      assert.equal(delivery.status, 'delivered');
      assert.equal(delivery.idevent, idevent);
      assert.equal(delivery.event, 'orders.created');
      assert.equal(delivery.next_attempt_at, null);
      assert.equal(delivery.attempts.length, 1);
      assert.equal(delivery.attempts[0].success, true);
      assert.equal(delivery.attempts[0].status_code, 200);
      assert.equal(delivery.attempts[0].response_body, 'answer 200');
      assert.equal(delivery.attempts[0].error, null);
    });

    test('when a hook has no secret, then no signature header is sent', async () => {
      const c = await t().newClient();
      const { requests } = await hookFor(c);
      await emit(c, 1);
      await drain(worker(c));
      assert.equal(requests().length, 1);
      assert.equal(requests()[0]!.headers['x-picqer-signature'], undefined);
    });

    test('when events of several kinds and accounts happen, then a hook gets only its own event of its own account, in order', async () => {
      const c = await t().newClient();
      const other = await t().newClient();
      const { requests } = await hookFor(c);
      const picklists = await hookFor(c, { event: 'picklists.created' });
      await emit(c, 5, 'orders.created');
      await emit(c, 2, 'orders.closed');
      await emit(other, 3, 'orders.created');
      await drain(worker(c));
      assert.deepEqual(
        requests().map((r) => r.json.data.idorder),
        [1, 2, 3, 4, 5],
      );
      assert.equal(picklists.requests().length, 0);
    });

    test('when stock changes through the API, then a products.stock_changed hook receives the change', async () => {
      const c = await t().newClient();
      const { requests } = await hookFor(c, { event: 'products.stock_changed', secret: 'k' });
      const { idwarehouse } = await c.expect(201, 'POST', '/warehouses', { name: 'Main' });
      const { idproduct } = await c.expect(201, 'POST', '/products', {
        productcode: 'HOOK-1',
        name: 'Hooked',
      });
      await c.expect(200, 'POST', `/products/${idproduct}/stock/${idwarehouse}`, {
        change: 5,
        reason: 'count',
      });
      await drain(worker(c));
      assert.equal(requests().length, 1);
      const [got] = requests();
      assert.equal(got!.json.event, 'products.stock_changed');
      assert.equal(got!.headers['x-picqer-signature'], expectedSignature(got!.body, 'k'));
      assert.ok(got!.body.includes(`"idproduct":${idproduct}`), got!.body);
      await t().assertLedger(c);
    });

    test('when the receiver fails, then the delivery is retried by the schedule until it succeeds, with every attempt shown', async () => {
      const c = await t().newClient();
      const { hook, requests } = await hookFor(c);
      await emit(c, 1);
      const w = worker(c);
      receiver.failNext(2, 503);
      assert.equal(await drain(w), 1);
      let [d] = await c.expect(200, 'GET', `/hooks/${hook.idhook}/deliveries`);
      assert.equal(d.status, 'pending');
      assert.equal(d.attempts.length, 1);
      const firstTry = d.attempts[0].attempted_at;
      assert.equal(d.attempts[0].status_code, 503);
      assert.match(d.attempts[0].error, /HTTP 503/);
      // The first retry comes 15 s later, not before.
      advance(14);
      assert.equal(await drain(w), 0);
      advance(1);
      assert.equal(await drain(w), 1);
      [d] = await c.expect(200, 'GET', `/hooks/${hook.idhook}/deliveries`);
      assert.equal(d.attempts.length, 2);
      assert.equal(d.next_attempt_at, formatAfter(d.attempts[1].attempted_at, 30));
      advance(30);
      assert.equal(await drain(w), 1);
      [d] = await c.expect(200, 'GET', `/hooks/${hook.idhook}/deliveries`);
      assert.equal(d.status, 'delivered');
      assert.deepEqual(
        d.attempts.map((a: any) => [a.status_code, a.success]),
        [
          [503, false],
          [503, false],
          [200, true],
        ],
      );
      assert.notEqual(firstTry, d.attempts[2].attempted_at);
      // Every try sent the same bytes.
      assert.equal(requests().length, 3);
      assert.equal(new Set(requests().map((r) => r.body)).size, 1);
      advance(3600);
      assert.equal(await drain(w), 0, 'a delivered delivery is not sent again');
    });

    test('when the receiver is down and comes back, then every event arrives exactly once', async () => {
      const c = await t().newClient();
      const down = await new Receiver().start();
      try {
        const hook = await c.expect(201, 'POST', '/hooks', {
          name: 'down',
          event: 'orders.created',
          address: down.url(),
        });
        await down.stop();
        const ids = await emit(c, 20);
        const w = worker(c, { batchSize: 7 });
        assert.equal(await drain(w), 20);
        const pending = await c.expect(200, 'GET', `/hooks/${hook.idhook}/deliveries?status=pending`);
        assert.equal(pending.length, 20);
        assert.match(pending[0].attempts[0].error, /ECONNREFUSED/);
        advance(15);
        assert.equal(await drain(w), 20, 'the second try fails too');
        await down.start();
        // Half of them fail once more after the receiver is back.
        down.failNext(10);
        advance(30);
        assert.equal(await drain(w), 20);
        advance(60);
        assert.equal(await drain(w), 10);
        const arrived = down.delivered().map((r) => Number(r.headers['x-stockroom-event']));
        assert.deepEqual(
          [...arrived].sort((a, b) => a - b),
          ids,
          'each event arrived once',
        );
        assert.equal(down.requests.length, 30);
        const all = await c.expect(200, 'GET', `/hooks/${hook.idhook}/deliveries`);
        assert.ok(all.every((d: any) => d.status === 'delivered'));
      } finally {
        await down.stop();
      }
    });

    test('when the receiver is slower than the timeout, then the attempt fails as timed out and is retried', async () => {
      const c = await t().newClient();
      const { hook, requests } = await hookFor(c);
      await emit(c, 1);
      const w = worker(c, { timeoutMs: 100 });
      receiver.delayMs = 1000;
      try {
        await drain(w);
      } finally {
        receiver.delayMs = 0;
      }
      let [d] = await c.expect(200, 'GET', `/hooks/${hook.idhook}/deliveries`);
      assert.equal(d.status, 'pending');
      assert.match(d.attempts[0].error, /timed out after 100 ms/);
      advance(15);
      await drain(w);
      [d] = await c.expect(200, 'GET', `/hooks/${hook.idhook}/deliveries`);
      assert.equal(d.status, 'delivered');
      // The slow answer did reach the receiver; the retry is the at-least-once duplicate it dedupes.
      await waitFor(() => requests().length === 2);
    });

    test('when every try fails, then the delivery is given up after the last one', async () => {
      const c = await t().newClient();
      const { hook, requests } = await hookFor(c);
      await emit(c, 1);
      const w = worker(c, { retrySchedule: [0, 0] });
      receiver.failNext(3);
      await drain(w);
      const [d] = await c.expect(200, 'GET', `/hooks/${hook.idhook}/deliveries`);
      assert.equal(d.status, 'failed');
      assert.equal(d.attempts.length, 3);
      assert.equal(d.next_attempt_at, null);
      assert.equal(requests().length, 3);
      advance(86400);
      assert.equal(await drain(w), 0);
      const h = await c.expect(200, 'GET', `/hooks/${hook.idhook}`);
      assert.equal(h.active, true, 'one failed event does not deactivate');
    });

    test('when 5 events fail within 24 hours, then the hook is deactivated, its pending deliveries skipped, and reactivate turns it on for new events', async () => {
      const c = await t().newClient();
      const { hook, requests } = await hookFor(c);
      await emit(c, 7);
      const w = worker(c, { retrySchedule: [0] });
      receiver.status = 500;
      try {
        await drain(w);
      } finally {
        receiver.status = 200;
      }
      const h = await c.expect(200, 'GET', `/hooks/${hook.idhook}`);
      assert.equal(h.active, false);
      const deliveries = await c.expect(200, 'GET', `/hooks/${hook.idhook}/deliveries`);
      assert.deepEqual(deliveries.map((d: any) => d.status).sort(), [
        'failed',
        'failed',
        'failed',
        'failed',
        'failed',
        'skipped',
        'skipped',
      ]);
      const sent = requests().length;
      // Inactive: new events are not queued.
      await emit(c, 1, 'orders.created', 100);
      assert.equal(await drain(w), 0);
      assert.equal(requests().length, sent);

      advance(60);
      const again = await c.expect(200, 'POST', `/hooks/${hook.idhook}/reactivate`, null);
      assert.equal(again.active, true);
      await emit(c, 1, 'orders.created', 200);
      // Failures from before the reactivation do not count: one more failed event leaves it active.
      receiver.failNext(2);
      await drain(w);
      assert.equal((await c.expect(200, 'GET', `/hooks/${hook.idhook}`)).active, true);
      await emit(c, 1, 'orders.created', 300);
      await drain(w);
      assert.deepEqual(
        requests()
          .slice(sent)
          .map((r) => [r.json.data.idorder, r.status]),
        [
          [200, 500],
          [200, 500],
          [300, 200],
        ],
      );
    });

    test('when a hook is deleted, then its pending deliveries are skipped and nothing more is sent', async () => {
      const c = await t().newClient();
      const { hook, requests } = await hookFor(c);
      await emit(c, 3);
      await c.expect(204, 'DELETE', `/hooks/${hook.idhook}`, []);
      await emit(c, 1, 'orders.created', 10);
      assert.equal(await drain(worker(c)), 0);
      assert.equal(requests().length, 0);
    });

    test('when an address later resolves to a refused address, then the delivery is refused at send time', async () => {
      const c = await t().newClient();
      const { hook, requests } = await hookFor(c);
      await emit(c, 1);
      // This worker's guard no longer allows 127.0.0.1 (as if the name now resolved there).
      await drain(worker(c, { guard: createAddressGuard([]) }));
      const [d] = await c.expect(200, 'GET', `/hooks/${hook.idhook}/deliveries`);
      assert.equal(d.status, 'pending');
      assert.match(d.attempts[0].error, /127\.0\.0\.1 is a loopback address/);
      assert.equal(requests().length, 0);
    });

    test("when a worker's lease runs out mid-send, then another worker may take the delivery but the stale one cannot overwrite its outcome", async () => {
      const c = await t().newClient();
      const { hook } = await hookFor(c);
      await emit(c, 1);
      const a = worker(c, { leaseMs: 10_000 });
      const b = worker(c, { leaseMs: 10_000 });
      receiver.delayMs = 300;
      receiver.failNext(1);
      const arrivals = receiver.arrivals;
      try {
        const runningA = a.runOnce();
        await waitFor(() => receiver.arrivals > arrivals, "A's request at the receiver");
        assert.equal(await b.runOnce(), 0, 'A holds the lease');
        advance(11);
        const runningB = b.runOnce();
        assert.equal(await runningA, 1);
        assert.equal(await runningB, 1);
      } finally {
        receiver.delayMs = 0;
      }
      const [d] = await c.expect(200, 'GET', `/hooks/${hook.idhook}/deliveries`);
      // A's late failure is recorded as an attempt but does not turn B's success back into pending.
      assert.deepEqual(
        d.attempts.map((x: any) => x.status_code),
        [500, 200],
      );
      assert.equal(d.status, 'delivered');
      advance(3600);
      assert.equal(await drain(a), 0);
    });

    test('when the server runs background work, then deliveries go out without a separate worker; with WEBHOOK_WORKER_IN_SERVER=false they do not', async () => {
      const c = await t().newClient();
      const { requests } = await hookFor(c);
      const log = { info() {}, warn() {}, error() {} };
      await emit(c, 1);
      const off = startBackground(t().services, { runWorkerInServer: false } as Config, log);
      await off.stop();
      assert.equal(requests().length, 0);
      const bg = runBackground(t().services, log, {
        worker: { idaccounts: [c.idaccount], pollIntervalMs: 10 },
        tasks: [],
      });
      try {
        await waitFor(() => requests().length === 1);
      } finally {
        await bg.stop();
      }
      assert.equal(requests().length, 1);
    });
  },
  { clock },
);

function formatAfter(datetime: string, seconds: number): string {
  const d = new Date(datetime.replace(' ', 'T') + 'Z');
  return new Date(d.getTime() + seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Polls a condition (for work another loop does); fails after a generous bound. */
async function waitFor(condition: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`${what} not reached`);
}
