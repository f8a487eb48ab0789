/**
 * Purchase order rules (seed 001, reference/picqer-api.md 9.3 and 10.4): the status machine, which
 * edits each status allows, and how received goods are spread over purchase order lines.
 *
 *   concept --mark-as-purchased--> purchased --(every line received)--> received
 *      |                              |--close (something received)--> received
 *      |--cancel--> cancelled         |--cancel (nothing received)--> cancelled
 *
 * The functions return a message when a transition is refused, so the caller can answer a 400 that
 * says why; they never throw.
 */

export type PurchaseOrderStatus = 'concept' | 'purchased' | 'received' | 'cancelled';
export const PURCHASE_ORDER_STATUSES: readonly PurchaseOrderStatus[] = [
  'concept',
  'purchased',
  'received',
  'cancelled',
];

/** What a transition needs to know about the lines of the order. */
export interface LineState {
  amount: number;
  amountreceived: number;
  /** Lines a receipt added for goods nobody ordered; they never count as expected. */
  added_by_receipt: boolean;
}

export type Refusal = { refused: string };
export const isRefusal = (x: unknown): x is Refusal => typeof x === 'object' && x !== null && 'refused' in x;

const received = (lines: readonly LineState[]) => lines.reduce((s, l) => s + l.amountreceived, 0);

export function markPurchased(
  status: PurchaseOrderStatus,
  lines: readonly LineState[],
): PurchaseOrderStatus | Refusal {
  if (status !== 'concept')
    return { refused: `Only concept purchase orders can be marked as purchased; this one is ${status}` };
  if (lines.length === 0)
    return { refused: 'The purchase order has no products; add products before marking it as purchased' };
  return 'purchased';
}

export function cancel(
  status: PurchaseOrderStatus,
  lines: readonly LineState[],
): PurchaseOrderStatus | Refusal {
  if (status !== 'concept' && status !== 'purchased')
    return { refused: `Only concept or purchased purchase orders can be cancelled; this one is ${status}` };
  if (received(lines) > 0)
    return {
      refused:
        'Products of this purchase order were received already, so it cannot be cancelled; ' +
        'close it instead to stop expecting the rest',
    };
  return 'cancelled';
}

/** Close: stop expecting the rest of a partly received order. */
export function close(
  status: PurchaseOrderStatus,
  lines: readonly LineState[],
): PurchaseOrderStatus | Refusal {
  if (status !== 'purchased')
    return { refused: `Only purchased purchase orders can be closed; this one is ${status}` };
  if (received(lines) === 0)
    return { refused: 'Nothing of this purchase order was received yet; cancel it instead of closing it' };
  return 'received';
}

/** Adding, changing or removing lines: allowed while the order is still open. */
export function linesEditable(status: PurchaseOrderStatus): Refusal | undefined {
  if (status === 'concept' || status === 'purchased') return undefined;
  return { refused: `Products of a ${status} purchase order cannot be changed` };
}

/** Whether every ordered line has arrived in full. Lines added by receipts do not count. */
export function fullyReceived(lines: readonly LineState[]): boolean {
  const ordered = lines.filter((l) => !l.added_by_receipt);
  return ordered.every((l) => l.amountreceived >= l.amount);
}

/**
 * The status after goods were received or reverted. `before` and `after` are the lines before and
 * after the change. A purchased order whose ordered lines all arrived (and that received anything
 * at all: removing its last line does not make an order received) becomes received; a received
 * order that was complete before a revert and no longer is goes back to purchased. A closed order
 * (received without being complete) stays received: closing was a decision, not a count.
 */
export function statusAfterReceiving(
  status: PurchaseOrderStatus,
  before: readonly LineState[],
  after: readonly LineState[],
): PurchaseOrderStatus {
  if (status === 'purchased' && received(after) > 0 && fullyReceived(after)) return 'received';
  if (status === 'received' && fullyReceived(before) && !fullyReceived(after)) return 'purchased';
  return status;
}

/** Checks a line edit: the amount never drops below what arrived already. */
export function checkLineAmount(amount: number, amountreceived: number): Refusal | undefined {
  if (amount < amountreceived)
    return {
      refused: `The amount cannot be lower than the ${amountreceived} already received; use at least ${amountreceived}`,
    };
  return undefined;
}

/** Deleting a line: only when nothing of it was received. */
export function checkLineDelete(amountreceived: number): Refusal | undefined {
  if (amountreceived > 0)
    return { refused: `${amountreceived} of this product were received already, so it cannot be removed` };
  return undefined;
}

/** An open line a receipt may fill, in the order it should be filled. */
export interface ReceivableLine {
  idpurchaseorder: number;
  idpurchaseorder_product: number;
  open: number;
}

export interface ReceiptPlan {
  /** Amounts per line, in the order given; only lines that get something. */
  lines: { idpurchaseorder: number; idpurchaseorder_product: number; amount: number }[];
  /** What no line expects: goes to a line added by the receipt. */
  overflow: number;
}

/**
 * Spreads a received amount over open lines in the given order (oldest purchase order first, seed
 * 001 / Picqer's "starting with the oldest open order ... splits the receipt across the relevant
 * orders"). Whatever no line expects is overflow.
 *
 * @example
 * planReceipt([{ idpurchaseorder: 1, idpurchaseorder_product: 10, open: 3 },
 *              { idpurchaseorder: 2, idpurchaseorder_product: 20, open: 10 }], 5);
 * // { lines: [{ ..., idpurchaseorder_product: 10, amount: 3 }, { ..., idpurchaseorder_product: 20, amount: 2 }], overflow: 0 }
 */
export function planReceipt(candidates: readonly ReceivableLine[], amount: number): ReceiptPlan {
  const lines: ReceiptPlan['lines'] = [];
  let left = amount;
  for (const c of candidates) {
    if (left === 0) break;
    const take = Math.min(left, Math.max(0, c.open));
    if (take === 0) continue;
    lines.push({
      idpurchaseorder: c.idpurchaseorder,
      idpurchaseorder_product: c.idpurchaseorder_product,
      amount: take,
    });
    left -= take;
  }
  return { lines, overflow: left };
}
