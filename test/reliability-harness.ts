import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connect, type DatabaseHandle } from '../src/db/connection.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { buildApp } from '../src/http/app.ts';
import { createServices } from '../src/services.ts';
import { Client, type EngineUnderTest } from './harness.ts';

/** Real server processes for the reliability suite: started, killed and restarted on one database. */

export const FULL = process.env.RELIABILITY === 'full';

export interface Site {
  engine: EngineUnderTest;
  dataDir: string;
  /** Opens the site's database in this process (for arranging and checking, never while racing). */
  open(): DatabaseHandle;
  remove(): void;
}

export function site(engine: EngineUnderTest): Site {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-reliability-'));
  return {
    engine,
    dataDir,
    open: () => connect({ databaseUrl: engine.url, dataDir, pgPoolSize: 4 }),
    remove: () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** Creates an account and arranges data through the in-process app; returns its key and what fn made. */
export async function arrange<T>(
  s: Site,
  fn: (c: Client) => Promise<T>,
): Promise<{ apikey: string; idaccount: number; data: T }> {
  const handle = s.open();
  try {
    await migrateToLatest(handle);
    const services = createServices({
      handle,
      config: { transitDays: 2, webhookAllowedHosts: [], smtpUrl: undefined, smtpFrom: 'T <t@localhost>' },
    });
    const account = await services.accounts.createAccount(`reliability-${process.pid}-${Date.now()}`);
    const app = await buildApp({ services, rateLimitPerMinute: 1_000_000 });
    try {
      const data = await fn(new Client(app, account.apikey, account.idaccount));
      return { apikey: account.apikey, idaccount: account.idaccount, data };
    } finally {
      await app.close();
    }
  } finally {
    await handle.close();
  }
}

export interface Server {
  url: string;
  child: ChildProcess;
  /** Every line the process wrote (pino JSON on stdout, anything on stderr). */
  output: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** Spawns `node --import tsx src/server.ts` on the site and waits until GET /ready answers 200. */
export async function startServer(s: Site, env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: s.dataDir,
      DATABASE_URL: s.engine.url ?? '',
      STOCKROOM_API_KEY: '',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '1000000',
      WEBHOOK_WORKER_IN_SERVER: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const onLine = (into: string[]) => (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) into.push(line);
  };
  child.stdout.on('data', onLine(output));
  child.stderr.on('data', onLine(stderr));
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr.join('\n')}`);
    const res = await fetch(`${url}/ready`).catch(() => undefined);
    if (res?.status === 200) return { url, child, output, stderr, exited };
    await sleep(100);
  }
  throw new Error(`server never became ready: ${output.concat(stderr).join('\n')}`);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** One HTTP call with the account's key; undefined when the connection failed (a killed server). */
export async function call(
  url: string,
  apikey: string,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer | undefined> {
  try {
    const res = await fetch(`${url}/api/v1${route}`, {
      method,
      headers: {
        authorization: 'Basic ' + Buffer.from(`${apikey}:X`).toString('base64'),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, headers: res.headers };
  } catch {
    return undefined;
  }
}

/** Log lines at error level or above (pino: level >= 50), and anything not JSON (a stack trace). */
export function errorsLogged(server: Server): string[] {
  const bad: string[] = [...server.stderr];
  for (const line of server.output) {
    try {
      const entry = JSON.parse(line) as { level?: number };
      if ((entry.level ?? 0) >= 50) bad.push(line);
    } catch {
      if (line.trim() !== '') bad.push(line);
    }
  }
  return bad;
}
