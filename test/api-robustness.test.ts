import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { before, test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { buildApp } from '../src/http/app.ts';
import { createUsersService } from '../src/modules/users/users.service.ts';
import { describeEngines, type Client, type Response, type TestApp } from './harness.ts';

/**
 * Robustness of every route, driven by the app's own OpenAPI document: malformed path ids, bodies
 * and query strings get a 4xx in Picqer's error format that changes nothing, never a 500; untidy
 * but legal client habits (`null`, `[]` or no body on actions, `apikey:X` Basic auth) work.
 */

type Schema = Record<string, any>;

interface Operation {
  method: string;
  /** OpenAPI path, e.g. /api/v1/orders/{idorder}/process. */
  path: string;
  params: string[];
  query: { name: string; schema: Schema }[];
  body: Schema | undefined;
  /** Validates a body exactly as the app does (JSON types strictly, no coercion). */
  accepts: ValidateFunction | undefined;
}

async function operations(t: TestApp): Promise<Operation[]> {
  const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
  const doc = JSON.parse(res.body);
  const ajv = new Ajv({ strict: false, allErrors: false });
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const [method, op] of Object.entries<any>(item)) {
      const parameters: any[] = op.parameters ?? [];
      const body: Schema | undefined = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body,
        accepts: body ? ajv.compile(body) : undefined,
      });
    }
  }
  return ops;
}

/** Ids of one account's fixture, named like the path parameters that take them. */
type Ids = Record<string, number>;

/** One of everything, through the public API, so that every path of the document resolves. */
async function fixture(c: Client, app: TestApp): Promise<Ids> {
  const w = await c.expect(201, 'POST', '/warehouses', { name: 'Main' });
  const l = await c.expect(201, 'POST', '/locations', { idwarehouse: w.idwarehouse, name: 'A-1' });
  const p = await c.expect(201, 'POST', '/products', { productcode: 'P', name: 'Widget', price: 10 });
  const q = await c.expect(201, 'POST', '/products', { productcode: 'Q', name: 'Gadget', price: 5 });
  const k = await c.expect(201, 'POST', '/products', {
    productcode: 'K',
    name: 'Kit',
    type: 'virtual_composition',
  });
  const part = await c.expect(201, 'POST', `/products/${k.idproduct}/parts`, {
    idproduct: p.idproduct,
    amount: 1,
  });
  const customer = await c.expect(201, 'POST', '/customers', { name: 'Customer' });
  const supplier = await c.expect(201, 'POST', '/suppliers', { name: 'Supplier' });
  await c.expect(200, 'POST', `/products/${p.idproduct}/stock/${w.idwarehouse}`, {
    change: 5,
    reason: 'fixture',
    idlocation: l.idlocation,
  });
  const [history] = await c.expect(200, 'GET', `/stockhistory?idproduct=${p.idproduct}`);
  const order = await c.expect(201, 'POST', '/orders', {
    idcustomer: customer.idcustomer,
    products: [{ idproduct: p.idproduct, amount: 8 }],
  });
  await c.expect(200, 'POST', `/orders/${order.idorder}/process`);
  const [picklist] = await c.expect(200, 'GET', `/picklists?idorder=${order.idorder}`);
  const [backorder] = await c.expect(200, 'GET', `/orders/${order.idorder}/backorders`);
  const po = await c.expect(201, 'POST', '/purchaseorders', {
    idsupplier: supplier.idsupplier,
    idwarehouse: w.idwarehouse,
    products: [{ idproduct: q.idproduct, amount: 4 }],
  });
  await c.expect(200, 'POST', `/purchaseorders/${po.idpurchaseorder}/mark-as-purchased`);
  await c.expect(201, 'POST', `/purchaseorders/${po.idpurchaseorder}/comments`, { body: 'Note' });
  const receipt = await c.expect(201, 'POST', '/receipts', { idpurchaseorder: po.idpurchaseorder });
  const [received] = await c.expect(201, 'POST', `/receipts/${receipt.idreceipt}/products`, {
    idproduct: q.idproduct,
    amount: 1,
  });
  const hook = await c.expect(201, 'POST', '/hooks', {
    name: 'Hook',
    event: 'orders.created',
    address: 'http://127.0.0.1:9/hook',
  });
  // A finished job (GET /jobs/{idjob}); waited for, so that snapshots of the fixture stay still.
  const job = await c.expect(202, 'POST', '/backorders/process?async=true');
  for (let i = 0; i < 200 && (await c.expect(200, 'GET', `/jobs/${job.idjob}`)).status !== 'done'; i++)
    await new Promise((r) => setTimeout(r, 20));
  return {
    idjob: job.idjob,
    idwarehouse: w.idwarehouse,
    idlocation: l.idlocation,
    idproduct: p.idproduct,
    idcomposition: k.idproduct,
    idproduct2: q.idproduct,
    idproduct_part: part.idproduct_part,
    idcustomer: customer.idcustomer,
    idsupplier: supplier.idsupplier,
    idproduct_stock_history: history.idproduct_stock_history,
    idorder: order.idorder,
    idorder_product: order.products[0].idorder_product,
    idpicklist: picklist.idpicklist,
    idbackorder: backorder.idbackorder,
    idpurchaseorder: po.idpurchaseorder,
    idpurchaseorder_product: po.products[0].idpurchaseorder_product,
    idreceipt: receipt.idreceipt,
    idreceipt_product: received.idreceipt_product,
    idhook: hook.idhook,
    // Users are created on the command line, not through the API.
    iduser: (
      await createUsersService({ handle: app.handle, clock: app.services.clock }).create(c.idaccount, {
        username: 'picker',
      })
    ).iduser,
  };
}

/** The fixture's id for a path parameter (the parts routes take the composition as product). */
function idFor(ids: Ids, path: string, name: string): number {
  const key = name === 'idproduct' && path.includes('/parts') ? 'idcomposition' : name;
  const id = ids[key];
  if (id === undefined) throw new Error(`the fixture has no ${key} for ${path}`);
  return id;
}

function urlOf(op: Operation, ids: Ids, override: Record<string, string> = {}): string {
  return op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    encodeURIComponent(override[name] ?? String(idFor(ids, op.path, name))),
  );
}

/** A small body the schema accepts: required properties only, fixture ids for id fields. */
function sample(schema: Schema, ids: Ids, name = ''): unknown {
  if (schema.anyOf) return sample(schema.anyOf.find((s: Schema) => s.type !== 'null') ?? {}, ids, name);
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sample(schema.properties?.[key] ?? {}, ids, key);
      return out;
    }
    case 'array':
      return schema.minItems ? [sample(schema.items ?? {}, ids, name)] : [];
    case 'integer':
    case 'number': {
      const id = ids[name];
      if (id !== undefined) return id;
      return Math.min(Math.max(1, schema.minimum ?? 1), schema.maximum ?? 1);
    }
    case 'boolean':
      return true;
    case 'string':
      if (schema.pattern?.includes('\\d{4}')) return '2031-01-01';
      if (schema.pattern?.includes('@')) return 'a@example.com';
      return 'x';
    default:
      return {};
  }
}

/** Values that are wrong somewhere: types, floats, overflowing numbers, long strings, null. */
const BAD_VALUES: unknown[] = [
  'abc',
  '',
  true,
  [1],
  { a: 1 },
  1.5,
  0,
  -1,
  1e20,
  2147483648,
  -2147483649,
  'x'.repeat(100_000),
  'a\u0000b',
  null,
];

/** Path ids that are not ids: the other account's real ids are added per case. */
const BAD_IDS = ['0', '-1', '99999999999999', 'abc', '1.5', 'x'.repeat(300)];

const QUERY_GARBAGE = [
  'abc',
  '-1',
  '1.5',
  '99999999999999',
  '1e20',
  '',
  'x'.repeat(3000),
  '2031-13-45 99:99:99',
  'a\u0000b',
  "'; --",
  '%',
];

/** Stack frames, SQL or driver names in an answer mean something leaked. */
const LEAK =
  /\bat \S+ \(|node_modules|\.ts:\d+|\bselect\b.*\bfrom\b|\binsert into\b|\bupdate\b.*\bset\b|sqlite|postgres|relation "|violates/i;

/** The problems with an answer: a 5xx, or a 4xx not in Picqer's error format, or a leak. */
function problemsOf(what: string, res: Response): string[] {
  const out: string[] = [];
  const where = `${what} -> ${res.status} ${res.raw.slice(0, 200)}`;
  if (res.status >= 500) out.push(`server error: ${where}`);
  if (res.status >= 400) {
    const b = res.body;
    const ok =
      b !== null &&
      typeof b === 'object' &&
      Object.keys(b).sort().join() === 'error,error_code,error_message' &&
      b.error === true &&
      Number.isInteger(b.error_code) &&
      typeof b.error_message === 'string' &&
      b.error_message.trim() !== '';
    if (!ok) out.push(`not a Picqer error: ${where}`);
    else if (b.error_message.length > 1000) out.push(`error message too long to be clear: ${where}`);
    if (!String(res.headers['content-type']).startsWith('application/json'))
      out.push(`error not sent as JSON: ${where}`);
    if (LEAK.test(res.raw)) out.push(`leaks internals: ${where}`);
  }
  return out;
}

/** Every GET of the document answered for the fixture: any write shows up as a difference. */
async function snapshot(c: Client, ops: Operation[], ids: Ids): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const op of ops) {
    if (op.method !== 'GET') continue;
    const url = urlOf(op, ids);
    const res = await c.get(url);
    // The PDF embeds its creation time; its status is enough.
    out.set(url, op.path.endsWith('/pdf') ? String(res.status) : `${res.status} ${res.raw}`);
  }
  return out;
}

/** The body schema of an operation with one property (or one property of array items) replaced. */
function bodyVariants(op: Operation, ids: Ids): { what: string; body: unknown }[] {
  const schema = op.body;
  if (!schema) return [];
  const base = sample(schema, ids) as Record<string, unknown>;
  const out: { what: string; body: unknown }[] = [{ what: 'an unknown field', body: { ...base, zzz: 1 } }];
  for (const [key, prop] of Object.entries<Schema>(schema.properties ?? {})) {
    for (const value of BAD_VALUES)
      out.push({ what: `${key}=${label(value)}`, body: { ...base, [key]: value } });
    const items = prop.items as Schema | undefined;
    if (prop.type === 'array' && items?.type === 'object') {
      const line = sample(items, ids) as Record<string, unknown>;
      for (const sub of Object.keys(items.properties ?? {}))
        for (const value of BAD_VALUES)
          out.push({
            what: `${key}[0].${sub}=${label(value)}`,
            body: { ...base, [key]: [{ ...line, [sub]: value }] },
          });
    }
  }
  return out;
}

const label = (v: unknown) => {
  const s = JSON.stringify(v) ?? 'nothing';
  return s.length > 20 ? `${s.slice(0, 12)}...(${s.length})` : s;
};

/** Sends raw bytes to the server and answers everything it sends back before closing. */
function rawExchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(raw));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', (err) => (answer ? resolve(answer) : reject(err)));
  });
}

/** Random cases per round, rounds per engine; a case is one request plus one events read. */
const FUZZ_RUNS = 100;
const FUZZ_ROUNDS = 4;

async function eventsSince(c: Client, sinceid: number): Promise<any[]> {
  const out: any[] = [];
  for (;;) {
    const page = await c.expect(200, 'GET', `/events?sinceid=${sinceid}`);
    out.push(...page);
    if (page.length < 100) return out;
    sinceid = page.at(-1).idevent;
  }
}

async function lastEventId(c: Client): Promise<number> {
  return (await eventsSince(c, 0)).at(-1)?.idevent ?? 0;
}

/** Candidate values of id fields in bodies: the fixture's, so that requests get past existence checks. */
function idCandidates(ids: Ids, name: string): number[] {
  if (name === 'idproduct') return [ids.idproduct!, ids.idproduct2!, ids.idcomposition!];
  const id = ids[name];
  return id === undefined ? [] : [id];
}

/**
 * Values a schema accepts, edges included; with `wrong`, any value may also be one it refuses.
 * Numbers lean to small ones and id fields to the fixture's ids, so that requests get deep.
 */
function arbitraryOf(schema: Schema, ids: Ids, name: string, wrong: boolean): fc.Arbitrary<unknown> {
  let own: fc.Arbitrary<unknown>;
  if (schema.anyOf) own = fc.oneof(...schema.anyOf.map((s: Schema) => arbitraryOf(s, ids, name, wrong)));
  else if (schema.enum) own = fc.constantFrom(...(schema.enum as unknown[]));
  else
    switch (schema.type) {
      case 'object': {
        const props = Object.entries<Schema>(schema.properties ?? {});
        own = fc.record(Object.fromEntries(props.map(([k, s]) => [k, arbitraryOf(s, ids, k, wrong)])), {
          requiredKeys: (schema.required ?? []) as never[],
        });
        break;
      }
      case 'array':
        own = fc.array(arbitraryOf(schema.items ?? {}, ids, name, wrong), { maxLength: 3 });
        break;
      case 'integer':
      case 'number': {
        const min = schema.minimum ?? -(2 ** 31);
        const max = schema.maximum ?? 2 ** 31 - 1;
        const candidates = idCandidates(ids, name);
        const small = { min: Math.max(min, -3), max: Math.min(max, 12) };
        own = fc.oneof(
          ...(candidates.length ? [{ arbitrary: fc.constantFrom(...candidates), weight: 8 }] : []),
          { arbitrary: fc.constantFrom(min, max, Math.max(min, Math.min(max, 0))), weight: 1 },
          {
            arbitrary: schema.type === 'integer' ? fc.integer(small) : fc.double({ ...small, noNaN: true }),
            weight: 4,
          },
          {
            arbitrary:
              schema.type === 'integer'
                ? fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) })
                : fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
            weight: 1,
          },
        );
        break;
      }
      case 'boolean':
        own = fc.boolean();
        break;
      case 'string': {
        const max = schema.maxLength ?? 300;
        const special: string[] = schema.pattern?.includes('\\d{4}')
          ? ['2031-01-01', '2031-02-30', '0000-00-00', '9999-12-31', '2031-1-1']
          : ['', ' ', 'x'.repeat(max), 'é'.repeat(max), '😀'.repeat(Math.floor(max / 2)), 'O\'Brien"; --'];
        own = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...special));
        break;
      }
      default:
        own = fc.jsonValue({ maxDepth: 1 });
    }
  if (schema.nullable) own = fc.oneof(own, fc.constant(null));
  return wrong ? fc.oneof({ arbitrary: own, weight: 6 }, fc.constantFrom(...FUZZ_WRONG)) : own;
}

/** A body the handler likely accepts: required fields, the fixture's ids, an amount, a reason. */
function usualBody(schema: Schema, ids: Ids): Record<string, unknown> {
  const out = sample(schema, ids) as Record<string, unknown>;
  for (const [key, prop] of Object.entries<Schema>(schema.properties ?? {})) {
    if (key in out) continue;
    const [id] = idCandidates(ids, key);
    if (id !== undefined) out[key] = id;
    else if (key === 'amount' || key === 'reason') out[key] = sample(prop, ids, key);
    else if (prop.type === 'array' && prop.items?.type === 'object') out[key] = [usualBody(prop.items, ids)];
  }
  return out;
}

/** The usual body with one field (or one field of its first line) random. */
function nearlyValid(schema: Schema, ids: Ids): fc.Arbitrary<unknown> {
  const base = usualBody(schema, ids);
  const choices: fc.Arbitrary<unknown>[] = [fc.constant(base)];
  for (const [key, prop] of Object.entries<Schema>(schema.properties ?? {})) {
    choices.push(arbitraryOf(prop, ids, key, false).map((v) => ({ ...base, [key]: v })));
    const line = (base[key] as Record<string, unknown>[] | undefined)?.[0];
    if (line && prop.items?.properties)
      for (const [sub, subProp] of Object.entries<Schema>(prop.items.properties))
        choices.push(
          arbitraryOf(subProp, ids, sub, false).map((v) => ({ ...base, [key]: [{ ...line, [sub]: v }] })),
        );
  }
  return fc.oneof(...choices);
}

const FUZZ_WRONG: unknown[] = BAD_VALUES.map((v) =>
  typeof v === 'string' && v.length > 1000 ? 'x'.repeat(5000) : v,
);

type Send = (method: string, url: string) => Promise<unknown>;

/** The ways clients say "no parameters"; the first is the reference. */
const EMPTY_BODIES: { what: string; payload: string | undefined; headers?: Record<string, string> }[] = [
  { what: '{}', payload: '{}' },
  { what: 'null', payload: 'null' },
  { what: '[]', payload: '[]' },
  { what: 'an empty JSON body', payload: '' },
  { what: 'no body and no content type', payload: undefined },
  {
    what: 'null with a charset',
    payload: 'null',
    headers: { 'content-type': 'application/json; charset=utf-8' },
  },
];

const shapeOf = (res: Response) => ({ status: res.status, body: res.body });
const view = async (c: Client, url: string) => shapeOf(await c.get(url));

/** Ids, numbers, codes and times differ between accounts; the rest must not. */
function normalise(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => normalise(v, key));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, k)]));
  if (/^id|id$|^productcode$|^warehouses$/.test(key) && value !== null) return '#';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/.test(value)) return 'date';
  return value;
}

/** One warehouse, one product with stock, a customer and a supplier. */
async function smallWorld(c: Client, stock: number) {
  const w = await c.expect(201, 'POST', '/warehouses', { name: 'Main' });
  const p = await c.expect(201, 'POST', '/products', { productcode: 'P', name: 'Widget', price: 10 });
  const customer = await c.expect(201, 'POST', '/customers', { name: 'Customer' });
  const supplier = await c.expect(201, 'POST', '/suppliers', { name: 'Supplier' });
  const stockUrl = `/products/${p.idproduct}/stock/${w.idwarehouse}`;
  if (stock) await c.expect(200, 'POST', stockUrl, { change: stock, reason: 'start' });
  return {
    stockUrl,
    order: (amount: number) => ({
      idcustomer: customer.idcustomer,
      products: [{ idproduct: p.idproduct, amount }],
    }),
    purchaseorder: (amount: number) => ({
      idsupplier: supplier.idsupplier,
      idwarehouse: w.idwarehouse,
      products: [{ idproduct: p.idproduct, amount }],
    }),
  };
}

describeEngines('API robustness', (t) => {
  let ops: Operation[];
  before(async () => {
    ops = await operations(t());
  });

  test('when the document is read, then it lists the routes of every module', () => {
    const paths = new Set(ops.map((o) => o.path.split('/')[3]));
    for (const area of [
      'warehouses',
      'locations',
      'products',
      'customers',
      'suppliers',
      'stockhistory',
      'orders',
      'picklists',
      'backorders',
      'purchaseorders',
      'receipts',
      'hooks',
      'events',
    ])
      assert.ok(paths.has(area), `no ${area} routes in the OpenAPI document`);
  });

  test('when path ids, bodies or query strings are malformed, then every route answers a Picqer 4xx and nothing changes', async () => {
    const a = await t().newClient();
    const b = await t().newClient();
    const mine = await fixture(a, t());
    const theirs = await fixture(b, t());
    const beforeA = await snapshot(a, ops, mine);
    const beforeB = await snapshot(b, ops, theirs);
    const problems: string[] = [];
    const check = (what: string, res: Response, expect?: (res: Response) => string | undefined) => {
      problems.push(...problemsOf(what, res));
      const wrong = expect?.(res);
      if (wrong) problems.push(`${what}: ${wrong} (got ${res.status} ${res.raw.slice(0, 200)})`);
    };
    const is4xx = (res: Response) => (res.status >= 400 && res.status < 500 ? undefined : 'expected a 4xx');

    for (const op of ops) {
      const emptyOk = op.accepts?.({}) ?? true;
      const validBody = op.body ? sample(op.body, mine) : undefined;
      for (const param of op.params) {
        // Not an id at all: a 400 (or 404 when the router refuses a very long segment).
        for (const bad of BAD_IDS) {
          const url = urlOf(op, mine, { [param]: bad });
          check(`${op.method} ${url.slice(0, 120)}`, await a.request(op.method, url, validBody), is4xx);
        }
        // Another account's real id: answered exactly as an id that does not exist (mostly a 404).
        const body = emptyOk ? undefined : validBody;
        const url = urlOf(op, mine, { [param]: String(idFor(theirs, op.path, param)) });
        const absent = await a.request(op.method, urlOf(op, mine, { [param]: '2147483647' }), body);
        check(`${op.method} ${url} (other account's ${param})`, await a.request(op.method, url, body), (r) =>
          r.status === absent.status && r.body?.error_code === absent.body?.error_code && r.status >= 400
            ? undefined
            : `expected the answer to a missing id, ${absent.status} ${absent.raw.slice(0, 100)}`,
        );
      }

      const url = urlOf(op, mine);
      if (op.body && op.accepts) {
        check(`${op.method} ${url} malformed JSON`, await a.request(op.method, url, '{"name": '), (r) =>
          r.status === 400 && r.body?.error_code === 22 ? undefined : 'expected 400 with error_code 22',
        );
        const topLevel: { what: string; raw: string }[] = [
          { what: 'a string body', raw: '"text"' },
          { what: 'a number body', raw: '42' },
          { what: 'a boolean body', raw: 'true' },
          { what: 'an array body', raw: '[1, 2]' },
          ...(emptyOk
            ? []
            : [
                { what: 'an empty object', raw: '{}' },
                { what: 'null', raw: 'null' },
              ]),
        ];
        for (const { what, raw } of topLevel)
          check(`${op.method} ${url} with ${what}`, await a.request(op.method, url, raw), (r) =>
            r.status === 400 && r.body?.error_code === 5 ? undefined : 'expected 400 with error_code 5',
          );
        for (const { what, body } of bodyVariants(op, mine)) {
          // Only what the schema refuses belongs here; accepted oddities are fuzzed below.
          if (op.accepts(body)) continue;
          check(`${op.method} ${url} with ${what}`, await a.request(op.method, url, body), (r) =>
            r.status === 400 && r.body?.error_code === 5 ? undefined : 'expected 400 with error_code 5',
          );
        }
      }

      if (op.method === 'GET') {
        for (const { name } of op.query) {
          for (const bad of QUERY_GARBAGE) {
            const q = `${url}?${name}=${encodeURIComponent(bad)}`;
            check(`GET ${q.slice(0, 120)}`, await a.get(q));
          }
          check(`GET ${url} with ${name} twice`, await a.get(`${url}?${name}=1&${name}=2`));
        }
      }
    }

    assert.deepEqual(problems, []);
    assert.deepEqual(await snapshot(a, ops, mine), beforeA, 'a refused request changed the account');
    assert.deepEqual(await snapshot(b, ops, theirs), beforeB, "a request changed another account's data");
    await t().assertLedger(a);
    await t().assertLedger(b);
  });

  test('when bodies and ids are random but well-typed, then no route answers a 5xx and refusals emit no event', async () => {
    const byName = new Map(ops.map((op) => [`${op.method} ${op.path}`, op]));
    const stranger = await t().newClient();
    const theirs = await fixture(stranger, t());
    // Rounds on fresh fixtures, so that early deletes and closes do not starve the later cases.
    for (let round = 0; round < FUZZ_ROUNDS; round++) {
      const c = await t().newClient();
      const ids = await fixture(c, t());
      let lastEvent = await lastEventId(c);
      const cases = fc.constantFrom(...byName.keys()).chain((name) => {
        const op = byName.get(name)!;
        return fc.record({
          op: fc.constant(name),
          override: fc.record(
            Object.fromEntries(
              op.params.map((p) => [
                p,
                fc.oneof(
                  { arbitrary: fc.constant(String(idFor(ids, op.path, p))), weight: 12 },
                  fc.constantFrom(...BAD_IDS, String(idFor(theirs, op.path, p))),
                ),
              ]),
            ),
          ),
          body: op.body
            ? fc.oneof(
                { arbitrary: nearlyValid(op.body, ids), weight: 3 },
                { arbitrary: arbitraryOf(op.body, ids, '', false), weight: 3 },
                arbitraryOf(op.body, ids, '', true),
              )
            : fc.constantFrom(undefined, '[]', 'null'),
          query: fc.array(
            fc.tuple(
              fc.constantFrom(...(op.query.length ? op.query.map((q) => q.name) : ['offset'])),
              fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...QUERY_GARBAGE, '0', '1', '100')),
            ),
            { maxLength: op.method === 'GET' ? 3 : 0 },
          ),
        });
      });
      await fc.assert(
        fc.asyncProperty(cases, async ({ op: name, override, body, query }) => {
          const op = byName.get(name)!;
          const qs = query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
          const url = urlOf(op, ids, override) + (qs ? `?${qs}` : '');
          const res = await c.request(op.method, url, body);
          const what = `${op.method} ${url.slice(0, 150)} ${label(body)}`;
          assert.deepEqual(problemsOf(what, res), []);
          const events = await eventsSince(c, lastEvent);
          if (res.status >= 400) assert.deepEqual(events, [], `${what} was refused but emitted events`);
          lastEvent = events.at(-1)?.idevent ?? lastEvent;
        }),
        { numRuns: FUZZ_RUNS, includeErrorInReport: true },
      );
      await t().assertLedger(c);
    }
  });

  test('when an update sends no fields, then every PUT answers without a 5xx', async () => {
    const c = await t().newClient();
    const ids = await fixture(c, t());
    const problems: string[] = [];
    for (const op of ops) {
      if (op.method !== 'PUT' || !(op.accepts?.({}) ?? true)) continue;
      for (const payload of ['{}', 'null', '[]']) {
        const res = await c.request('PUT', urlOf(op, ids), payload);
        problems.push(...problemsOf(`PUT ${op.path} with ${payload}`, res));
      }
    }
    // The fixture's order is processed; a concept order takes line changes.
    const concept = await c.expect(201, 'POST', '/orders', {
      idcustomer: ids.idcustomer,
      products: [{ idproduct: ids.idproduct, amount: 1 }],
    });
    for (const url of [
      `/orders/${concept.idorder}`,
      `/orders/${concept.idorder}/products/${concept.products[0].idorder_product}`,
    ]) {
      const res = await c.request('PUT', url, {});
      problems.push(...problemsOf(`PUT ${url} with {}`, res));
      if (res.status !== 200) problems.push(`PUT ${url} with {}: ${res.status} ${res.raw}`);
    }
    assert.deepEqual(problems, []);
  });

  test('when an action gets null, [], an empty body or no content type, then it does exactly what {} does', async () => {
    const scenarios: { name: string; run: (c: Client, send: Send) => Promise<unknown> }[] = [
      {
        name: 'POST /orders/{id}/process',
        run: async (c, send) => {
          const s = await smallWorld(c, 5);
          const o = await c.expect(201, 'POST', '/orders', s.order(2));
          const res = await send('POST', `/orders/${o.idorder}/process`);
          return [
            res,
            await view(c, `/orders/${o.idorder}`),
            await view(c, `/picklists?idorder=${o.idorder}`),
          ];
        },
      },
      {
        name: 'POST /picklists/{id}/close',
        run: async (c, send) => {
          const s = await smallWorld(c, 5);
          const o = await c.expect(201, 'POST', '/orders', s.order(2));
          await c.expect(200, 'POST', `/orders/${o.idorder}/process`);
          const [pl] = await c.expect(200, 'GET', `/picklists?idorder=${o.idorder}`);
          await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/pickall`);
          const res = await send('POST', `/picklists/${pl.idpicklist}/close`);
          return [res, await view(c, `/picklists/${pl.idpicklist}`), await view(c, s.stockUrl)];
        },
      },
      {
        name: 'POST /purchaseorders/{id}/mark-as-purchased',
        run: async (c, send) => {
          const s = await smallWorld(c, 0);
          const po = await c.expect(201, 'POST', '/purchaseorders', s.purchaseorder(4));
          const res = await send('POST', `/purchaseorders/${po.idpurchaseorder}/mark-as-purchased`);
          return [res, await view(c, `/purchaseorders/${po.idpurchaseorder}`)];
        },
      },
      {
        name: 'POST /backorders/process',
        run: async (c, send) => {
          const s = await smallWorld(c, 1);
          const o = await c.expect(201, 'POST', '/orders', s.order(3));
          await c.expect(200, 'POST', `/orders/${o.idorder}/process`);
          await c.expect(200, 'POST', s.stockUrl, { change: 5, reason: 'delivery' });
          const res = await send('POST', '/backorders/process');
          return [res, await view(c, `/orders/${o.idorder}/backorders`), await view(c, s.stockUrl)];
        },
      },
      {
        name: 'DELETE /backorders/{id}',
        run: async (c, send) => {
          const s = await smallWorld(c, 1);
          const o = await c.expect(201, 'POST', '/orders', s.order(3));
          await c.expect(200, 'POST', `/orders/${o.idorder}/process`);
          const [bo] = await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`);
          const res = await send('DELETE', `/backorders/${bo.idbackorder}`);
          return [
            res,
            await view(c, `/orders/${o.idorder}/backorders`),
            await view(c, `/orders/${o.idorder}`),
          ];
        },
      },
      {
        name: 'DELETE /orders/{id}',
        run: async (c, send) => {
          const s = await smallWorld(c, 5);
          const o = await c.expect(201, 'POST', '/orders', s.order(2));
          const res = await send('DELETE', `/orders/${o.idorder}`);
          return [res, await view(c, `/orders/${o.idorder}`)];
        },
      },
    ];
    for (const scenario of scenarios) {
      const outcomes: [string, unknown][] = [];
      for (const variant of EMPTY_BODIES) {
        const c = await t().newClient();
        const send: Send = async (method, url) =>
          shapeOf(await c.request(method, url, variant.payload, variant.headers ?? {}));
        outcomes.push([variant.what, normalise(await scenario.run(c, send))]);
        await t().assertLedger(c);
      }
      const [, expected] = outcomes[0]!;
      assert.ok(
        (expected as any)[0].status < 300,
        `${scenario.name} with {} failed: ${JSON.stringify(expected)}`,
      );
      for (const [what, got] of outcomes.slice(1))
        assert.deepEqual(got, expected, `${scenario.name} with ${what} differs from {}`);
    }
  });

  test('when any action route gets an empty body in any form, then it reaches the handler (404 for a missing id)', async () => {
    const c = await t().newClient();
    const problems: string[] = [];
    for (const op of ops) {
      if (op.method === 'GET' || op.params.length === 0 || !(op.accepts?.({}) ?? true)) continue;
      const url = urlOf(op, {}, Object.fromEntries(op.params.map((p) => [p, '2147483647'])));
      for (const variant of EMPTY_BODIES) {
        const res = await c.request(op.method, url, variant.payload, variant.headers ?? {});
        problems.push(...problemsOf(`${op.method} ${url} with ${variant.what}`, res));
        if (res.status !== 404 && !(res.status === 400 && op.path.endsWith('/pick')))
          problems.push(`${op.method} ${url} with ${variant.what}: ${res.status} ${res.raw.slice(0, 150)}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('when the key is sent as apikey:X, apikey:, apikey or Bearer, then it authenticates; otherwise 401 in Picqer format', async () => {
    const c = await t().newClient();
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    for (const authorization of [
      basic(`${c.apikey}:X`),
      basic(`${c.apikey}:`),
      basic(c.apikey),
      `basic ${Buffer.from(`${c.apikey}:X`).toString('base64')}`,
      `Bearer ${c.apikey}`,
    ]) {
      const res = await c.request('GET', '/warehouses', undefined, { authorization });
      assert.equal(res.status, 200, `${authorization}: ${res.raw}`);
    }
    for (const authorization of [
      basic('wrong:X'),
      basic(`:${c.apikey}`),
      basic(':'),
      'Basic',
      'Basic !!!',
      'Token abc',
      '',
    ]) {
      const res = await c.request('GET', '/warehouses', undefined, { authorization });
      assert.equal(res.status, 401, `${authorization}: ${res.raw}`);
      assert.deepEqual(problemsOf(authorization, res), []);
      assert.equal(res.body.error_code, 3);
    }
  });

  test('when an Idempotency-Key is empty or too long, then 400 in Picqer format and nothing is created', async () => {
    const c = await t().newClient();
    for (const key of ['', 'k'.repeat(256)]) {
      const res = await c.request('POST', '/warehouses', { name: 'W' }, { 'idempotency-key': key });
      assert.deepEqual(problemsOf(`key of ${key.length}`, res), []);
      assert.equal(res.status, 400, res.raw);
    }
    assert.deepEqual(await c.expect(200, 'GET', '/warehouses'), []);
  });

  test('when a route or method does not exist, then 404 in Picqer format', async () => {
    const c = await t().newClient();
    const problems: string[] = [];
    const expect404 = (what: string, res: Response) => {
      problems.push(...problemsOf(what, res));
      if (res.status !== 404 || res.body?.error_code !== 20)
        problems.push(`${what}: ${res.status} ${res.raw}`);
    };
    for (const url of [
      '/api/v1/nope',
      '/api/v1/',
      '/api/v2/products',
      '/nope',
      '/',
      '/api/v1/products/1/nope',
    ])
      expect404(`GET ${url}`, await c.request('GET', url));
    // A method no route of the path has; skipped where another route's pattern takes the URL
    // (GET /backorders/process is GET /backorders/{idbackorder} with a non-integer id: a 400).
    const patterns = ops.map((op) => ({
      method: op.method,
      re: new RegExp(`^${op.path.replace(/\{\w+\}/g, '[^/]+')}$`),
    }));
    for (const path of new Set(ops.map((op) => op.path))) {
      const url = path.replace(/\{\w+\}/g, '1');
      for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        if (patterns.some((p) => p.method === method && p.re.test(url))) continue;
        expect404(`${method} ${url}`, await c.request(method, url, method === 'GET' ? undefined : '{}'));
      }
    }
    assert.deepEqual(problems, []);
    const anonymous = await t().app.inject({ method: 'GET', url: '/api/v1/nope' });
    assert.equal(anonymous.statusCode, 401);
  });

  test('when a URL is badly percent-encoded or a path segment is overlong, then 4xx in Picqer format', async () => {
    const c = await t().newClient();
    for (const url of [
      '/api/v1/products/%E0%A4%A',
      '/api/v1/products/%',
      `/api/v1/orders/${'9'.repeat(500)}`,
    ]) {
      const res = await c.request('GET', url);
      assert.deepEqual(problemsOf(url, res), []);
      assert.ok(res.status >= 400 && res.status < 500, `${url}: ${res.status}`);
    }
  });

  test('when the HTTP request itself is malformed or its headers too large, then a Picqer error from the real server', async () => {
    const app = await buildApp({ services: t().services, rateLimitPerMinute: 1000 });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const cases: [string, string, number][] = [
        ['a garbage request line', 'NOT HTTP AT ALL\r\n\r\n', 400],
        ['a bad header', 'GET /api/v1/products HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 400],
        [
          'headers over the limit',
          `GET /api/v1/products HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
          431,
        ],
      ];
      for (const [what, raw, status] of cases) {
        const answer = await rawExchange(port, raw);
        const [head = '', body = ''] = answer.split('\r\n\r\n');
        assert.match(head, new RegExp(`^HTTP/1.1 ${status} `), `${what}: ${answer.slice(0, 200)}`);
        assert.deepEqual(
          Object.keys(JSON.parse(body)).sort(),
          ['error', 'error_code', 'error_message'],
          what,
        );
      }
    } finally {
      await app.close();
    }
  });

  test('when something fails inside, then a generic 500 without the SQL or the stack', async () => {
    const failing = {
      ...t().services,
      accounts: {
        ...t().services.accounts,
        resolveKey: async () => {
          throw new Error(
            'select "idaccount" from "api_keys" where "key_hash" = $1 - relation "api_keys" is locked',
          );
        },
      },
    };
    const app = await buildApp({ services: failing, rateLimitPerMinute: 1000 });
    try {
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/products',
        headers: { authorization: `Basic ${Buffer.from('key:X').toString('base64')}` },
      });
      assert.equal(res.statusCode, 500);
      const body = JSON.parse(res.body);
      assert.equal(body.error, true);
      assert.equal(body.error_code, 1);
      assert.match(body.error_message, /^Unknown application error \(request [\w-]+\)$/);
      assert.doesNotMatch(res.body, LEAK);
    } finally {
      await app.close();
    }
  });

  test('when a body is not JSON, too large or sent with another content type, then a Picqer 4xx and nothing changes', async () => {
    const c = await t().newClient();
    const ids = await fixture(c, t());
    const before = await snapshot(c, ops, ids);
    const problems: string[] = [];
    for (const op of ops) {
      if (!op.body) continue;
      const url = urlOf(op, ids);
      const body = JSON.stringify(sample(op.body, ids));
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
      ]) {
        const res = await c.request(op.method, url, body, { 'content-type': type });
        problems.push(...problemsOf(`${op.method} ${url} as ${type}`, res));
        if (res.status !== 415 || !/application\/json/.test(res.body?.error_message))
          problems.push(`${op.method} ${url} as ${type}: ${res.status} ${res.raw}`);
      }
      const huge = await c.request(op.method, url, JSON.stringify({ name: 'x'.repeat(2_000_000) }));
      problems.push(...problemsOf(`${op.method} ${url} with 2 MB`, huge));
      if (huge.status !== 413) problems.push(`${op.method} ${url} with 2 MB: ${huge.status}`);
      for (const raw of [
        '{"a":1}}',
        '{a:1}',
        "{'a':1}",
        '\u0000',
        '{"a":1,}',
        '\xff\xfe',
        '['.repeat(100_000),
        // Valid JSON that only routes with required fields refuse.
        ...(op.accepts?.({}) ? [] : ['{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}']),
      ])
        problems.push(...problemsOf(`${op.method} ${url} with ${raw}`, await c.request(op.method, url, raw)));
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(await snapshot(c, ops, ids), before);
  });
});
