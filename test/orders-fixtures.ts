import type { Client } from './harness.ts';

/** Arrangements shared by the order, picklist and backorder tests, made through the public API. */

export interface World {
  /** Warehouses by name. */
  w: Record<string, number>;
  /** Products by name. */
  p: Record<string, number>;
  idcustomer: number;
}

export interface WorldSpec {
  /** Warehouse names with their priority (lower ships first). Default one warehouse "W1". */
  warehouses?: Record<string, number>;
  /** Product names with their type (default normal). */
  products?: Record<string, string>;
}

let n = 0;

export async function world(c: Client, spec: WorldSpec = {}): Promise<World> {
  const w: Record<string, number> = {};
  for (const [name, priority] of Object.entries(spec.warehouses ?? { W1: 1 }))
    w[name] = (await c.expect(201, 'POST', '/warehouses', { name, priority })).idwarehouse;
  const p: Record<string, number> = {};
  for (const [name, type] of Object.entries(spec.products ?? { A: 'normal', B: 'normal', C: 'normal' }))
    p[name] = (
      await c.expect(201, 'POST', '/products', {
        productcode: `${name}-${process.pid}-${++n}`,
        name,
        type,
        price: 10,
      })
    ).idproduct;
  const idcustomer = (await c.expect(201, 'POST', '/customers', { name: `Customer ${++n}` })).idcustomer;
  return { w, p, idcustomer };
}

export async function addStock(
  c: Client,
  idproduct: number,
  idwarehouse: number,
  change: number,
  idlocation?: number,
) {
  return c.expect(200, 'POST', `/products/${idproduct}/stock/${idwarehouse}`, {
    change,
    reason: 'test',
    ...(idlocation !== undefined && { idlocation }),
  });
}

/** Creates an order of [product, amount] lines for the world's customer. */
export async function order(
  c: Client,
  wd: World,
  lines: [idproduct: number, amount: number][],
  extra: Record<string, unknown> = {},
): Promise<any> {
  return c.expect(201, 'POST', '/orders', {
    idcustomer: wd.idcustomer,
    products: lines.map(([idproduct, amount]) => ({ idproduct, amount })),
    ...extra,
  });
}

export async function processOrder(c: Client, idorder: number): Promise<any> {
  return c.expect(200, 'POST', `/orders/${idorder}/process`);
}

/** Creates and processes an order; answers the order, its picklists and its backorders. */
export async function placed(
  c: Client,
  wd: World,
  lines: [idproduct: number, amount: number][],
  extra: Record<string, unknown> = {},
): Promise<{ order: any; picklists: any[]; backorders: any[] }> {
  const o = await order(c, wd, lines, extra);
  const processed = await processOrder(c, o.idorder);
  return {
    order: processed,
    picklists: await c.expect(200, 'GET', `/picklists?idorder=${o.idorder}`),
    backorders: await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`),
  };
}

export async function stockOf(c: Client, idproduct: number, idwarehouse: number): Promise<any> {
  return c.expect(200, 'GET', `/products/${idproduct}/stock/${idwarehouse}`);
}

/** "product x amount" strings of picklist lines, for readable assertions. */
export const pickLines = (picklists: any[], names: Record<string, number>) =>
  picklists.flatMap((pl) => pl.products.map((l: any) => `${nameOf(names, l.idproduct)}x${l.amount}`));

export const waiting = (backorders: any[], names: Record<string, number>) =>
  backorders.map((b) => `${nameOf(names, b.idproduct)}x${b.amount}`);

const nameOf = (names: Record<string, number>, id: number) =>
  Object.entries(names).find(([, v]) => v === id)?.[0] ?? String(id);
