import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import type { Config } from '../src/config.ts';
import { connect, type DatabaseHandle } from '../src/db/connection.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { Clock } from '../src/domain/time.ts';
import { buildApp } from '../src/http/app.ts';
import type { App } from '../src/http/types.ts';
import { reconcile } from '../src/modules/stock/stock.reconcile.ts';
import { createServices, type Services } from '../src/services.ts';

/**
 * The same API tests run on every engine: the embedded SQLite always, PostgreSQL when
 * TEST_DATABASE_URL is set. Tests isolate themselves by creating a fresh account each, so one
 * database serves a whole run.
 */
export interface EngineUnderTest {
  name: 'sqlite' | 'postgres';
  url?: string;
}

export const engines: EngineUnderTest[] = [
  { name: 'sqlite' },
  ...(process.env.TEST_DATABASE_URL
    ? [{ name: 'postgres' as const, url: process.env.TEST_DATABASE_URL }]
    : []),
];

export const postgresUrl = process.env.TEST_DATABASE_URL;

export interface Response<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  raw: string;
}

/** An API client bound to one account's key, talking to the app in-process. */
export class Client {
  constructor(
    readonly app: App,
    readonly apikey: string,
    readonly idaccount: number,
  ) {}

  async request<T = any>(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response<T>> {
    const res = await this.app.inject({
      method: method as 'GET',
      url: url.startsWith('/') && !url.startsWith('/api/') ? `/api/v1${url}` : url,
      headers: {
        authorization: 'Basic ' + Buffer.from(`${this.apikey}:X`).toString('base64'),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    let parsed: unknown = undefined;
    if (res.body) {
      try {
        parsed = JSON.parse(res.body);
      } catch {
        parsed = res.body;
      }
    }
    return { status: res.statusCode, body: parsed as T, headers: res.headers, raw: res.body };
  }
  get<T = any>(url: string) {
    return this.request<T>('GET', url);
  }
  post<T = any>(url: string, body?: unknown) {
    return this.request<T>('POST', url, body);
  }
  put<T = any>(url: string, body?: unknown) {
    return this.request<T>('PUT', url, body);
  }
  del<T = any>(url: string, body?: unknown) {
    return this.request<T>('DELETE', url, body);
  }
  /** Asserts the status and returns the body; the message shows the body when it differs. */
  async expect<T = any>(status: number, method: string, url: string, body?: unknown): Promise<T> {
    const res = await this.request<T>(method, url, body);
    assert.equal(res.status, status, `${method} ${url} answered ${res.status}: ${res.raw}`);
    return res.body;
  }
}

export interface TestApp {
  engine: EngineUnderTest;
  app: App;
  handle: DatabaseHandle;
  services: Services;
  /** A client for a brand-new account. */
  newClient(): Promise<Client>;
  /** Asserts that every stock counter of the client's account equals what the ledger rebuilds. */
  assertLedger(client: Client): Promise<void>;
}

export interface TestAppOptions {
  clock?: Clock;
  config?: Partial<Config>;
  rateLimitPerMinute?: number;
  pgPoolSize?: number;
}

export async function startTestApp(
  engine: EngineUnderTest,
  options: TestAppOptions = {},
): Promise<TestApp & { close(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-test-'));
  const handle = connect({ databaseUrl: engine.url, dataDir, pgPoolSize: options.pgPoolSize ?? 20 });
  await migrateToLatest(handle);
  const services = createServices({
    handle,
    config: {
      transitDays: 2,
      webhookAllowedHosts: ['127.0.0.1', 'localhost'],
      smtpUrl: undefined,
      smtpFrom: 'Stockroom <test@localhost>',
      ...options.config,
    },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const app = await buildApp({
    services,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 1_000_000,
    // STOCKROOM_TEST_LOG=error shows what a 500 in a test was.
    logger: process.env.STOCKROOM_TEST_LOG ? { level: process.env.STOCKROOM_TEST_LOG } : false,
  });
  let n = 0;
  return {
    engine,
    app,
    handle,
    services,
    async newClient() {
      const account = await services.accounts.createAccount(`test-${process.pid}-${++n}`);
      return new Client(app, account.apikey, account.idaccount);
    },
    async assertLedger(client: Client) {
      const problems = await reconcile(handle.db, client.idaccount);
      assert.deepEqual(problems, [], 'stock counters disagree with the ledger');
    },
    async close() {
      await app.close();
      await handle.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Declares a suite once per engine. The callback gets a getter for the running app, valid inside
 * tests and hooks.
 */
export function describeEngines(
  title: string,
  fn: (t: () => TestApp, engine: EngineUnderTest) => void,
  options: TestAppOptions = {},
): void {
  for (const engine of engines) {
    describe(`${title} [${engine.name}]`, () => {
      let current: (TestApp & { close(): Promise<void> }) | undefined;
      before(async () => {
        current = await startTestApp(engine, options);
      });
      after(async () => {
        await current?.close();
      });
      fn(() => {
        if (!current) throw new Error('test app not started');
        return current;
      }, engine);
    });
  }
}

/** Declares a suite only on PostgreSQL (race tests); skipped without TEST_DATABASE_URL. */
export function describePostgres(
  title: string,
  fn: (t: () => TestApp) => void,
  options: TestAppOptions = {},
): void {
  const engine = engines.find((e) => e.name === 'postgres');
  if (!engine) {
    describe(title, { skip: 'TEST_DATABASE_URL is not set' }, () => {});
    return;
  }
  describe(`${title} [postgres]`, () => {
    let current: (TestApp & { close(): Promise<void> }) | undefined;
    before(async () => {
      current = await startTestApp(engine, options);
    });
    after(async () => {
      await current?.close();
    });
    fn(() => {
      if (!current) throw new Error('test app not started');
      return current;
    });
  });
}
