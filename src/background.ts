import type { Config } from './config.ts';
import { recordBackgroundRun } from './modules/ops/ops.metrics.ts';
import type { WebhookWorkerOptions, WorkerLog } from './modules/webhooks/webhooks.worker.ts';
import { purgeExpiredKeys } from './modules/idempotency/idempotency.service.ts';
import type { Services } from './services.ts';

export interface Background {
  /** Stops the loops and waits for work in flight (deliveries being sent, a task running). */
  stop(): Promise<void>;
}

/**
 * Work that repeats on a timer, e.g. noticing backorders that will miss their estimate. It runs in
 * every process that runs the background (the server, or each `npm run worker`), so it must be safe
 * to run twice at the same time: do its writes in transactions that lock what they change.
 */
export interface PeriodicTask {
  name: string;
  intervalMs: number;
  /** The first run after start (default: 10 s or the interval, the shorter). */
  firstRunMs?: number;
  /** Units of work that fail are logged through `log` and skipped; a throw fails the whole run. */
  run(services: Services, log?: WorkerLog): Promise<void>;
}

/** After a failed run the next comes sooner than the interval, then later and later (capped). */
export const RETRY_BASE_MS = 30_000;
export const RETRY_MAX_MS = 60 * 60_000;

/** The delay before the next run after `failures` consecutive failed runs (0: the interval). */
export function nextDelay(task: PeriodicTask, failures: number): number {
  if (failures === 0) return task.intervalMs;
  return Math.min(RETRY_BASE_MS * 2 ** (failures - 1), RETRY_MAX_MS);
}

/** The periodic tasks of the application; modules add theirs here. */
export function periodicTasks(): PeriodicTask[] {
  return [
    {
      // Backorders whose estimated ship date passed before they shipped: backorders.delay_noticed,
      // once per backorder and date (safe in several processes: rows are rechecked under lock).
      // Each queue is a unit: one failing queue is logged and skipped, the others are reported.
      name: 'backorder-missed-dates',
      intervalMs: 15 * 60_000,
      firstRunMs: 10_000,
      run: async (services, log) => {
        let failures = 0;
        await services.backorders.noticeMissedDates(
          200,
          log &&
            ((err, unit) => {
              failures++;
              log.error({ err, ...unit }, 'missed-date check failed for a backorder queue; skipped');
            }),
        );
        if (failures > 0) throw new Error(`${failures} backorder queues failed the missed-date check`);
      },
    },
    {
      // Idempotency keys are remembered 24 hours (ADR 0013); older ones are deleted.
      name: 'idempotency-key-purge',
      intervalMs: 60 * 60_000,
      firstRunMs: 60_000,
      run: async (services, log) => {
        const purged = await purgeExpiredKeys(services.handle, services.clock());
        if (purged > 0) log?.info({ purged }, 'expired idempotency keys deleted');
      },
    },
  ];
}

/**
 * Background work inside the server process: the webhook delivery worker and the periodic tasks.
 * With WEBHOOK_WORKER_IN_SERVER=false the server leaves both to separate `npm run worker` processes.
 */
export function startBackground(services: Services, config: Config, log: WorkerLog): Background {
  if (!config.runWorkerInServer) {
    log.info({}, 'background work left to separate workers (WEBHOOK_WORKER_IN_SERVER=false)');
    return { stop: async () => {} };
  }
  return runBackground(services, log);
}

/** Starts the delivery worker and the periodic tasks; used by the server and by src/worker.ts. */
export function runBackground(
  services: Services,
  log: WorkerLog,
  options: { worker?: WebhookWorkerOptions; tasks?: PeriodicTask[] } = {},
): Background {
  const worker = services.webhooks.createWorker({ log, ...options.worker });
  worker.start();
  const tasks = (options.tasks ?? periodicTasks()).map((task) => startTask(task, services, log));
  log.info({ workerId: worker.workerId }, 'webhook delivery worker started');
  return {
    async stop() {
      await Promise.all([worker.stop(), ...tasks.map((t) => t.stop())]);
    },
  };
}

/**
 * Runs a task every intervalMs (never overlapping itself) until stopped: the first run soon after
 * start, a failed run logged and retried with backoff (nextDelay).
 */
function startTask(task: PeriodicTask, services: Services, log: WorkerLog): Background {
  let stopped = false;
  let failures = 0;
  let current: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    current = task
      .run(services, log)
      .then(
        () => {
          failures = 0;
          recordBackgroundRun(task.name, false);
        },
        (err: unknown) => {
          failures++;
          recordBackgroundRun(task.name, true);
          log.error(
            { err, task: task.name, failures, retryInMs: nextDelay(task, failures) },
            'periodic task failed',
          );
        },
      )
      .finally(() => {
        current = undefined;
        if (!stopped) timer = setTimeout(tick, nextDelay(task, failures));
      });
  };
  timer = setTimeout(tick, task.firstRunMs ?? Math.min(10_000, task.intervalMs));
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
