/**
 * Pure stock arithmetic: what a change or move does to the levels of one product in one warehouse.
 * Slot 0 is "no specific location". Nothing here touches the database; the service locks the rows,
 * asks these functions, and writes relative updates.
 */

export interface SlotLevel {
  slot: number;
  stock: number;
  reserved_picklists: number;
}

export type StockRuleViolation =
  | { kind: 'negative'; slot: number; stock: number; change: number }
  | { kind: 'below_picklists'; slot: number; stock: number; change: number; reserved: number };

/** The change that sets a slot to `amount`. */
export const changeForAmount = (current: number, amount: number): number => amount - current;

/** Why a change of a slot breaks the seed's rules, or undefined when it is allowed. */
export function checkSlotChange(level: SlotLevel, change: number): StockRuleViolation | undefined {
  const next = level.stock + change;
  if (next < 0) return { kind: 'negative', slot: level.slot, stock: level.stock, change };
  if (change < 0 && next < level.reserved_picklists)
    return {
      kind: 'below_picklists',
      slot: level.slot,
      stock: level.stock,
      change,
      reserved: level.reserved_picklists,
    };
  return undefined;
}

export function describeViolation(v: StockRuleViolation, where: string): string {
  if (v.kind === 'negative')
    return `Stock cannot be negative: ${where} holds ${v.stock}, a change of ${v.change} would leave ${v.stock + v.change}`;
  return `Stock cannot be lower than is reserved for picklists: ${where} holds ${v.stock} with ${v.reserved} reserved, a change of ${v.change} would leave ${v.stock + v.change}`;
}

export interface MovePlan {
  /** Picklist reservations that travel with the stock from the source to the target slot. */
  reservationsMoved: number;
}

/**
 * Moving stock never makes the source negative; reserved stock may move, and then the picklist
 * reservations that no longer fit on the source move along to the target.
 */
export function planMove(from: SlotLevel, amount: number): MovePlan | StockRuleViolation {
  if (from.stock - amount < 0)
    return { kind: 'negative', slot: from.slot, stock: from.stock, change: -amount };
  const reservationsMoved = Math.max(0, from.reserved_picklists - (from.stock - amount));
  return { reservationsMoved };
}

export function isViolation(x: MovePlan | StockRuleViolation): x is StockRuleViolation {
  return 'kind' in x;
}

/**
 * Where a picklist takes `amount` from: slots with free stock (stock - reserved) in the given order
 * (the caller sorts: non-bulk locations first, then the rest, slot 0 last). Returns undefined when
 * the warehouse has not enough unreserved stock.
 */
export function planPickReservation(
  slots: readonly SlotLevel[],
  amount: number,
): { slot: number; amount: number }[] | undefined {
  const plan: { slot: number; amount: number }[] = [];
  let left = amount;
  for (const s of slots) {
    if (left === 0) break;
    const free = s.stock - s.reserved_picklists;
    if (free <= 0) continue;
    const take = Math.min(free, left);
    plan.push({ slot: s.slot, amount: take });
    left -= take;
  }
  return left === 0 ? plan : undefined;
}

/** The stock object Picqer answers per warehouse. reserved and freestock are derived, never stored. */
export interface WarehouseStock {
  idwarehouse: number;
  stock: number;
  reserved: number;
  reservedbackorders: number;
  reservedpicklists: number;
  reservedallocations: number;
  freestock: number;
}

export function warehouseStock(level: {
  idwarehouse: number;
  stock: number;
  reserved_picklists: number;
  reserved_backorders: number;
  reserved_allocations: number;
}): WarehouseStock {
  const reserved = level.reserved_backorders + level.reserved_picklists + level.reserved_allocations;
  return {
    idwarehouse: level.idwarehouse,
    stock: level.stock,
    reserved,
    reservedbackorders: level.reserved_backorders,
    reservedpicklists: level.reserved_picklists,
    reservedallocations: level.reserved_allocations,
    freestock: level.stock - reserved,
  };
}
