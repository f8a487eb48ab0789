import type { DatabaseHandle } from '../../db/connection.ts';
import { withTransaction, type Db } from '../../db/transaction.ts';
import { invalid, notFound } from '../../domain/errors.ts';
import { formatDateTime, type Clock } from '../../domain/time.ts';
import type { EventsService } from '../events/events.service.ts';
import { createAddressGuard, type AddressGuard, type Resolver } from './webhooks.guard.ts';
import { isWebhookEvent, WEBHOOK_EVENTS } from './webhooks.events.ts';
import * as repo from './webhooks.repository.ts';
import { WebhookWorker, type WebhookWorkerOptions } from './webhooks.worker.ts';

export interface HookInput {
  name: string;
  event: string;
  address: string;
  secret?: string | null;
}

/** A hook as the API shows it: the secret is write-only, `secret` only says whether there is one. */
export interface HookView {
  idhook: number;
  name: string;
  event: string;
  address: string;
  active: boolean;
  secret: boolean;
}

const view = (h: repo.HookRow): HookView => ({
  idhook: h.idhook,
  name: h.name,
  event: h.event,
  address: h.address,
  active: h.active === 1,
  secret: h.secret !== null,
});

/**
 * Hooks (Picqer's hooks resource) and the queue of their deliveries. Registers the fan-out on the
 * events outbox: a delivery row is written in the transaction of its event, for every active hook
 * subscribed to it, so a delivery exists exactly when its event committed. The worker
 * (webhooks.worker.ts) sends them.
 */
export function createWebhooksService(deps: {
  handle: DatabaseHandle;
  clock: Clock;
  events: EventsService;
  allowedHosts: readonly string[];
  resolver?: Resolver;
}) {
  const { handle, clock, events } = deps;
  const guard: AddressGuard = createAddressGuard(deps.allowedHosts, deps.resolver);
  const now = () => formatDateTime(clock());

  events.useFanOut(repo.queueDeliveriesSql);

  async function requireHook(db: Db, idaccount: number, idhook: number): Promise<repo.HookRow> {
    const hook = await repo.findHook(db, idaccount, idhook);
    if (!hook || hook.deleted === 1) throw notFound('Hook', idhook);
    return hook;
  }

  return {
    guard,

    async list(db: Db, idaccount: number, offset: number, limit: number): Promise<HookView[]> {
      return (await repo.listHooks(db, idaccount, { offset, limit })).map(view);
    },

    async get(db: Db, idaccount: number, idhook: number): Promise<HookView> {
      return view(await requireHook(db, idaccount, idhook));
    },

    async create(idaccount: number, input: HookInput): Promise<HookView> {
      const name = input.name.trim();
      if (!name) throw invalid('name must not be empty');
      if (!isWebhookEvent(input.event))
        throw invalid(`event "${input.event}" is unknown; use one of: ${WEBHOOK_EVENTS.join(', ')}`);
      const url = await guard.check(input.address.trim());
      const secret = input.secret ? input.secret : null;
      return withTransaction(handle, async (trx) => {
        const idhook = await repo.insertHook(trx, {
          idaccount,
          name,
          event: input.event,
          address: url.href,
          secret,
          created: now(),
        });
        return view(await requireHook(trx, idaccount, idhook));
      });
    },

    /** Picqer deactivates rather than erases: the hook stops and its delivery history stays. */
    async remove(idaccount: number, idhook: number): Promise<void> {
      await withTransaction(handle, async (trx) => {
        const hook = await repo.lockHook(trx, handle.engine, idaccount, idhook);
        if (!hook || hook.deleted === 1) throw notFound('Hook', idhook);
        const at = now();
        await repo.setHookState(trx, idaccount, idhook, { active: 0, deleted: 1, updated: at });
        await repo.skipPending(trx, idaccount, idhook, at);
      });
    },

    /** Active again for events from now on; deliveries skipped while it was inactive stay skipped. */
    async reactivate(idaccount: number, idhook: number): Promise<HookView> {
      return withTransaction(handle, async (trx) => {
        const hook = await repo.lockHook(trx, handle.engine, idaccount, idhook);
        if (!hook || hook.deleted === 1) throw notFound('Hook', idhook);
        await repo.setHookState(trx, idaccount, idhook, { active: 1, updated: now() });
        return view(await requireHook(trx, idaccount, idhook));
      });
    },

    /** The hook's deliveries, newest first, each with its attempts and the receiver's answers. */
    async listDeliveries(
      db: Db,
      idaccount: number,
      idhook: number,
      filter: { status?: string; offset: number; limit: number },
    ) {
      await requireHook(db, idaccount, idhook);
      const rows = await repo.listDeliveries(db, idaccount, idhook, filter);
      const attempts = await repo.attemptsOf(
        db,
        idaccount,
        rows.map((r) => r.iddelivery),
      );
      return rows.map((r) => ({
        ...r,
        next_attempt_at: r.status === 'pending' ? r.next_attempt_at : null,
        attempts: attempts
          .filter((a) => a.iddelivery === r.iddelivery)
          .map((a) => ({
            idattempt: a.idattempt,
            attempted_at: a.attempted_at,
            success: a.success === 1,
            status_code: a.status_code,
            response_body: a.response_body,
            error: a.error,
            duration_ms: a.duration_ms,
          })),
      }));
    },

    /** A delivery worker on this database; start() it, or drive it with runOnce() in tests. */
    createWorker(options: WebhookWorkerOptions = {}): WebhookWorker {
      return new WebhookWorker({ handle, clock, guard }, options);
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
