/**
 * What processing an order does (reference/picqer-api.md 6.6): which lines go on a picklist in
 * which warehouse, and what waits as a backorder. Pure: the service locks every level the order
 * could touch, computes what each warehouse can give to new picklists, and writes this plan.
 *
 * Rules, in order:
 * 1. A warehouse that can ship the whole order wins; among several, the first by priority.
 * 2. Without partial delivery, nothing else ships: every line waits as a backorder, in the
 *    warehouse that could ship the most lines completely (ties: priority).
 * 3. With partial delivery, as much as possible ships from as few warehouses as possible (ties:
 *    the warehouses first by priority); one picklist per warehouse used, and what is left waits in
 *    a warehouse that already ships this product, else the first one used, else the first one.
 * Products with unlimited stock always ship at once (they never wait: nothing would ever make them
 * available) and reserve nothing. A virtual composition ships whole or not at all: all its parts
 * from one warehouse; when it waits, the composition waits as a parent backorder with one backorder
 * per stocked part.
 */

export interface StockLine {
  kind: 'stock';
  idorder_product: number;
  idproduct: number;
  /** The open amount of the line (ordered minus cancelled). */
  amount: number;
}

export interface UnlimitedLine {
  kind: 'unlimited';
  idorder_product: number;
  idproduct: number;
  amount: number;
}

export interface CompositionPart {
  /** The part's own order line (partof_idorder_product = the composition's line). */
  idorder_product: number;
  idproduct: number;
  /** Units of this part in one composition. */
  per_parent: number;
  unlimited: boolean;
}

export interface CompositionLine {
  kind: 'composition';
  idorder_product: number;
  idproduct: number;
  amount: number;
  parts: readonly CompositionPart[];
}

export type ProcessLine = StockLine | UnlimitedLine | CompositionLine;

export interface ProcessInput {
  lines: readonly ProcessLine[];
  /** Candidate warehouses, best first (priority, then id). */
  warehouses: readonly number[];
  /** What each (product, warehouse) can give to new picklists, keyed by availabilityKey. */
  available: ReadonlyMap<string, number>;
  partialdelivery: boolean;
}

export const availabilityKey = (idproduct: number, idwarehouse: number): string =>
  `${idproduct}:${idwarehouse}`;

export interface PlannedPickLine {
  idorder_product: number;
  idproduct: number;
  amount: number;
  /** False for unlimited stock and for a composition's own line (its parts reserve). */
  reserve: boolean;
  has_parts: boolean;
  /** The composition line this part belongs to. */
  partof_idorder_product: number | null;
}

export interface PlannedPicklist {
  idwarehouse: number;
  lines: PlannedPickLine[];
}

export interface PlannedPartBackorder {
  idorder_product: number;
  idproduct: number;
  amount: number;
  parts_per_parent: number;
}

export interface PlannedBackorder {
  idorder_product: number;
  idproduct: number;
  idwarehouse: number;
  amount: number;
  /** Set for a composition: the parent backorder has parts, one backorder per stocked part. */
  parts: PlannedPartBackorder[] | null;
}

export interface ProcessPlan {
  picklists: PlannedPicklist[];
  backorders: PlannedBackorder[];
}

/** Units of stocked products one composition line needs, per part product. */
function compositionNeed(line: CompositionLine): Map<number, number> {
  const need = new Map<number, number>();
  for (const p of line.parts)
    if (!p.unlimited) need.set(p.idproduct, (need.get(p.idproduct) ?? 0) + p.per_parent * line.amount);
  return need;
}

/** Units of stocked products the whole order needs, per product. */
function orderNeed(lines: readonly ProcessLine[]): Map<number, number> {
  const need = new Map<number, number>();
  const add = (p: number, n: number) => need.set(p, (need.get(p) ?? 0) + n);
  for (const l of lines) {
    if (l.kind === 'stock') add(l.idproduct, l.amount);
    else if (l.kind === 'composition') for (const [p, n] of compositionNeed(l)) add(p, n);
  }
  return need;
}

const fits = (need: Map<number, number>, avail: (p: number) => number): boolean =>
  [...need].every(([p, n]) => n <= avail(p));

interface Allocation {
  /** idorder_product -> warehouse -> amount shipped (compositions: one warehouse, whole amount). */
  shipped: Map<number, Map<number, number>>;
  units: number;
}

/** Greedy allocation within a set of warehouses: compositions first (whole), then stocked lines. */
function allocate(input: ProcessInput, subset: readonly number[]): Allocation {
  const left = new Map<string, number>();
  const avail = (p: number, w: number) => {
    const k = availabilityKey(p, w);
    return left.get(k) ?? Math.max(0, input.available.get(k) ?? 0);
  };
  const take = (p: number, w: number, n: number) => left.set(availabilityKey(p, w), avail(p, w) - n);
  const shipped = new Map<number, Map<number, number>>();
  const ship = (id: number, w: number, n: number) => {
    const m = shipped.get(id) ?? new Map<number, number>();
    m.set(w, (m.get(w) ?? 0) + n);
    shipped.set(id, m);
  };
  let units = 0;
  for (const l of input.lines) {
    if (l.kind !== 'composition') continue;
    const need = compositionNeed(l);
    const w = subset.find((w) => fits(need, (p) => avail(p, w)));
    if (w === undefined) continue;
    for (const [p, n] of need) {
      take(p, w, n);
      units += n;
    }
    ship(l.idorder_product, w, l.amount);
  }
  for (const l of input.lines) {
    if (l.kind !== 'stock') continue;
    let rest = l.amount;
    for (const w of subset) {
      if (rest === 0) break;
      const n = Math.min(rest, avail(l.idproduct, w));
      if (n <= 0) continue;
      take(l.idproduct, w, n);
      ship(l.idorder_product, w, n);
      rest -= n;
      units += n;
    }
  }
  return { shipped, units };
}

/** Subsets of the candidates by size, then in priority order (lexicographic on positions). */
function* subsetsBySize(items: readonly number[]): Generator<number[]> {
  const n = items.length;
  for (let k = 1; k <= n; k++) {
    const idx = Array.from({ length: k }, (_, i) => i);
    for (;;) {
      yield idx.map((i) => items[i]!);
      let i = k - 1;
      while (i >= 0 && idx[i] === n - k + i) i--;
      if (i < 0) break;
      idx[i]!++;
      for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
    }
  }
}

/** Beyond this many candidate warehouses, trying every subset costs too much; greedy over all. */
const EXACT_WAREHOUSE_LIMIT = 8;

function bestAllocation(input: ProcessInput): Allocation {
  let best = allocate(input, input.warehouses);
  if (input.warehouses.length > EXACT_WAREHOUSE_LIMIT) return best;
  // Subsets come smallest first, so the first to reach the most units is the smallest such set.
  let bestSubset: Allocation | undefined;
  for (const subset of subsetsBySize(input.warehouses)) {
    const a = allocate(input, subset);
    if (!bestSubset || a.units > bestSubset.units) bestSubset = a;
  }
  if (bestSubset && bestSubset.units >= best.units) best = bestSubset;
  return best;
}

function pickLinesFor(line: ProcessLine, amount: number): PlannedPickLine[] {
  const base = { idorder_product: line.idorder_product, idproduct: line.idproduct, amount };
  if (line.kind === 'stock')
    return [{ ...base, reserve: true, has_parts: false, partof_idorder_product: null }];
  if (line.kind === 'unlimited')
    return [{ ...base, reserve: false, has_parts: false, partof_idorder_product: null }];
  return [
    { ...base, reserve: false, has_parts: true, partof_idorder_product: null },
    ...line.parts.map((p) => ({
      idorder_product: p.idorder_product,
      idproduct: p.idproduct,
      amount: p.per_parent * amount,
      reserve: !p.unlimited,
      has_parts: false,
      partof_idorder_product: line.idorder_product,
    })),
  ];
}

function backorderFor(
  line: StockLine | CompositionLine,
  idwarehouse: number,
  amount: number,
): PlannedBackorder {
  return {
    idorder_product: line.idorder_product,
    idproduct: line.idproduct,
    idwarehouse,
    amount,
    parts:
      line.kind === 'composition'
        ? line.parts
            .filter((p) => !p.unlimited)
            .map((p) => ({
              idorder_product: p.idorder_product,
              idproduct: p.idproduct,
              amount: p.per_parent * amount,
              parts_per_parent: p.per_parent,
            }))
        : null,
  };
}

function toPicklists(
  byWarehouse: Map<number, PlannedPickLine[]>,
  order: readonly number[],
): PlannedPicklist[] {
  return order
    .filter((w) => (byWarehouse.get(w)?.length ?? 0) > 0)
    .map((w) => ({ idwarehouse: w, lines: byWarehouse.get(w)! }));
}

/**
 * The plan for processing an order: picklists per warehouse and backorders for what waits.
 * Deterministic: the same input always gives the same plan.
 */
export function planOrderProcessing(input: ProcessInput): ProcessPlan {
  const lines = input.lines.filter((l) => l.amount > 0);
  const warehouses = input.warehouses;
  if (warehouses.length === 0) return { picklists: [], backorders: [] };
  const availIn = (w: number) => (p: number) => Math.max(0, input.available.get(availabilityKey(p, w)) ?? 0);
  const byWarehouse = new Map<number, PlannedPickLine[]>();
  const addPick = (w: number, ls: PlannedPickLine[]) =>
    byWarehouse.set(w, [...(byWarehouse.get(w) ?? []), ...ls]);

  // 1. One warehouse ships everything.
  const need = orderNeed(lines);
  const single = warehouses.find((w) => fits(need, availIn(w)));
  if (single !== undefined) {
    for (const l of lines) addPick(single, pickLinesFor(l, l.amount));
    return { picklists: toPicklists(byWarehouse, warehouses), backorders: [] };
  }

  const waiting = lines.filter((l): l is StockLine | CompositionLine => l.kind !== 'unlimited');
  const unlimited = lines.filter((l) => l.kind === 'unlimited');

  // 2. Without partial delivery everything stocked waits, where most lines could ship completely.
  if (!input.partialdelivery) {
    const score = (w: number) =>
      waiting.filter((l) =>
        fits(l.kind === 'stock' ? new Map([[l.idproduct, l.amount]]) : compositionNeed(l), availIn(w)),
      ).length;
    let home = warehouses[0]!;
    for (const w of warehouses) if (score(w) > score(home)) home = w;
    for (const l of unlimited) addPick(home, pickLinesFor(l, l.amount));
    return {
      picklists: toPicklists(byWarehouse, warehouses),
      backorders: waiting.map((l) => backorderFor(l, home, l.amount)),
    };
  }

  // 3. Partial delivery: as much as possible from as few warehouses as possible.
  const { shipped } = bestAllocation({ ...input, lines });
  const used = warehouses.filter((w) => [...shipped.values()].some((m) => (m.get(w) ?? 0) > 0));
  const backorders: PlannedBackorder[] = [];
  for (const l of waiting) {
    const m = shipped.get(l.idorder_product) ?? new Map<number, number>();
    let shippedTotal = 0;
    for (const w of warehouses) {
      const n = m.get(w) ?? 0;
      if (n > 0) addPick(w, pickLinesFor(l, n));
      shippedTotal += n;
    }
    const rest = l.amount - shippedTotal;
    if (rest <= 0) continue;
    const pickedHere = used.find((w) => (m.get(w) ?? 0) > 0);
    backorders.push(backorderFor(l, pickedHere ?? used[0] ?? warehouses[0]!, rest));
  }
  const unlimitedHome = used[0] ?? warehouses[0]!;
  for (const l of unlimited) addPick(unlimitedHome, pickLinesFor(l, l.amount));
  return { picklists: toPicklists(byWarehouse, warehouses), backorders };
}
