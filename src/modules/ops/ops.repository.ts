import { sql } from 'kysely';
import { OPEN_BACKORDER_STATUSES } from '../../domain/backorder-assignment.ts';
import type { Db } from '../../db/transaction.ts';

/**
 * The SQL behind the operator's gauges, read at scrape time across all accounts and grouped by
 * account (a few rows per account; the queries use the accounts' existing indexes).
 */

export interface AccountCount {
  idaccount: number;
  n: number;
}

/** Open backorders (pending, confirmed, in production, in transit) per account. */
export async function openBackorders(db: Db): Promise<AccountCount[]> {
  return db
    .selectFrom('backorders')
    .select(['idaccount', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', [...OPEN_BACKORDER_STATUSES])
    .groupBy('idaccount')
    .execute();
}

/** Open backorders holding available stock that POST /backorders/process has not turned into picklists yet. */
export async function availableUnprocessed(db: Db): Promise<AccountCount[]> {
  return db
    .selectFrom('backorders')
    .select(['idaccount', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', [...OPEN_BACKORDER_STATUSES])
    .where('amount_available', '>', 0)
    .groupBy('idaccount')
    .execute();
}

/** Purchased (not yet completed) purchase orders whose delivery date is before `today` (YYYY-MM-DD). */
export async function overduePurchaseOrders(db: Db, today: string): Promise<AccountCount[]> {
  return db
    .selectFrom('purchaseorders')
    .select(['idaccount', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'purchased')
    .where('delivery_date', 'is not', null)
    .where('delivery_date', '<', today)
    .groupBy('idaccount')
    .execute();
}

/** Webhook deliveries by status (pending, delivered, failed, skipped), all accounts. */
export async function deliveriesByStatus(db: Db): Promise<{ status: string; n: number }[]> {
  return db
    .selectFrom('webhook_deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
}

export interface HookLag {
  idaccount: number;
  idhook: number;
  /** Newest event queued for the hook. */
  newest: number;
  /** Newest event delivered to the hook (0: none yet). */
  delivered: number;
  /** Deliveries still pending. */
  pending: number;
  /** created_at of the oldest event still pending (null: none). */
  oldest_pending_at: string | null;
}

/**
 * The outbox lag of every active hook: the newest event queued for it against the newest one
 * delivered, the deliveries still pending and the age of the oldest of them.
 */
export async function hookLags(db: Db): Promise<HookLag[]> {
  const rows = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('hooks as h', (j) =>
      j.onRef('h.idaccount', '=', 'd.idaccount').onRef('h.idhook', '=', 'd.idhook'),
    )
    .innerJoin('events as e', (j) =>
      j.onRef('e.idaccount', '=', 'd.idaccount').onRef('e.idevent', '=', 'd.idevent'),
    )
    .select([
      'd.idaccount',
      'd.idhook',
      (eb) => eb.fn.max<number>('d.idevent').as('newest'),
      sql<number>`coalesce(max(case when d.status = 'delivered' then d.idevent end), 0)`.as('delivered'),
      sql<number>`sum(case when d.status = 'pending' then 1 else 0 end)`.as('pending'),
      sql<string | null>`min(case when d.status = 'pending' then e.created_at end)`.as('oldest_pending_at'),
    ])
    .where('h.active', '=', 1)
    .where('h.deleted', '=', 0)
    .groupBy(['d.idaccount', 'd.idhook'])
    .execute();
  return rows.map((r) => ({
    ...r,
    newest: Number(r.newest),
    delivered: Number(r.delivered),
    pending: Number(r.pending),
  }));
}

/** Jobs by kind and status, all accounts. */
export async function jobsByStatus(db: Db): Promise<{ kind: string; status: string; n: number }[]> {
  return db
    .selectFrom('jobs')
    .select(['kind', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['kind', 'status'])
    .execute();
}
