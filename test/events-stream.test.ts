import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEngines, type Client } from './harness.ts';

interface StreamEvent {
  id: number;
  event: string;
  data: any;
}

/** Opens GET /events/stream and reads events until `until` says enough (or the safety stop). */
async function readStream(
  base: string,
  c: Client,
  opts: {
    query?: string;
    headers?: Record<string, string>;
    until: (seen: StreamEvent[]) => boolean;
    onOpen?: () => Promise<void>;
  },
): Promise<{ status: number; contentType: string | null; events: StreamEvent[] }> {
  const abort = new AbortController();
  // A safety stop so that a broken stream fails the test instead of hanging it.
  const stop = setTimeout(() => abort.abort(), 20_000);
  const res = await fetch(`${base}/api/v1/events/stream${opts.query ?? ''}`, {
    headers: {
      authorization: 'Basic ' + Buffer.from(`${c.apikey}:X`).toString('base64'),
      accept: 'text/event-stream',
      ...opts.headers,
    },
    signal: abort.signal,
  });
  const events: StreamEvent[] = [];
  if (res.status !== 200 || !res.body) {
    clearTimeout(stop);
    return { status: res.status, contentType: res.headers.get('content-type'), events };
  }
  const opened = opts.onOpen?.();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const fields = Object.fromEntries(
          block
            .split('\n')
            .filter((l) => !l.startsWith(':') && l.includes(': '))
            .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]),
        );
        if (fields.data)
          events.push({ id: Number(fields.id), event: fields.event ?? '', data: JSON.parse(fields.data) });
      }
      if (opts.until(events)) break;
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    clearTimeout(stop);
    abort.abort();
  }
  await opened;
  return { status: res.status, contentType: res.headers.get('content-type'), events };
}

describeEngines('events stream (Server-Sent Events from the outbox)', (t) => {
  let base = '';
  before(async () => {
    await t().app.listen({ port: 0, host: '127.0.0.1' });
    const address = t().app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${address.port}`;
  });

  async function product(c: Client) {
    const w = await c.expect(201, 'POST', '/warehouses', { name: 'Main' });
    const p = await c.expect(201, 'POST', '/products', { productcode: 'S-1', name: 'Streamed' });
    return { w, p };
  }

  test('when a stream is open and stock changes, then its events arrive in order with their ids, and none of another account', async () => {
    const c = await t().newClient();
    const other = await t().newClient();
    const { w, p } = await product(c);
    const { w: ow, p: op } = await product(other);
    const res = await readStream(base, c, {
      onOpen: async () => {
        await other.expect(200, 'POST', `/products/${op.idproduct}/stock/${ow.idwarehouse}`, {
          change: 1,
          reason: 'x',
        });
        await c.expect(200, 'POST', `/products/${p.idproduct}/stock/${w.idwarehouse}`, {
          change: 5,
          reason: 'in',
        });
      },
      until: (seen) => seen.some((e) => e.event === 'products.stock_changed'),
    });
    assert.equal(res.status, 200);
    assert.match(res.contentType ?? '', /^text\/event-stream/);
    const polled = await c.expect(200, 'GET', '/events');
    const fromStream = res.events.map((e) => e.id);
    // The stream starts at "now": it carries the stock change's events exactly as /events lists them.
    assert.deepEqual(
      res.events.map((e) => e.data),
      polled.filter((e: any) => fromStream.includes(e.idevent)),
    );
    assert.ok(res.events.every((e) => e.data.idevent === e.id && e.data.event === e.event));
    assert.ok(
      res.events.some((e) => e.event === 'products.stock_changed' && e.data.resource_id === p.idproduct),
    );
    assert.deepEqual(
      fromStream,
      [...fromStream].sort((a, b) => a - b),
    );
    const otherIds = (await other.expect(200, 'GET', '/events')).map((e: any) => e.idevent);
    assert.ok(
      fromStream.every((id) => !otherIds.includes(id)),
      'no event of another account',
    );
  });

  test('when a stream reconnects with Last-Event-ID or sinceid, then it replays every event after it and nothing before', async () => {
    const c = await t().newClient();
    const { w, p } = await product(c);
    for (const change of [1, 2, 3])
      await c.expect(200, 'POST', `/products/${p.idproduct}/stock/${w.idwarehouse}`, { change, reason: 'r' });
    const all = await c.expect(200, 'GET', '/events');
    const cut = all[1].idevent;
    const expected = all.filter((e: any) => e.idevent > cut).map((e: any) => e.idevent);
    for (const how of [{ headers: { 'last-event-id': String(cut) } }, { query: `?sinceid=${cut}` }]) {
      const res = await readStream(base, c, { ...how, until: (seen) => seen.length >= expected.length });
      assert.deepEqual(
        res.events.map((e) => e.id),
        expected,
        JSON.stringify(how),
      );
    }
  });

  test('when a stream is asked for without Accept: text/event-stream, then 406 in Picqer format at once', async () => {
    const c = await t().newClient();
    for (const accept of [undefined, 'application/json']) {
      const res = await c.request('GET', '/events/stream', undefined, accept ? { accept } : {});
      assert.equal(res.status, 406);
      assert.equal(res.body.error_code, 5);
      assert.match(res.body.error_message, /Accept: text\/event-stream/);
    }
  });

  test('when a stream is asked for without a key or with a bad Last-Event-ID, then 401 or 400 in Picqer format', async () => {
    const plain = await fetch(`${base}/api/v1/events/stream`);
    assert.equal(plain.status, 401);
    assert.equal((await plain.json()).error_code, 3);
    const c = await t().newClient();
    const bad = await fetch(`${base}/api/v1/events/stream`, {
      headers: { authorization: `Bearer ${c.apikey}`, accept: 'text/event-stream', 'last-event-id': 'abc' },
    });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error_code, 5);
  });
});
