import type { DatabaseHandle } from '../../db/connection.ts';
import type { Db } from '../../db/transaction.ts';
import { notFound } from '../../domain/errors.ts';
import { formatDateTime, type Clock } from '../../domain/time.ts';
import { recordBackgroundRun } from '../ops/ops.metrics.ts';
import * as repo from './jobs.repository.ts';

export type JobKind = 'backorders.process' | 'import.products' | 'import.stock';

/** Reports progress of a running job: done out of total (null: not known yet). */
export type JobProgress = (done: number, total: number | null) => void;

function jobView(j: NonNullable<Awaited<ReturnType<typeof repo.findJob>>>) {
  return {
    idjob: j.idjob,
    kind: j.kind,
    status: j.status as 'queued' | 'running' | 'done' | 'failed',
    progress: {
      done: j.progress_done,
      total: j.progress_total,
      percent:
        j.progress_total === null || j.progress_total === 0
          ? j.status === 'done'
            ? 100
            : null
          : Math.min(100, Math.round((100 * j.progress_done) / j.progress_total)),
    },
    result: j.result === null ? null : (JSON.parse(j.result) as unknown),
    error: j.error,
    created: j.created_at,
    started: j.started_at,
    finished: j.finished_at,
  };
}

export type JobView = ReturnType<typeof jobView>;

/**
 * Long work run as a job: the request that starts it answers 202 with the job at once, the work
 * runs on in this process, and its progress and result are rows of `jobs`, so every server process
 * answers GET /jobs/{id}. The work itself runs through the same service functions as the
 * synchronous request, in its own transactions. A process that stops mid-job leaves it `running`
 * (see docs/adr/0016-operations.md).
 */
export function createJobsService(handle: DatabaseHandle, clock: Clock) {
  const now = () => formatDateTime(clock());
  const db = handle.db;
  const inFlight = new Set<Promise<void>>();

  return {
    async start<T>(
      idaccount: number,
      kind: JobKind,
      work: (progress: JobProgress) => Promise<T>,
    ): Promise<JobView> {
      const idjob = await repo.insertJob(db, idaccount, kind, now());
      const run = (async () => {
        let failed = false;
        try {
          await repo.markRunning(db, idjob, now());
          // Progress is written beside the work, never awaited by it: on SQLite the work's own
          // transaction holds the one connection, and the write waits for its commit.
          let latest: { done: number; total: number | null } | undefined;
          let writer: Promise<void> | undefined;
          const flush = async () => {
            while (latest) {
              const p = latest;
              latest = undefined;
              await repo.setProgress(db, idjob, p.done, p.total, now()).catch(() => {});
            }
            writer = undefined;
          };
          const result = await work((done, total) => {
            latest = { done, total };
            writer ??= flush();
          });
          await writer;
          await repo.finishJob(
            db,
            idjob,
            { status: 'done', result: JSON.stringify(result ?? null), error: null },
            now(),
          );
        } catch (err) {
          failed = true;
          // A job's error is shown to its account: the message of a rule error, never a stack.
          const message =
            err instanceof Error && err.name === 'DomainError'
              ? err.message
              : 'The job failed; see the server log';
          await repo
            .finishJob(db, idjob, { status: 'failed', result: null, error: message }, now())
            .catch(() => {});
          if (!(err instanceof Error && err.name === 'DomainError'))
            console.error(`job ${idjob} (${kind}) failed:`, err);
        } finally {
          recordBackgroundRun(`job:${kind}`, failed);
        }
      })();
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
      const j = await repo.findJob(db, idaccount, idjob);
      return jobView(j!);
    },

    async get(dbh: Db, idaccount: number, idjob: number): Promise<JobView> {
      const j = await repo.findJob(dbh, idaccount, idjob);
      if (!j) throw notFound('Job', idjob);
      return jobView(j);
    },

    /** Waits for the jobs this process runs (graceful stop, tests). */
    async idle(): Promise<void> {
      await Promise.all([...inFlight]);
    },

    ordersWithAvailableBackorders: (dbh: Db, idaccount: number) =>
      repo.ordersWithAvailableBackorders(dbh, idaccount),
  };
}

export type JobsService = ReturnType<typeof createJobsService>;
