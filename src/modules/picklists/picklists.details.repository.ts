import type { Updateable } from 'kysely';
import type { PicklistDetailsTable } from '../../db/schema.ts';
import type { Db, Trx } from '../../db/transaction.ts';

/** SQL of picklist details (assignment, snooze, pause reason, flags): a row once any is set. */

export async function detailsOf(db: Db, idaccount: number, idpicklists: readonly number[]) {
  if (idpicklists.length === 0) return [];
  return db
    .selectFrom('picklist_details')
    .selectAll()
    .where('idaccount', '=', idaccount)
    .where('idpicklist', 'in', idpicklists)
    .execute();
}

/** Sets the given fields, creating the row with defaults first (never undoes other fields). */
export async function setDetails(
  trx: Trx,
  idaccount: number,
  idpicklist: number,
  patch: Updateable<PicklistDetailsTable>,
  now: string,
): Promise<void> {
  await trx
    .insertInto('picklist_details')
    .values({
      idaccount,
      idpicklist,
      assigned_to_iduser: null,
      closed_by_iduser: null,
      snoozed_until: null,
      paused_reason: null,
      preferred_delivery_date: null,
      urgent: 0,
      invoiced: 0,
      updated: now,
    })
    .onConflict((oc) => oc.columns(['idaccount', 'idpicklist']).doNothing())
    .execute();
  await trx
    .updateTable('picklist_details')
    .set({ ...patch, updated: now })
    .where('idaccount', '=', idaccount)
    .where('idpicklist', '=', idpicklist)
    .execute();
}

/**
 * Where closed picklists were picked: the ledger rows their closing booked out (change type
 * picklist, referencing the picklist), per picklist, product and location. The reservations are
 * gone by then, the ledger keeps it.
 */
export async function pickedLocationsOf(db: Db, idaccount: number, idpicklists: readonly number[]) {
  if (idpicklists.length === 0) return [];
  const rows = await db
    .selectFrom('stock_history as h')
    .leftJoin('locations as l', (j) =>
      j.onRef('l.idaccount', '=', 'h.idaccount').onRef('l.idlocation', '=', 'h.idlocation'),
    )
    .select([
      'h.reference_id as idpicklist',
      'h.idproduct',
      'h.idlocation',
      'l.name',
      (eb) => eb.fn.sum<string | number>(eb.neg(eb.ref('h.stock_change'))).as('amount'),
    ])
    .where('h.idaccount', '=', idaccount)
    .where('h.change_type', '=', 'picklist')
    .where('h.reference_type', '=', 'picklist')
    .where('h.reference_id', 'in', idpicklists)
    .groupBy(['h.reference_id', 'h.idproduct', 'h.idlocation', 'l.name'])
    .orderBy('h.idlocation')
    .execute();
  return rows.map((r) => ({ ...r, idpicklist: Number(r.idpicklist), amount: Number(r.amount) }));
}
