import type { Db, Trx } from '../../db/transaction.ts';
import { formatDateTime, type Clock } from '../../domain/time.ts';
import * as repo from './events.repository.ts';

/** Resource types events are about. */
export type ResourceType = 'product' | 'order' | 'picklist' | 'backorder' | 'purchaseorder' | 'receipt';

/** Called in the same transaction as the event, e.g. to queue webhook deliveries. */
export type EventListener = (trx: Trx, idaccount: number, idevent: number, event: string) => Promise<void>;

/**
 * The outbox. Every event is written in the transaction of the change that caused it, so an event
 * exists exactly when its change committed: none lost, none invented.
 */
export function createEventsService(clock: Clock) {
  const listeners: EventListener[] = [];
  return {
    onEvent(listener: EventListener): void {
      listeners.push(listener);
    },

    async emit(
      trx: Trx,
      idaccount: number,
      event: string,
      resourceType: ResourceType,
      resourceId: number,
      data: unknown,
    ): Promise<number> {
      const idevent = await repo.insertEvent(trx, {
        idaccount,
        event,
        resource_type: resourceType,
        resource_id: resourceId,
        data: JSON.stringify(data),
        created_at: formatDateTime(clock()),
      });
      for (const listener of listeners) await listener(trx, idaccount, idevent, event);
      return idevent;
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
