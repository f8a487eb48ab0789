import type { Engine } from '../../db/engine.ts';
import { beforeCommit, defersWork, unitSlot, unitState, type Db, type Trx } from '../../db/transaction.ts';
import { formatDateTime, type Clock } from '../../domain/time.ts';
import * as repo from './events.repository.ts';

/** Resource types events are about. */
export type ResourceType = 'product' | 'order' | 'picklist' | 'backorder' | 'purchaseorder' | 'receipt';

/**
 * The fan-out of every event (the webhooks module's deliveries), written in the statement that
 * inserts the events (see events.repository.ts FanOutSql).
 */
export type EventFanOut = repo.FanOutSql;

/** The events a transaction has emitted and not yet written, in emission order. */
const OUTBOX = unitSlot<repo.NewEvent[]>('events', () => []);

/**
 * The outbox. Every event is written in the transaction of the change that caused it, so an event
 * exists exactly when its change committed: none lost, none invented. A transaction's events are
 * kept in emission order and written together just before its commit, after all other deferred
 * work (so the events that deferred work emits go with them): one statement whatever their number.
 */
export function createEventsService(clock: Clock, engine: Engine = 'sqlite') {
  let statements = repo.eventStatements(engine, undefined);

  async function flush(trx: Trx): Promise<void> {
    const queued = unitState(trx, OUTBOX);
    const events = queued.splice(0, queued.length);
    await repo.insertEvents(trx, statements, events, formatDateTime(clock()));
  }

  return {
    /** Sets the fan-out (one: the webhooks module's). */
    useFanOut(fn: EventFanOut): void {
      statements = repo.eventStatements(engine, fn);
    },

    /** Queues an event in trx; it is written just before the commit (or now, outside withTransaction). */
    async emit(
      trx: Trx,
      idaccount: number,
      event: string,
      resourceType: ResourceType,
      resourceId: number,
      data: unknown,
    ): Promise<void> {
      const row: repo.NewEvent = {
        idaccount,
        event,
        resource_type: resourceType,
        resource_id: resourceId,
        data: JSON.stringify(data),
        created_at: formatDateTime(clock()),
      };
      if (!defersWork(trx)) return repo.insertEvents(trx, statements, [row], row.created_at);
      const queued = unitState(trx, OUTBOX);
      queued.push(row);
      if (queued.length === 1) beforeCommit(trx, 'events', flush, { last: true });
    },

    async list(db: Db, idaccount: number, filter: { sinceid?: number; event?: string; limit: number }) {
      const rows = await repo.listEvents(db, idaccount, filter);
      return rows.map((r) => ({
        idevent: r.idevent,
        event: r.event,
        resource_type: r.resource_type,
        resource_id: r.resource_id,
        event_triggered_at: r.created_at,
        data: JSON.parse(r.data) as unknown,
      }));
    },
  };
}

export type EventsService = ReturnType<typeof createEventsService>;
