/**
 * Purchase advice (Picqer's "only order for backorders" and "keep in stock", reference 4.4 and
 * support/purchase-advice): how many of a product to order for one warehouse.
 *
 * The projected free stock is the free stock (stock minus every reservation, backorders included,
 * so it is negative when backorders wait) plus what open purchase orders will still bring. Each
 * unit on a purchase order is counted once there and nowhere else: a backorder a purchase order
 * covers is covered by that incoming unit, not by a second one.
 *
 * - Backorders first: whatever the levels, the advice brings the projected free stock to at least 0,
 *   so it never advises less than the waiting backorders still need.
 * - Keep in stock: below the order level the advice brings it to the desired level (at least the
 *   order level), capped by the maximum level when one is set (never below the backorder need).
 * - Then the supplier's rules: at least minimum_purchase_quantity, rounded up to a multiple of
 *   purchase_in_quantities_of.
 */

export interface AdviceInput {
  stock: number;
  reservedpicklists: number;
  reservedbackorders: number;
  reservedallocations: number;
  /** Open quantity (ordered minus received) of purchase orders still to arrive. */
  incoming: number;
  stock_level_order: number;
  stock_level_desired: number;
  /** 0: no maximum. */
  stock_level_maximum: number;
  /** 0: no minimum. */
  minimum_purchase_quantity: number;
  /** 0 or 1: any amount. */
  purchase_in_quantities_of: number;
}

export type AdviceReason = 'backorders' | 'stock_level' | null;

export interface Advice {
  /** Free stock plus incoming: negative while backorders wait that nothing covers. */
  projected: number;
  /** Units the backorders still need after stock and incoming: max(0, -projected). */
  backorder_need: number;
  /** Units to order; 0 when nothing is needed. */
  amount: number;
  reason: AdviceReason;
}

/**
 * @example
 * advise({ stock: 0, reservedpicklists: 0, reservedbackorders: 12, reservedallocations: 0, incoming: 5,
 *   stock_level_order: 0, stock_level_desired: 0, stock_level_maximum: 0,
 *   minimum_purchase_quantity: 0, purchase_in_quantities_of: 5 })
 * // { projected: -7, backorder_need: 7, amount: 10, reason: 'backorders' }
 */
export function advise(i: AdviceInput): Advice {
  const free = i.stock - i.reservedpicklists - i.reservedbackorders - i.reservedallocations;
  const projected = free + i.incoming;
  const backorderNeed = Math.max(0, -projected);
  const target = Math.max(i.stock_level_desired, i.stock_level_order);
  let base = 0;
  let reason: AdviceReason = null;
  if (i.stock_level_order > 0 && projected < i.stock_level_order) {
    base = target - projected;
    if (i.stock_level_maximum > 0) base = Math.min(base, i.stock_level_maximum - projected);
    reason = 'stock_level';
  }
  if (base < backorderNeed) {
    base = backorderNeed;
    reason = 'backorders';
  }
  if (base <= 0) return { projected, backorder_need: backorderNeed, amount: 0, reason: null };
  let amount = Math.max(base, i.minimum_purchase_quantity);
  const step = i.purchase_in_quantities_of;
  if (step > 1) amount = Math.ceil(amount / step) * step;
  return { projected, backorder_need: backorderNeed, amount, reason };
}
