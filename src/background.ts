import type { Config } from './config.ts';
import { recordBackgroundRun } from './modules/ops/ops.metrics.ts';
import type { WebhookWorkerOptions, WorkerLog } from './modules/webhooks/webhooks.worker.ts';
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
  run(services: Services): Promise<void>;
}

/** The periodic tasks of the application; modules add theirs here. */
export function periodicTasks(): PeriodicTask[] {
  return [
    {
      // Backorders whose estimated ship date passed before they shipped: backorders.delay_noticed,
      // once per backorder and date (safe in several processes: rows are rechecked under lock).
      name: 'backorder-missed-dates',
      intervalMs: 15 * 60_000,
      run: async (services) => {
        await services.backorders.noticeMissedDates();
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

/** Runs a task every intervalMs (never overlapping itself) until stopped. */
function startTask(task: PeriodicTask, services: Services, log: WorkerLog): Background {
  let stopped = false;
  let current: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    current = task
      .run(services)
      .then(
        () => recordBackgroundRun(task.name, false),
        (err: unknown) => {
          recordBackgroundRun(task.name, true);
          log.error({ err, task: task.name }, 'periodic task failed');
        },
      )
      .finally(() => {
        current = undefined;
        if (!stopped) timer = setTimeout(tick, task.intervalMs);
      });
  };
  timer = setTimeout(tick, task.intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
