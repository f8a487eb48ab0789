/**
 * Expected availability of backorders (`date_available`, `is_purchased`), reference/picqer-api.md 11.3.
 *
 * Open backorders of one (product, warehouse), in queue order, consume the open quantities of the
 * purchase order lines expected in that warehouse, earliest expected date first. The date of the
 * supply line that completes a backorder is its expected date; the purchase order of that line is
 * the one that "provides the products for this backorder" (Picqer's blog on expected availability).
 *
 * Decisions (where the seeds are silent):
 * - Dates are "YYYY-MM-DD": seed 000 shows `"date_available": "2014-09-02"`, and purchase order
 *   delivery dates carry no time.
 * - A backorder already fully covered by stock needs nothing from purchase orders: it consumes no
 *   supply and gets `date_available` null, `is_purchased` false (no purchase order completes it; its
 *   `amount_available` equal to `amount` already says it is in stock).
 * - Supply without any expected date (neither the line nor the order has one) is used last. A
 *   backorder completed by such supply is purchased (`is_purchased` true) but has no date (null).
 * - A backorder that the supply cannot complete still takes what is left (it is ahead in the queue),
 *   and gets `date_available` null and `is_purchased` false: `is_purchased` means "fully covered by
 *   purchased stock".
 */

/** An open backorder as the queue holds it. */
export interface QueuedBackorder {
  idbackorder: number;
  amount: number;
  amount_available: number;
}

/** Open quantity of one purchase order line that is expected in the warehouse. */
export interface SupplyLine {
  idpurchaseorder: number;
  idpurchaseorder_product: number;
  /** amount - amountreceived; lines with nothing open contribute nothing. */
  open: number;
  /** "YYYY-MM-DD": the line's delivery_date, else its purchase order's; null when neither is set. */
  date: string | null;
}

export interface ExpectedAvailability {
  date_available: string | null;
  is_purchased: boolean;
  /** The purchase order whose line completes the backorder; null when none does. */
  idpurchaseorder: number | null;
}

/** The order in which supply is consumed: earliest date first, undated last, then by ids. */
export function compareSupply(a: SupplyLine, b: SupplyLine): number {
  if (a.date !== b.date) {
    if (a.date === null) return 1;
    if (b.date === null) return -1;
    return a.date < b.date ? -1 : 1;
  }
  return a.idpurchaseorder - b.idpurchaseorder || a.idpurchaseorder_product - b.idpurchaseorder_product;
}

const NOT_COVERED: ExpectedAvailability = {
  date_available: null,
  is_purchased: false,
  idpurchaseorder: null,
};

/**
 * Expected availability of every backorder in `queue` (given in queue order: the first gets supply
 * first). The supply may come in any order; it is consumed in {@link compareSupply} order.
 *
 * @example
 * expectedAvailability(
 *   [{ idbackorder: 1, amount: 5, amount_available: 0 }],
 *   [
 *     { idpurchaseorder: 10, idpurchaseorder_product: 100, open: 3, date: '2030-01-10' },
 *     { idpurchaseorder: 11, idpurchaseorder_product: 101, open: 10, date: '2030-02-01' },
 *   ],
 * ).get(1); // { date_available: '2030-02-01', is_purchased: true, idpurchaseorder: 11 }
 */
export function expectedAvailability(
  queue: readonly QueuedBackorder[],
  supply: readonly SupplyLine[],
): Map<number, ExpectedAvailability> {
  const lines = supply.filter((s) => s.open > 0).sort(compareSupply);
  const result = new Map<number, ExpectedAvailability>();
  let index = 0;
  // What is left of lines[index] after earlier backorders took their share.
  let left = lines[0]?.open ?? 0;
  for (const bo of queue) {
    let need = Math.max(0, bo.amount - bo.amount_available);
    if (need === 0) {
      result.set(bo.idbackorder, NOT_COVERED);
      continue;
    }
    let completing: SupplyLine | undefined;
    while (need > 0 && index < lines.length) {
      const take = Math.min(need, left);
      need -= take;
      left -= take;
      if (need === 0) completing = lines[index];
      if (left === 0) {
        index++;
        left = lines[index]?.open ?? 0;
      }
    }
    result.set(
      bo.idbackorder,
      completing
        ? { date_available: completing.date, is_purchased: true, idpurchaseorder: completing.idpurchaseorder }
        : NOT_COVERED,
    );
  }
  return result;
}
