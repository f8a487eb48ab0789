import client from 'prom-client';
import { pgPoolOf, type DatabaseHandle } from '../../db/connection.ts';
import { transactionStats } from '../../db/transaction.ts';
import { formatDate, parseDateTime, type Clock } from '../../domain/time.ts';
import * as repo from './ops.repository.ts';

/**
 * Runs of background work (periodic tasks, jobs) in this process, by name and outcome. Module-level
 * like transactionStats: the background loops and job runner report here wherever they run.
 */
export const backgroundStats = new Map<string, { runs: number; failures: number }>();

/** Counts one run of background work `name`; `failed` when it threw. */
export function recordBackgroundRun(name: string, failed: boolean): void {
  const s = backgroundStats.get(name) ?? { runs: 0, failures: 0 };
  s.runs++;
  if (failed) s.failures++;
  backgroundStats.set(name, s);
}

export interface Metrics {
  registry: client.Registry;
  /** Records one answered HTTP request. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

/** A counter whose value is read from somewhere else at scrape time. */
function mirroredCounter(
  registry: client.Registry,
  name: string,
  help: string,
  labelNames: string[],
  read: () => [Record<string, string>, number][],
): void {
  new client.Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.inc(labels, value);
    },
  });
}

/** A gauge set from a database query at scrape time. */
function queriedGauge(
  registry: client.Registry,
  name: string,
  help: string,
  labelNames: string[],
  read: () => Promise<[Record<string, string | number>, number][]>,
): void {
  new client.Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      const values = await read();
      this.reset();
      for (const [labels, value] of values) this.set(labels, value);
    },
  });
}

/**
 * The Prometheus metrics of one app: HTTP requests, database transactions and pool, background
 * work, and the gauges an operator alerts on, read from the database at every scrape (per account).
 * One registry per app, so several apps in one process (tests) do not share or clash.
 */
export function createMetrics(handle: DatabaseHandle, clock: Clock): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'stockroom_process_' });
  const db = handle.db;

  const requests = new client.Counter({
    name: 'stockroom_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new client.Histogram({
    name: 'stockroom_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  mirroredCounter(
    registry,
    'stockroom_db_transactions_total',
    'Database transactions begun by this process (each attempt)',
    [],
    () => [[{}, transactionStats.transactions]],
  );
  mirroredCounter(
    registry,
    'stockroom_db_transaction_retries_total',
    'Transactions retried after a serialization failure or deadlock (PostgreSQL)',
    [],
    () => [[{}, transactionStats.retries]],
  );
  mirroredCounter(
    registry,
    'stockroom_db_deadlocks_total',
    'Deadlocks among the retried transactions (PostgreSQL)',
    [],
    () => [[{}, transactionStats.deadlocks]],
  );

  const pool = pgPoolOf(handle);
  if (pool) {
    new client.Gauge({
      name: 'stockroom_db_pool_connections',
      help: 'PostgreSQL connections of this process by state (total, idle, in use) and requests waiting for one',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }

  mirroredCounter(
    registry,
    'stockroom_background_runs_total',
    'Runs of background work in this process (periodic tasks, jobs), by name',
    ['name'],
    () => [...backgroundStats].map(([name, s]) => [{ name }, s.runs]),
  );
  mirroredCounter(
    registry,
    'stockroom_background_failures_total',
    'Runs of background work that failed, by name',
    ['name'],
    () => [...backgroundStats].map(([name, s]) => [{ name }, s.failures]),
  );

  const perAccount = (rows: repo.AccountCount[]): [Record<string, number>, number][] =>
    rows.map((r) => [{ idaccount: r.idaccount }, Number(r.n)]);
  queriedGauge(
    registry,
    'stockroom_backorders_open',
    'Open backorders (pending, confirmed, in production, in transit), per account',
    ['idaccount'],
    async () => perAccount(await repo.openBackorders(db)),
  );
  queriedGauge(
    registry,
    'stockroom_backorders_available_unprocessed',
    'Open backorders with available stock not yet turned into picklists (POST /backorders/process), per account',
    ['idaccount'],
    async () => perAccount(await repo.availableUnprocessed(db)),
  );
  queriedGauge(
    registry,
    'stockroom_purchaseorders_overdue',
    'Purchased purchase orders past their delivery date, per account',
    ['idaccount'],
    async () => perAccount(await repo.overduePurchaseOrders(db, formatDate(clock()))),
  );
  queriedGauge(
    registry,
    'stockroom_webhook_deliveries',
    'Webhook deliveries by outcome (pending, delivered, failed, skipped), all accounts',
    ['status'],
    async () => (await repo.deliveriesByStatus(db)).map((r) => [{ status: r.status }, Number(r.n)]),
  );
  const lags = async () => repo.hookLags(db);
  queriedGauge(
    registry,
    'stockroom_outbox_lag_events',
    'Per active hook: newest event queued for it minus the newest event delivered to it',
    ['idaccount', 'idhook'],
    async () =>
      (await lags()).map((l) => [
        { idaccount: l.idaccount, idhook: l.idhook },
        l.pending === 0 ? 0 : l.newest - l.delivered,
      ]),
  );
  queriedGauge(
    registry,
    'stockroom_outbox_lag_seconds',
    'Per active hook: age of the oldest event still waiting for delivery (0 when none waits)',
    ['idaccount', 'idhook'],
    async () => {
      const now = clock().getTime();
      return (await lags()).map((l) => {
        const oldest = l.oldest_pending_at ? parseDateTime(l.oldest_pending_at) : undefined;
        return [
          { idaccount: l.idaccount, idhook: l.idhook },
          oldest ? Math.max(0, (now - oldest.getTime()) / 1000) : 0,
        ];
      });
    },
  );
  queriedGauge(
    registry,
    'stockroom_jobs',
    'Jobs (GET /jobs/{id}) by kind and status, all accounts',
    ['kind', 'status'],
    async () => (await repo.jobsByStatus(db)).map((r) => [{ kind: r.kind, status: r.status }, Number(r.n)]),
  );

  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
  };
}
