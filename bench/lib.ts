/**
 * What every benchmark shares: the engines and a throwaway database on each, the measuring loop
 * (N seconds, interleaved with the ceiling a figure is compared to, medians of rounds), an API client
 * over the in-process app, and the table of figures, ceilings, ratios and targets that
 * `npm run bench` prints at the end and writes to bench/results/latest.json.
 *
 * Settings (environment): BENCH_SECONDS (seconds per round, default 10; 1 for a quick look),
 * BENCH_BACKORDERS (the largest backorder set, default 100,000).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { connect, type ConnectOptions, type DatabaseHandle } from '../src/db/connection.ts';
import type { App } from '../src/http/types.ts';

export interface BenchEngine {
  name: 'sqlite' | 'postgres';
  url?: string;
}

function positive(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`expected a positive number, got ${JSON.stringify(text)}`);
  return n;
}

export const settings = {
  /** Seconds per measured round. */
  seconds: positive(process.env.BENCH_SECONDS, 10),
  /** Rounds per figure; the figure is the median. */
  rounds: 3,
  /** The largest POST /backorders/process measured; the smaller one is a tenth of it. */
  backorders: Math.round(positive(process.env.BENCH_BACKORDERS, 100_000)),
};

/** Service configuration for benchmarks (no mail, webhooks to the local host only). */
export const benchConfig = {
  transitDays: 2,
  webhookAllowedHosts: ['127.0.0.1'],
  smtpUrl: undefined,
  smtpFrom: 'bench@localhost',
};

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const seconds = (since: number): number => (performance.now() - since) / 1000;

// ---------------------------------------------------------------------------------------------
// Throwaway databases

export interface TempDatabase {
  engine: BenchEngine['name'];
  /** The PostgreSQL URL whose connections work in this database's own schema; undefined on SQLite. */
  url: string | undefined;
  /** A fresh directory: the SQLite file lives here, and other files may be put beside it. */
  dataDir: string;
  /** Opens the app's connection (same code as the server: src/db/connection.ts). */
  connect(options?: Omit<ConnectOptions, 'databaseUrl' | 'dataDir'>): DatabaseHandle;
  /** Removes the database (the SQLite directory, the PostgreSQL schema). */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one benchmark, so every run measures the same amount of data however
 * often it ran before. On SQLite a file in a new temp directory; on PostgreSQL a new schema in the
 * given database, made the only one on the search path of every connection (`options` in the URL),
 * and dropped afterwards.
 */
export async function tempDatabase(engine: BenchEngine): Promise<TempDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-bench-'));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (!engine.url)
    return {
      engine: 'sqlite',
      url: undefined,
      dataDir,
      connect: (options) => connect({ ...options, dataDir }),
      drop: async () => removeDir(),
    };
  const schema = `bench_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: engine.url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create schema ${schema}`);
  const url = new URL(engine.url);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    engine: 'postgres',
    url: url.toString(),
    dataDir,
    connect: (options) => connect({ ...options, dataDir, databaseUrl: url.toString() }),
    drop: async () => {
      removeDir();
      await admin(`drop schema ${schema} cascade`);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring

export interface Throughput {
  perSecond: number;
  ops: number;
  p50: number;
  p99: number;
}

/** One operation of a measured side; `worker` (0 .. concurrency-1) lets each client keep its own row. */
export type Operation = (worker: number) => unknown;

export interface Side {
  label: string;
  concurrency: number;
  op: Operation;
}

/** Resolves in the next turn of the event loop (its check phase), after the I/O and immediates already due. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs op from `concurrency` clients at once, each starting the next call when its last one ends, for `secs` seconds.
 *
 * Each client waits for the next turn of the event loop before its next call, as a request arriving over a
 * socket would. Without that, calls that never wait for I/O (inject, better-sqlite3) chain through
 * microtasks only and the loop never turns for the whole round: the `setImmediate` callbacks inject's
 * null socket queues for every response never run, and each holds its request and response (about 10 KB)
 * until the round ends. 16 clients for 10 s took the heap to 4 GB, and the GC pauses sank the figures.
 */
export async function throughput(secs: number, concurrency: number, op: Operation): Promise<Throughput> {
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + secs * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < until) {
        const t0 = performance.now();
        await op(worker);
        latencies.push(performance.now() - t0);
        await nextTurn();
      }
    }),
  );
  const ms = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { perSecond: (latencies.length / ms) * 1000, ops: latencies.length, p50: pct(0.5), p99: pct(0.99) };
}

export interface Measured {
  label: string;
  concurrency: number;
  /** The median of the rounds' throughputs (operations per second). */
  perSecond: number;
  rounds: Throughput[];
}

const describe = (m: Measured) =>
  `${m.label}, ${m.concurrency} client${m.concurrency === 1 ? '' : 's'}: ${Math.round(m.perSecond)}/s ` +
  `(rounds ${m.rounds.map((r) => Math.round(r.perSecond)).join(', ')}; ` +
  `p50 ${median(m.rounds.map((r) => r.p50)).toFixed(2)} ms, p99 ${median(m.rounds.map((r) => r.p99)).toFixed(2)} ms)`;

/**
 * Measures sides in turn, round after round (ceiling, figure, ceiling, figure, ...), so a figure and
 * the ceiling it is compared to see the same machine: load from elsewhere on a shared machine hits
 * both. Each side is warmed up first. Prints each side's median and returns them in order.
 */
export async function interleaved(sides: Side[], options: { rounds?: number; secs?: number } = {}) {
  const rounds = options.rounds ?? settings.rounds;
  const secs = options.secs ?? settings.seconds;
  for (const side of sides) await throughput(Math.min(1, secs / 4), side.concurrency, side.op);
  const results = sides.map(() => [] as Throughput[]);
  for (let r = 0; r < rounds; r++)
    for (const [i, side] of sides.entries())
      results[i]!.push(await throughput(secs, side.concurrency, side.op));
  const measured = sides.map((side, i): Measured => ({
    label: side.label,
    concurrency: side.concurrency,
    perSecond: median(results[i]!.map((t) => t.perSecond)),
    rounds: results[i]!,
  }));
  for (const m of measured) console.log(describe(m));
  return measured;
}

// ---------------------------------------------------------------------------------------------
// The app

export type ApiCall = (method: 'GET' | 'POST', url: string, body?: unknown) => Promise<any>;

/** Calls the in-process app (inject) with an account's key; a non-2xx answer throws. */
export function apiClient(app: App, apikey: string): ApiCall {
  const authorization = 'Basic ' + Buffer.from(`${apikey}:X`).toString('base64');
  return async (method, url, body) => {
    const res = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization, 'content-type': 'application/json' },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    if (res.statusCode >= 300)
      throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 500)}`);
    return res.json();
  };
}

// ---------------------------------------------------------------------------------------------
// Results: figure, ceiling, ratio, target

export interface Target {
  /** What the target bounds: the ratio to the ceiling, or the figure itself. */
  on: 'ratio' | 'value';
  compare: '>=' | '<=';
  bound: number;
  /** Why the target is not judged in this run (e.g. a smaller data set than the target is for). */
  notJudged?: string;
}

export interface ResultRow {
  /** A stable name for the figure (with engine, the key to it in latest.json), e.g. 'stock.change'. */
  key: string;
  engine: BenchEngine['name'];
  figure: string;
  value: number;
  unit: '/s' | 's' | 'x';
  ceiling?: { label: string; value: number };
  ratio?: number;
  target?: Target;
  verdict: 'PASS' | 'FAIL' | 'n/a' | '-';
  rounds?: number[];
  ceilingRounds?: number[];
}

const rows: ResultRow[] = [];

/** Adds a row to the final table; the verdict follows from the target. */
export function record(row: Omit<ResultRow, 'verdict' | 'ratio'>): ResultRow {
  const ratio = row.ceiling ? row.value / row.ceiling.value : undefined;
  let verdict: ResultRow['verdict'] = '-';
  if (row.target) {
    const x = row.target.on === 'ratio' ? ratio : row.value;
    if (row.target.notJudged || x === undefined) verdict = 'n/a';
    else
      verdict = (row.target.compare === '>=' ? x >= row.target.bound : x <= row.target.bound)
        ? 'PASS'
        : 'FAIL';
  }
  const full: ResultRow = { ...row, ...(ratio !== undefined ? { ratio } : {}), verdict };
  rows.push(full);
  return full;
}

/** A figure measured against its ceiling by interleaved(). */
export function recordAgainst(
  key: string,
  engine: BenchEngine['name'],
  figure: Measured,
  ceiling: Measured,
  target?: Target,
): ResultRow {
  return record({
    key,
    engine,
    figure: `${figure.label}, ${figure.concurrency} client${figure.concurrency === 1 ? '' : 's'}`,
    value: figure.perSecond,
    unit: '/s',
    ceiling: { label: ceiling.label, value: ceiling.perSecond },
    ...(target ? { target } : {}),
    rounds: figure.rounds.map((r) => r.perSecond),
    ceilingRounds: ceiling.rounds.map((r) => r.perSecond),
  });
}

export const results = (): readonly ResultRow[] => rows;

function formatValue(value: number, unit: ResultRow['unit']): string {
  if (unit === '/s') return `${Math.round(value).toLocaleString('en-US')}/s`;
  if (unit === 's') return `${value.toFixed(value < 10 ? 2 : 1)} s`;
  return `${value.toFixed(1)}x`;
}

function formatTarget(row: ResultRow): string {
  const t = row.target;
  if (!t) return '';
  const bound = t.on === 'ratio' || row.unit === 'x' ? `${t.bound}x` : `${t.bound} ${row.unit}`;
  return `${t.compare} ${bound}${t.notJudged ? ` (${t.notJudged})` : ''}`;
}

/**
 * Prints the results as a table (markdown, so it can go into the README as it is), rows of the keys
 * in `order` first in that order (SQLite before PostgreSQL), then the others as recorded.
 */
export function printTable(order: string[] = []): void {
  const rank = (r: ResultRow) => {
    const i = order.indexOf(r.key);
    return (i < 0 ? order.length : i) * 2 + (r.engine === 'sqlite' ? 0 : 1);
  };
  const sorted = rows.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i);
  const header = ['engine', 'figure', 'value', 'ceiling (same run)', 'ratio', 'target', 'verdict'];
  const lines = sorted.map(({ r }) => [
    r.engine,
    r.figure,
    formatValue(r.value, r.unit),
    r.ceiling ? `${r.ceiling.label}: ${formatValue(r.ceiling.value, '/s')}` : '',
    r.ratio !== undefined ? `${r.ratio.toFixed(2)}x` : '',
    formatTarget(r),
    r.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const l of lines) console.log(line(l));
}

/** Writes the run's settings and rows as JSON (bench/results/ is not committed). */
export function writeJson(file: string, extra: Record<string, unknown>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const machine = {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
  const body = { ...extra, node: process.version, machine, settings, rows };
  fs.writeFileSync(file, JSON.stringify(body, null, 2) + '\n');
}
