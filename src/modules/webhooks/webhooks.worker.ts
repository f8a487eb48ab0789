import crypto from 'node:crypto';
import os from 'node:os';
import type { DatabaseHandle } from '../../db/connection.ts';
import { withTransaction } from '../../db/transaction.ts';
import { formatDateTime, type Clock } from '../../domain/time.ts';
import type { AddressGuard } from './webhooks.guard.ts';
import { envelopeBody, postWebhook, type PostOutcome } from './webhooks.delivery.ts';
import * as repo from './webhooks.repository.ts';

/**
 * Seconds to wait before each retry. Picqer retries a failed delivery 15 times over about 17 hours,
 * the first retries within a minute: 1 try + these 14 retries = 15 tries, 62,325 s (17.3 h) from the
 * first try to the last.
 */
export const RETRY_SCHEDULE_SECONDS: readonly number[] = [
  15, 30, 60, 120, 300, 600, 1200, 2400, 3600, 7200, 10800, 10800, 10800, 14400,
];

/** A hook is deactivated when this many of its deliveries were given up on within the window. */
export const FAILURES_TO_DEACTIVATE = 5;
export const FAILURE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The logger the worker writes to (pino's, or the worker process's own). */
export interface WorkerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const silent: WorkerLog = { info() {}, warn() {}, error() {} };

export interface WebhookWorkerOptions {
  /** Unique per worker; the lease names it. */
  workerId?: string;
  /** Time for schedules and leases (tests pass a fake clock). */
  clock?: Clock;
  /** Seconds before retry n; tries = length + 1. Default RETRY_SCHEDULE_SECONDS. */
  retrySchedule?: readonly number[];
  /** Per request (Picqer: 10 s). */
  timeoutMs?: number;
  /** How long a claim holds; longer than the timeout, renewed before each send when it runs short. */
  leaseMs?: number;
  /** Sleep between polls when nothing was due. */
  pollIntervalMs?: number;
  /** Deliveries claimed at once. */
  batchSize?: number;
  /** Hooks served at the same time; the deliveries of one hook go one after the other, by event. */
  concurrency?: number;
  guard?: AddressGuard;
  log?: WorkerLog;
  /** Only these accounts' deliveries (tests sharing a database; or sharding workers by account). */
  idaccounts?: readonly number[];
}

type Deps = { handle: DatabaseHandle; clock: Clock; guard: AddressGuard };

/**
 * Sends the queued webhook deliveries: claims due ones with a lease (so several workers, in one or
 * several processes, never send one delivery at the same time), posts them, records every attempt,
 * reschedules failures by the retry schedule, gives up after the last try and deactivates a hook
 * after FAILURES_TO_DEACTIVATE given-up deliveries within 24 hours.
 *
 * Delivery is at least once: a worker that dies after the receiver answered but before recording
 * it leaves the claim to expire, and the delivery is sent again. Receivers dedupe on the
 * X-Stockroom-Event header (or resource + event + event_triggered_at, as with Picqer).
 *
 * @example
 * const worker = services.webhooks.createWorker({ log: app.log });
 * worker.start();
 * // ...
 * await worker.stop(); // waits for deliveries in flight
 */
export class WebhookWorker {
  readonly workerId: string;
  private readonly clock: Clock;
  private readonly schedule: readonly number[];
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly guard: AddressGuard;
  private readonly log: WorkerLog;
  private readonly idaccounts: readonly number[] | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly deps: Deps,
    options: WebhookWorkerOptions = {},
  ) {
    this.workerId =
      options.workerId ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
    this.clock = options.clock ?? deps.clock;
    this.schedule = options.retrySchedule ?? RETRY_SCHEDULE_SECONDS;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.batchSize = options.batchSize ?? 20;
    this.concurrency = options.concurrency ?? 4;
    this.guard = options.guard ?? deps.guard;
    this.log = options.log ?? silent;
    this.idaccounts = options.idaccounts;
    if (this.leaseMs <= this.timeoutMs) throw new Error('the lease must be longer than the timeout');
  }

  /** Polls until stop(); errors (a database restart) are logged and the loop goes on. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Stops polling and waits for the deliveries in flight to be recorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let claimed = 0;
      try {
        claimed = await this.runOnce();
        failures = 0;
      } catch (err) {
        failures++;
        this.log.error({ err, workerId: this.workerId }, 'webhook worker: round failed');
      }
      // A full batch means more may be due: go on at once. Back off while the database fails.
      if (claimed < this.batchSize || failures > 0)
        await this.sleep(this.pollIntervalMs * Math.min(2 ** failures, 30));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /**
   * Claims one batch of due deliveries and sends them; returns how many were claimed. Tests drive
   * the worker with this instead of start().
   */
  async runOnce(): Promise<number> {
    const now = this.clock();
    const claimed = await repo.claimDue(this.deps.handle.db, this.deps.handle.engine, {
      now: formatDateTime(now),
      leaseUntil: formatDateTime(new Date(now.getTime() + this.leaseMs)),
      workerId: this.workerId,
      limit: this.batchSize,
      ...(this.idaccounts ? { idaccounts: this.idaccounts } : {}),
    });
    if (claimed.length === 0) return 0;
    const leaseUntil = now.getTime() + this.leaseMs;
    // One queue per hook, in event order; queues run side by side up to the concurrency.
    const byHook = new Map<string, repo.ClaimedDelivery[]>();
    for (const d of claimed) {
      const key = `${d.idaccount}:${d.idhook}`;
      byHook.set(key, [...(byHook.get(key) ?? []), d]);
    }
    const queues = [...byHook.values()].map((q) => q.sort((a, b) => a.idevent - b.idevent));
    const runQueue = async () => {
      for (let queue = queues.shift(); queue; queue = queues.shift()) {
        const lease = { until: leaseUntil };
        for (const d of queue) await this.deliverSafely(d, lease);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, queues.length) }, runQueue));
    return claimed.length;
  }

  private async deliverSafely(d: repo.ClaimedDelivery, lease: { until: number }): Promise<void> {
    try {
      await this.deliver(d, lease);
    } catch (err) {
      // The claim expires and another round retries it.
      this.log.error({ err, iddelivery: d.iddelivery }, 'webhook worker: delivery not recorded');
    }
  }

  private async deliver(d: repo.ClaimedDelivery, lease: { until: number }): Promise<void> {
    const { db } = this.deps.handle;
    const key = { idaccount: d.idaccount, iddelivery: d.iddelivery };
    // A claim must outlast the request, so that no other worker sends this delivery meanwhile.
    const margin = this.timeoutMs + 5000;
    if (lease.until - this.clock().getTime() < margin) {
      const until = this.clock().getTime() + this.leaseMs;
      if (!(await repo.renewLease(db, key, this.workerId, formatDateTime(new Date(until))))) return;
      lease.until = until;
    }
    const ctx = await repo.deliveryContext(db, d.idaccount, d.iddelivery);
    if (!ctx) return;
    if (ctx.active !== 1 || ctx.deleted === 1) {
      await repo.finishDelivery(db, key, this.workerId, {
        status: 'skipped',
        attempted: false,
        now: formatDateTime(this.clock()),
      });
      return;
    }
    const body = envelopeBody({
      idhook: d.idhook,
      name: ctx.name,
      event: ctx.event,
      event_triggered_at: ctx.event_triggered_at,
      dataJson: ctx.data,
    });
    const attemptedAt = formatDateTime(this.clock());
    const outcome = await this.post(ctx.address, body, ctx.secret, d);
    await this.record(d, attemptedAt, outcome);
  }

  private async post(
    address: string,
    body: string,
    secret: string | null,
    d: repo.ClaimedDelivery,
  ): Promise<PostOutcome> {
    let url: URL;
    try {
      // Again at delivery time: the address may resolve elsewhere now (the lookup checks once more).
      url = await this.guard.check(address);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { success: false, statusCode: null, responseBody: null, error: message, durationMs: 0 };
    }
    return postWebhook({
      url,
      body,
      secret,
      timeoutMs: this.timeoutMs,
      lookup: this.guard.lookup,
      headers: {
        'x-stockroom-delivery': String(d.iddelivery),
        'x-stockroom-event': String(d.idevent),
        'x-stockroom-attempt': String(d.attempts + 1),
      },
    });
  }

  /** Records the attempt and moves the delivery on, in one transaction. */
  private async record(d: repo.ClaimedDelivery, attemptedAt: string, outcome: PostOutcome): Promise<void> {
    const key = { idaccount: d.idaccount, iddelivery: d.iddelivery };
    const tries = this.schedule.length + 1;
    await withTransaction(this.deps.handle, async (trx) => {
      const nowDate = this.clock();
      const now = formatDateTime(nowDate);
      await repo.insertAttempt(trx, {
        idaccount: d.idaccount,
        iddelivery: d.iddelivery,
        idhook: d.idhook,
        attempted_at: attemptedAt,
        status_code: outcome.statusCode,
        response_body: outcome.responseBody,
        error: outcome.error,
        duration_ms: outcome.durationMs,
        success: outcome.success ? 1 : 0,
      });
      if (outcome.success) {
        await repo.finishDelivery(trx, key, this.workerId, { status: 'delivered', attempted: true, now });
        return;
      }
      if (d.attempts + 1 < tries) {
        const delay = (this.schedule[d.attempts] ?? 0) * 1000;
        await repo.finishDelivery(trx, key, this.workerId, {
          status: 'pending',
          attempted: true,
          now,
          nextAttemptAt: formatDateTime(new Date(nowDate.getTime() + delay)),
        });
        return;
      }
      // Given up. Lock order: the hook before its deliveries, as in deleting a hook.
      const hook = await repo.lockHook(trx, this.deps.handle.engine, d.idaccount, d.idhook);
      const failed = await repo.finishDelivery(trx, key, this.workerId, {
        status: 'failed',
        attempted: true,
        now,
      });
      if (!failed || !hook || hook.active !== 1) return;
      // Failures count from the last (re)activation, within the window.
      const windowStart = formatDateTime(new Date(nowDate.getTime() - FAILURE_WINDOW_MS));
      const since = hook.updated > windowStart ? hook.updated : windowStart;
      const count = await repo.countFailedSince(trx, d.idaccount, d.idhook, since);
      if (count >= FAILURES_TO_DEACTIVATE) {
        await repo.setHookState(trx, d.idaccount, d.idhook, { active: 0, updated: now });
        await repo.skipPending(trx, d.idaccount, d.idhook, now);
        this.log.warn(
          { idaccount: d.idaccount, idhook: d.idhook, failed: count },
          'webhook deactivated after repeated failed deliveries',
        );
      }
    });
  }
}
