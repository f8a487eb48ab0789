/**
 * The backorder as a customer-facing promise (seed 002): its statuses and what may happen in each,
 * its estimated ship and delivery dates, when it shows a delay, and its metadata. Pure: the
 * service reads the row, asks these functions, and writes what they decide.
 *
 * Statuses:
 * - open (waiting for stock, in the queue of its product and warehouse): pending, confirmed,
 *   in-production, in-transit. The last three only describe the promise; the queue treats them alike.
 * - processed: on a picklist, not shipped yet (an internal state Picqer does not show: the picked
 *   backorder is gone from its list). Stockroom shows it as `processed`.
 * - fulfilled: the goods shipped (its picklist closed).
 * - cancelled: by DELETE, by the cancel action, or with its order.
 */
import { invalid, invalidState } from './errors.ts';
import { addDays, isValidDate } from './time.ts';

export const BACKORDER_STATUSES = [
  'pending',
  'confirmed',
  'in-production',
  'in-transit',
  'processed',
  'fulfilled',
  'cancelled',
] as const;
export type BackorderStatus = (typeof BACKORDER_STATUSES)[number];

/** Fulfilment priority, most urgent first: the index is the stored priority_rank (queue order). */
export const PRIORITY_LEVELS = ['rush', 'expedited', 'standard'] as const;
export type PriorityLevel = (typeof PRIORITY_LEVELS)[number];

export const priorityRank = (level: PriorityLevel): number => PRIORITY_LEVELS.indexOf(level);
export const priorityLevel = (rank: number): PriorityLevel => PRIORITY_LEVELS[rank] ?? 'standard';

/** A priority_level from a request; a 400 naming the levels otherwise. */
export function parsePriorityLevel(value: string): PriorityLevel {
  if (!(PRIORITY_LEVELS as readonly string[]).includes(value))
    throw invalid(`priority_level "${value}" is unknown: use rush, expedited or standard`);
  return value as PriorityLevel;
}

/**
 * What can happen to a backorder. The API actions, plus three the system performs: `process` (it
 * goes on a picklist), `ship` (its picklist closed with it picked) and `reopen` (its picklist was
 * cancelled, or closed without picking it, so it waits again).
 */
export type BackorderAction =
  | 'confirm'
  | 'update'
  | 'update-metadata'
  | 'set-in-production'
  | 'set-in-transit'
  | 'record-delivery'
  | 'update-estimate'
  | 'notify-customer'
  | 'fulfill'
  | 'cancel'
  | 'delete'
  | 'process'
  | 'ship'
  | 'reopen';

/** How an action is named in messages: what the client calls. */
const LABELS: Record<BackorderAction, string> = {
  confirm: 'confirm',
  update: 'update (amount, priority, priority_level, idpurchaseorder)',
  'update-metadata': 'update metadata',
  'set-in-production': 'update status to in-production',
  'set-in-transit': 'update status to in-transit',
  'record-delivery': 'update actual_delivery_date',
  'update-estimate': 'update-estimate',
  'notify-customer': 'notify-customer',
  fulfill: 'fulfill',
  cancel: 'cancel',
  delete: 'delete',
  process: 'process',
  ship: 'ship',
  reopen: 'reopen',
};

const SYSTEM_ACTIONS: ReadonlySet<BackorderAction> = new Set(['process', 'ship', 'reopen']);

/** What every open status allows; the open statuses differ only in how they move on. */
const open = (status: BackorderStatus) =>
  ({
    update: status,
    'update-metadata': status,
    'update-estimate': status,
    'notify-customer': status,
    fulfill: 'processed',
    cancel: 'cancelled',
    delete: 'cancelled',
    process: 'processed',
  }) as const;

/**
 * The transition table: for each status, the actions it allows and the status they lead to. An
 * action missing from a status's row is refused. Statuses only move forward through the promise
 * (pending -> confirmed -> in-production -> in-transit); processing, shipping and cancelling may
 * happen from any open status.
 */
export const TRANSITIONS: Readonly<
  Record<BackorderStatus, Readonly<Partial<Record<BackorderAction, BackorderStatus>>>>
> = {
  pending: {
    ...open('pending'),
    confirm: 'confirmed',
    'set-in-production': 'in-production',
    'set-in-transit': 'in-transit',
  },
  confirmed: {
    ...open('confirmed'),
    'set-in-production': 'in-production',
    'set-in-transit': 'in-transit',
  },
  'in-production': { ...open('in-production'), 'set-in-transit': 'in-transit' },
  'in-transit': open('in-transit'),
  processed: {
    'update-metadata': 'processed',
    'update-estimate': 'processed',
    'notify-customer': 'processed',
    ship: 'fulfilled',
    reopen: 'pending',
  },
  fulfilled: {
    'update-metadata': 'fulfilled',
    'record-delivery': 'fulfilled',
    'notify-customer': 'fulfilled',
  },
  cancelled: { 'update-metadata': 'cancelled', 'notify-customer': 'cancelled' },
};

const isStatus = (s: string): s is BackorderStatus => (BACKORDER_STATUSES as readonly string[]).includes(s);

/** The API actions a status allows, in the table's order. */
export function allowedActions(status: string): BackorderAction[] {
  if (!isStatus(status)) return [];
  return (Object.keys(TRANSITIONS[status]) as BackorderAction[]).filter((a) => !SYSTEM_ACTIONS.has(a));
}

/**
 * The status an action leads to from `status`, or a refusal naming the status and what it allows.
 *
 * @example
 * nextStatus('pending', 'confirm'); // { next: 'confirmed' }
 * nextStatus('fulfilled', 'cancel');
 * // { refused: 'Backorder is fulfilled: cancel is not allowed. Allowed when fulfilled: ...', allowed: [...] }
 */
export function nextStatus(
  status: string,
  action: BackorderAction,
): { next: BackorderStatus } | { refused: string; allowed: BackorderAction[] } {
  const next = isStatus(status) ? TRANSITIONS[status][action] : undefined;
  if (next) return { next };
  const allowed = allowedActions(status);
  return {
    refused:
      `Backorder is ${status}: ${LABELS[action]} is not allowed. Allowed when ${status}: ` +
      (allowed.length ? allowed.map((a) => LABELS[a]).join(', ') : 'nothing'),
    allowed,
  };
}

/** nextStatus that throws the refusal as a 400 (invalid_state) naming the backorder. */
export function requireTransition(
  idbackorder: number,
  status: string,
  action: BackorderAction,
): BackorderStatus {
  const t = nextStatus(status, action);
  if ('refused' in t) throw invalidState(t.refused.replace(/^Backorder/, `Backorder ${idbackorder}`));
  return t.next;
}

// Estimates

/** The estimate-related columns of a backorder as stored. */
export interface EstimateState {
  amount: number;
  amount_available: number;
  /** The expected date last computed (Picqer's date_available), kept to notice changes. */
  date_available: string | null;
  idpurchaseorder: number | null;
  idpurchaseorder_manual: boolean;
  estimated_ship_date: string | null;
  estimated_delivery_date: string | null;
  estimate_manual: boolean;
}

/** What purchase orders say now (src/domain/expected-dates.ts). */
export interface ExpectedNow {
  date_available: string | null;
  idpurchaseorder: number | null;
}

export interface EstimatePatch {
  date_available?: string | null;
  idpurchaseorder?: number | null;
  estimated_ship_date?: string | null;
  estimated_delivery_date?: string | null;
}

export interface EstimateRefresh {
  /** Only the columns that change; empty when nothing does. */
  patch: EstimatePatch;
  /** The estimated dates or the purchase order that replenishes the backorder changed. */
  estimateUpdated: boolean;
  /** The new expected date shows the backorder will miss its estimated ship date. */
  delayNoticed: boolean;
}

/** The delivery date that goes with a ship date: transitDays later (null stays null). */
export const deliveryDateFor = (ship: string | null, transitDays: number): string | null =>
  ship === null ? null : addDays(ship, transitDays);

/** a is later than b, where null (no date: nothing completes it) is later than every date. */
export function laterThan(a: string | null, b: string | null): boolean {
  if (a === b) return false;
  if (a === null) return true;
  if (b === null) return false;
  return a > b;
}

/**
 * How a backorder's stored estimate follows what purchase orders say now.
 *
 * - date_available is stored as computed (null when in stock or when nothing completes it).
 * - Not set by hand, the estimate follows it: estimated_ship_date = date_available, delivery
 *   transitDays later; idpurchaseorder = the purchase order that completes it. A backorder that is
 *   fully in stock keeps its last estimate and purchase order: the promise stands until it ships.
 * - A delay is noticed when date_available changes to a date later than the estimated ship date
 *   (or to none at all) while the backorder still needs stock, unless it moved earlier.
 *
 * @example
 * refreshEstimate(
 *   { amount: 5, amount_available: 0, date_available: '2030-01-10', idpurchaseorder: 3,
 *     idpurchaseorder_manual: false, estimated_ship_date: '2030-01-10',
 *     estimated_delivery_date: '2030-01-12', estimate_manual: false },
 *   { date_available: '2030-02-01', idpurchaseorder: 4 }, 2);
 * // { patch: { date_available: '2030-02-01', idpurchaseorder: 4, estimated_ship_date: '2030-02-01',
 * //   estimated_delivery_date: '2030-02-03' }, estimateUpdated: true, delayNoticed: true }
 */
export function refreshEstimate(
  state: EstimateState,
  expected: ExpectedNow,
  transitDays: number,
): EstimateRefresh {
  const patch: EstimatePatch = {};
  const needed = state.amount_available < state.amount;
  const dateChanged = expected.date_available !== state.date_available;
  if (dateChanged) patch.date_available = expected.date_available;
  let estimateUpdated = false;
  if (needed && !state.idpurchaseorder_manual && expected.idpurchaseorder !== state.idpurchaseorder) {
    patch.idpurchaseorder = expected.idpurchaseorder;
    estimateUpdated = true;
  }
  if (needed && !state.estimate_manual) {
    const ship = expected.date_available;
    const delivery = deliveryDateFor(ship, transitDays);
    if (ship !== state.estimated_ship_date || delivery !== state.estimated_delivery_date) {
      patch.estimated_ship_date = ship;
      patch.estimated_delivery_date = delivery;
      estimateUpdated = true;
    }
  }
  const delayNoticed =
    dateChanged &&
    needed &&
    state.estimated_ship_date !== null &&
    laterThan(expected.date_available, state.estimated_ship_date) &&
    !laterThan(state.date_available, expected.date_available);
  return { patch, estimateUpdated, delayNoticed };
}

/**
 * A composition waits for all its parts, so it is expected when the last part still missing is:
 * the latest date_available of the parts that still need stock, none while one of them has none,
 * and none when no part needs stock (it is in stock).
 *
 * @example
 * compositionDateAvailable([
 *   { amount: 2, amount_available: 0, date_available: '2030-01-02' },
 *   { amount: 4, amount_available: 1, date_available: '2030-03-01' },
 * ]); // '2030-03-01'
 */
export function compositionDateAvailable(
  parts: readonly { amount: number; amount_available: number; date_available: string | null }[],
): string | null {
  const waiting = parts.filter((p) => p.amount_available < p.amount);
  if (waiting.length === 0 || waiting.some((p) => p.date_available === null)) return null;
  return waiting.reduce((max, p) => (p.date_available! > max ? p.date_available! : max), '');
}

/** The estimated ship date passed (it is before today) while the backorder has not shipped. */
export const missedShipDate = (estimated_ship_date: string | null, today: string): boolean =>
  estimated_ship_date !== null && estimated_ship_date < today;

/**
 * An estimate set by hand (POST /backorders/{id}/update-estimate). Both dates null: back to
 * following the purchase orders. Only a ship date: delivery transitDays later.
 */
export function manualEstimate(
  input: { estimated_ship_date?: string | null; estimated_delivery_date?: string | null },
  transitDays: number,
): { manual: false } | { manual: true; estimated_ship_date: string; estimated_delivery_date: string } {
  const ship = input.estimated_ship_date ?? null;
  const delivery = input.estimated_delivery_date ?? null;
  for (const [name, value] of [
    ['estimated_ship_date', ship],
    ['estimated_delivery_date', delivery],
  ] as const)
    if (value !== null && !isValidDate(value))
      throw invalid(`${name} "${value}" is not a calendar date: use YYYY-MM-DD`);
  if (ship === null && delivery === null) return { manual: false };
  if (ship === null)
    throw invalid(
      'Give estimated_ship_date with estimated_delivery_date (or both null to follow the purchase orders again)',
    );
  const deliveryDate = delivery ?? addDays(ship, transitDays);
  if (deliveryDate < ship)
    throw invalid(`estimated_delivery_date ${deliveryDate} is before estimated_ship_date ${ship}`);
  return { manual: true, estimated_ship_date: ship, estimated_delivery_date: deliveryDate };
}

// Metadata

export type MetadataValue = string | number | boolean | null;
export type Metadata = Record<string, MetadataValue>;

/** Stripe-like limits: enough for references and notes, small enough to send with every event. */
export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

/**
 * Checks a metadata object: at most 50 keys of 1 to 40 characters, values that are strings of at
 * most 500 characters, finite numbers, booleans or null. Throws a 400 that says what is wrong.
 *
 * @example
 * validateMetadata({ crm_ref: 'A-17', gift: true }); // { crm_ref: 'A-17', gift: true }
 */
export function validateMetadata(value: unknown): Metadata {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('metadata must be an object of keys and values, e.g. {"crm_ref": "A-17"}');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > METADATA_LIMITS.keys)
    throw invalid(`metadata has ${entries.length} keys; at most ${METADATA_LIMITS.keys} are allowed`);
  for (const [key, v] of entries) {
    if (key.length === 0 || key.length > METADATA_LIMITS.keyLength)
      throw invalid(
        `metadata key "${key.slice(0, 60)}" must be 1 to ${METADATA_LIMITS.keyLength} characters long`,
      );
    if (typeof v === 'string') {
      if (v.length > METADATA_LIMITS.valueLength)
        throw invalid(
          `metadata value of "${key}" has ${v.length} characters; at most ${METADATA_LIMITS.valueLength} are allowed`,
        );
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw invalid(`metadata value of "${key}" must be a finite number`);
    } else if (typeof v !== 'boolean' && v !== null) {
      throw invalid(
        `metadata value of "${key}" is ${Array.isArray(v) ? 'an array' : typeof v}; use a string, number, boolean or null`,
      );
    }
  }
  // fromEntries defines own properties: a key named "__proto__" stays a key.
  return Object.fromEntries(entries) as Metadata;
}
