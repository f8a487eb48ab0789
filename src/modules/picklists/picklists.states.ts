import { Type, type Static } from '@sinclair/typebox';
import type { DatabaseHandle } from '../../db/connection.ts';
import { withTransaction, type Db, type Trx } from '../../db/transaction.ts';
import { invalid, invalidState, notFound } from '../../domain/errors.ts';
import { pickRefusal, picklistTransition, type PicklistAction } from '../../domain/picklist-states.ts';
import { formatDateTime, normaliseDateTime, type Clock } from '../../domain/time.ts';
import { DateString, Id, Nullable } from '../../http/schemas.ts';
import type { EventsService } from '../events/events.service.ts';
import type { UsersService } from '../users/users.service.ts';
import * as details from './picklists.details.repository.ts';
import * as repo from './picklists.repository.ts';
import { Picklist } from './picklists.schemas.ts';
import type { PicklistsService } from './picklists.service.ts';

/**
 * What Picqer lets one do to a picklist beside picking: PUT (urgent, invoiced,
 * preferred_delivery_date), assign/unassign a user, snooze/unsnooze, pause/resume with a reason.
 * Kept apart from picklists.service.ts (the stock write path): these change no stock. The only
 * hook there is `assertPickable`, one line each in pick, pick all and close.
 */

/** Picklist fields of picklist_details, added to every picklist answer of the picklists routes. */
export const PicklistFull = Type.Object({
  ...Picklist.properties,
  assigned_to_iduser: Nullable(Type.Integer({ description: 'The user the picklist is assigned to' })),
  closed_by_iduser: Nullable(
    Type.Integer({ description: 'Who closed it: the user it was assigned to when it closed' }),
  ),
  snoozed_until: Nullable(Type.String({ description: 'YYYY-MM-DD HH:MM:SS, while snoozed' })),
  paused_reason: Nullable(Type.String({ description: 'Why it is paused, while paused' })),
  urgent: Type.Boolean(),
  invoiced: Type.Boolean(),
  preferred_delivery_date: Nullable(Type.String({ description: 'YYYY-MM-DD' })),
});

export const PicklistUpdate = Type.Object({
  urgent: Type.Optional(Type.Boolean()),
  invoiced: Type.Optional(Type.Boolean()),
  preferred_delivery_date: Type.Optional(Nullable(DateString)),
});
export type PicklistUpdate = Static<typeof PicklistUpdate>;
export const AssignBody = Type.Object({ iduser: Id });
export const SnoozeBody = Type.Object({
  snooze_until: Type.String({
    maxLength: 32,
    description: 'YYYY-MM-DD HH:MM:SS (or YYYY-MM-DD), in the future',
  }),
});
export const PauseBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 1000 })) });

/** Throws when a picklist may not be picked or closed in its status (paused, snoozed). */
export function assertPickable(p: { idpicklist: number; status: string }): void {
  const refused = pickRefusal(p.status);
  if (refused) throw invalidState(`Picklist ${p.idpicklist}: ${refused}`);
}

type PicklistView = Awaited<ReturnType<PicklistsService['get']>>;

/**
 * A closed picklist's lines with where they were picked (from the ledger): each product's booked-out
 * units per location, handed to its lines in line order up to what each line picked.
 */
function withPickedLocations(
  v: PicklistView,
  picked: Awaited<ReturnType<typeof details.pickedLocationsOf>>,
): PicklistView['products'] {
  const left = picked.filter((p) => p.idpicklist === v.idpicklist && p.amount > 0).map((p) => ({ ...p }));
  return v.products.map((line) => {
    if (line.has_parts) return line;
    let want = line.amount_picked;
    const pick_locations = [];
    for (const p of left) {
      if (want === 0) break;
      if (p.idproduct !== line.idproduct || p.amount === 0) continue;
      const n = Math.min(want, p.amount);
      pick_locations.push({ idlocation: p.idlocation, name: p.name ?? null, amount: n });
      p.amount -= n;
      want -= n;
    }
    return { ...line, pick_locations };
  });
}

export function createPicklistStates(deps: {
  handle: DatabaseHandle;
  clock: Clock;
  events: EventsService;
  picklists: PicklistsService;
  users: UsersService;
}) {
  const { handle, clock, events, picklists, users } = deps;
  const now = () => formatDateTime(clock());

  /** The views with their details (assignment, snooze, pause reason, flags). */
  async function withDetails<T extends PicklistView>(db: Db, idaccount: number, views: T[]) {
    const rows = new Map(
      (
        await details.detailsOf(
          db,
          idaccount,
          views.map((v) => v.idpicklist),
        )
      ).map((d) => [d.idpicklist, d]),
    );
    const closed = views.filter((v) => v.status === 'closed').map((v) => v.idpicklist);
    const picked = await details.pickedLocationsOf(db, idaccount, closed);
    return views.map((v) => {
      const d = rows.get(v.idpicklist);
      return {
        ...v,
        products: v.status === 'closed' ? withPickedLocations(v, picked) : v.products,
        assigned_to_iduser: d?.assigned_to_iduser ?? null,
        closed_by_iduser:
          d?.closed_by_iduser ?? (v.status === 'closed' ? (d?.assigned_to_iduser ?? null) : null),
        snoozed_until: v.status === 'snoozed' ? (d?.snoozed_until ?? null) : null,
        paused_reason: v.status === 'paused' ? (d?.paused_reason ?? null) : null,
        urgent: d?.urgent === 1,
        invoiced: d?.invoiced === 1,
        preferred_delivery_date: d?.preferred_delivery_date ?? null,
      };
    });
  }

  async function viewOf(db: Db, idaccount: number, idpicklist: number) {
    return (await withDetails(db, idaccount, [await picklists.get(db, idaccount, idpicklist)]))[0]!;
  }

  /** Locks the picklist, runs the change, answers the view and emits `event` with it. */
  function change(
    idaccount: number,
    idpicklist: number,
    event: string,
    fn: (trx: Trx, p: repo.PicklistRow) => Promise<void>,
  ) {
    return withTransaction(handle, async (trx) => {
      const p = await repo.lockPicklist(trx, handle.engine, idaccount, idpicklist);
      if (!p) throw notFound('Picklist', idpicklist);
      await fn(trx, p);
      await repo.updatePicklist(trx, idaccount, idpicklist, { updated: now() });
      const view = await viewOf(trx, idaccount, idpicklist);
      await events.emit(trx, idaccount, event, 'picklist', idpicklist, view);
      return view;
    });
  }

  const requireOpen = (p: repo.PicklistRow) => {
    if (!(repo.OPEN_PICKLIST_STATUSES as readonly string[]).includes(p.status))
      throw invalidState(`Picklist ${p.idpicklist} is ${p.status}; only an open picklist can be assigned`);
  };

  const transition =
    (action: PicklistAction, event: string, set: (to: string) => Parameters<typeof details.setDetails>[3]) =>
    (idaccount: number, idpicklist: number) =>
      change(idaccount, idpicklist, event, async (trx, p) => {
        const t = picklistTransition(action, p.status);
        if ('refused' in t) throw invalidState(`Picklist ${idpicklist}: ${t.refused}`);
        await repo.updatePicklist(trx, idaccount, idpicklist, { status: t.to });
        await details.setDetails(trx, idaccount, idpicklist, set(t.to), now());
      });

  return {
    withDetails,
    viewOf,

    update: (idaccount: number, idpicklist: number, input: PicklistUpdate) =>
      change(idaccount, idpicklist, 'picklists.changed', async (trx) => {
        await details.setDetails(
          trx,
          idaccount,
          idpicklist,
          {
            ...(input.urgent !== undefined && { urgent: input.urgent ? 1 : 0 }),
            ...(input.invoiced !== undefined && { invoiced: input.invoiced ? 1 : 0 }),
            ...(input.preferred_delivery_date !== undefined && {
              preferred_delivery_date: input.preferred_delivery_date,
            }),
          },
          now(),
        );
      }),

    assign: (idaccount: number, idpicklist: number, iduser: number) =>
      change(idaccount, idpicklist, 'picklists.changed', async (trx, p) => {
        requireOpen(p);
        await users.requireActive(trx, idaccount, iduser);
        await details.setDetails(trx, idaccount, idpicklist, { assigned_to_iduser: iduser }, now());
      }),

    unassign: (idaccount: number, idpicklist: number) =>
      change(idaccount, idpicklist, 'picklists.changed', async (trx, p) => {
        requireOpen(p);
        await details.setDetails(trx, idaccount, idpicklist, { assigned_to_iduser: null }, now());
      }),

    snooze(idaccount: number, idpicklist: number, until: string) {
      const at = normaliseDateTime(until);
      if (!at) throw invalid(`snooze_until "${until}" is not a date: use YYYY-MM-DD HH:MM:SS`);
      if (at <= now()) throw invalid(`snooze_until ${at} is not in the future`);
      return transition('snooze', 'picklists.snoozed', () => ({ snoozed_until: at }))(idaccount, idpicklist);
    },
    unsnooze: transition('unsnooze', 'picklists.unsnoozed', () => ({ snoozed_until: null })),
    pause: (idaccount: number, idpicklist: number, reason: string | undefined) =>
      transition('pause', 'picklists.paused', () => ({ paused_reason: reason?.trim() || null }))(
        idaccount,
        idpicklist,
      ),
    resume: transition('resume', 'picklists.resumed', () => ({ paused_reason: null })),
  };
}

export type PicklistStates = ReturnType<typeof createPicklistStates>;
