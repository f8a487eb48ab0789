import type { Expression, RawBuilder } from 'kysely';
import type { Engine } from '../../db/engine.ts';
import type { Db, Trx } from '../../db/transaction.ts';
import { formatDateTime, type Clock } from '../../domain/time.ts';
import * as repo from './events.repository.ts';

/** Resource types events are about. */
export type ResourceType = 'product' | 'order' | 'picklist' | 'backorder' | 'purchaseorder' | 'receipt';

/** Called in the same transaction as the event. */
export type EventListener = (trx: Trx, idaccount: number, idevent: number, event: string) => Promise<void>;

/**
 * Rows queued with every event in the statement that inserts it (the webhook deliveries): an
 * INSERT ... SELECT built on the event's transaction, given the new event's id as an expression.
 */
export type EventFanOut = (
  trx: Trx,
  e: { idaccount: number; event: string; idevent: Expression<number> },
) => repo.FanOutStatement;

/** The fan-out of several events of one kind, given a relation of their new ids (column idevent). */
export type EventFanOutMany = (
  trx: Trx,
  e: { idaccount: number; event: string; newEvents: RawBuilder<{ idevent: number }> },
) => repo.FanOutStatement;

/**
 * The outbox. Every event is written in the transaction of the change that caused it, so an event
 * exists exactly when its change committed: none lost, none invented.
 */
export function createEventsService(clock: Clock, engine: Engine = 'sqlite') {
  const listeners: EventListener[] = [];
  let fanOut: EventFanOut | undefined;
  let fanOutMany: EventFanOutMany | undefined;
  return {
    onEvent(listener: EventListener): void {
      listeners.push(listener);
    },

    /**
     * Sets the fan-out (one: the webhooks module's), for one event and for several of one kind;
     * PostgreSQL runs it in the events' statement.
     */
    useFanOut(fn: EventFanOut, many: EventFanOutMany): void {
      fanOut = fn;
      fanOutMany = many;
    },

    async emit(
      trx: Trx,
      idaccount: number,
      event: string,
      resourceType: ResourceType,
      resourceId: number,
      data: unknown,
    ): Promise<number> {
      const queue = fanOut;
      const idevent = await repo.insertEvent(
        trx,
        engine,
        {
          idaccount,
          event,
          resource_type: resourceType,
          resource_id: resourceId,
          data: JSON.stringify(data),
          created_at: formatDateTime(clock()),
        },
        queue && ((id) => queue(trx, { idaccount, event, idevent: id })),
      );
      for (const listener of listeners) await listener(trx, idaccount, idevent, event);
      return idevent;
    },

    /**
     * Several events of one kind, one per resource (ids distinct), as emit would write them one
     * after the other, in one statement (PostgreSQL; two on SQLite) instead of one per event.
     * Answers the new ids in the order given.
     */
    async emitMany(
      trx: Trx,
      idaccount: number,
      event: string,
      resourceType: ResourceType,
      items: readonly { resourceId: number; data: unknown }[],
    ): Promise<number[]> {
      if (new Set(items.map((x) => x.resourceId)).size !== items.length)
        throw new Error(`events: emitMany got one ${resourceType} twice`);
      const queue = fanOutMany;
      const at = formatDateTime(clock());
      const ids = await repo.insertEvents(
        trx,
        engine,
        items.map((x) => ({
          idaccount,
          event,
          resource_type: resourceType,
          resource_id: x.resourceId,
          data: JSON.stringify(x.data),
          created_at: at,
        })),
        queue && ((newEvents) => queue(trx, { idaccount, event, newEvents })),
      );
      const out = items.map((x) => ids.get(x.resourceId)!);
      for (const idevent of out)
        for (const listener of listeners) await listener(trx, idaccount, idevent, event);
      return out;
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
