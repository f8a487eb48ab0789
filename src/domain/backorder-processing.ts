/**
 * Turning available backorders into picklists (POST /backorders/process and
 * /orders/{id}/process-backorders, reference/picqer-api.md 8.4 and 11.4). Pure: the service locks
 * the levels, reads the order's open backorders with their assigned stock, and writes the plan.
 *
 * - With partial delivery, each backorder ships what is assigned to it (amount_available); the
 *   rest keeps waiting.
 * - Without partial delivery, an order's backorders ship only when every one of them is fully
 *   available, and then all at once.
 * - A composition (parent backorder with parts) ships whole or not at all: only when every part
 *   backorder is fully available; the parent itself holds no stock.
 * One picklist per (order, warehouse).
 */

export interface OpenBackorder {
  idbackorder: number;
  idwarehouse: number;
  idproduct: number;
  amount: number;
  amount_available: number;
  has_parts: boolean;
  part_of_idbackorder: number | null;
}

export interface OrderBackorders {
  idorder: number;
  partialdelivery: boolean;
  backorders: readonly OpenBackorder[];
}

export interface Take {
  idbackorder: number;
  /** Units that move from the backorder to the picklist. */
  amount: number;
}

export interface PlannedBackorderPick {
  idorder: number;
  idwarehouse: number;
  takes: Take[];
}

interface Group {
  /** The standalone backorder, or the composition's parent. */
  head: OpenBackorder;
  parts: OpenBackorder[];
}

function groups(backorders: readonly OpenBackorder[]): Group[] {
  const parts = new Map<number, OpenBackorder[]>();
  for (const b of backorders)
    if (b.part_of_idbackorder !== null)
      parts.set(b.part_of_idbackorder, [...(parts.get(b.part_of_idbackorder) ?? []), b]);
  return backorders
    .filter((b) => b.part_of_idbackorder === null)
    .map((head) => ({ head, parts: head.has_parts ? (parts.get(head.idbackorder) ?? []) : [] }));
}

const fullyAvailable = (g: Group): boolean =>
  g.head.has_parts
    ? g.parts.every((p) => p.amount_available >= p.amount)
    : g.head.amount_available >= g.head.amount;

const whole = (g: Group): Take[] => [
  { idbackorder: g.head.idbackorder, amount: g.head.amount },
  ...g.parts.map((p) => ({ idbackorder: p.idbackorder, amount: p.amount })),
];

/**
 * What of one order's open backorders can ship now, as one planned picklist per warehouse (in
 * warehouse id order, takes in backorder id order). Empty when nothing can ship.
 *
 * @example
 * planBackorderProcessing({ idorder: 1, partialdelivery: true, backorders: [
 *   { idbackorder: 7, idwarehouse: 1, idproduct: 3, amount: 3, amount_available: 2, has_parts: false, part_of_idbackorder: null },
 * ] }) // -> [{ idorder: 1, idwarehouse: 1, takes: [{ idbackorder: 7, amount: 2 }] }]
 */
export function planBackorderProcessing(order: OrderBackorders): PlannedBackorderPick[] {
  const gs = groups(order.backorders);
  let takes: { idwarehouse: number; take: Take }[] = [];
  if (order.partialdelivery) {
    for (const g of gs) {
      if (g.head.has_parts) {
        if (fullyAvailable(g))
          takes.push(...whole(g).map((take) => ({ idwarehouse: g.head.idwarehouse, take })));
      } else {
        const n = Math.min(g.head.amount, g.head.amount_available);
        if (n > 0)
          takes.push({
            idwarehouse: g.head.idwarehouse,
            take: { idbackorder: g.head.idbackorder, amount: n },
          });
      }
    }
  } else if (gs.length > 0 && gs.every(fullyAvailable)) {
    takes = gs.flatMap((g) => whole(g).map((take) => ({ idwarehouse: g.head.idwarehouse, take })));
  }
  const byWarehouse = new Map<number, Take[]>();
  for (const t of takes) byWarehouse.set(t.idwarehouse, [...(byWarehouse.get(t.idwarehouse) ?? []), t.take]);
  return [...byWarehouse.keys()]
    .sort((a, b) => a - b)
    .map((idwarehouse) => ({
      idorder: order.idorder,
      idwarehouse,
      takes: byWarehouse.get(idwarehouse)!.sort((a, b) => a.idbackorder - b.idbackorder),
    }));
}
