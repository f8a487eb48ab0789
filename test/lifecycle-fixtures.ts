import assert from 'node:assert/strict';
import type { Client } from './harness.ts';

/** Arrangements of the backorder lifecycle tests (seed 002), made through the public API. */

export interface Shop {
  idwarehouse: number;
  idsupplier: number;
  idcustomer: number;
}

let n = 0;

/** A warehouse, a supplier and a Dutch customer with an e-mail address. */
export async function shop(c: Client, customer: Record<string, unknown> = {}): Promise<Shop> {
  const w = await c.expect(201, 'POST', '/warehouses', { name: 'Main', priority: 1 });
  const s = await c.expect(201, 'POST', '/suppliers', { name: 'Acme', language: 'en' });
  const cu = await c.expect(201, 'POST', '/customers', {
    name: 'Anna de Vries',
    emailaddress: 'anna@example.nl',
    language: 'nl',
    ...customer,
  });
  return { idwarehouse: w.idwarehouse, idsupplier: s.idsupplier, idcustomer: cu.idcustomer };
}

/** A normal product (price 12.50). */
export async function product(c: Client, name = 'Widget'): Promise<number> {
  return (
    await c.expect(201, 'POST', '/products', {
      productcode: `${name}-${process.pid}-${++n}`,
      name,
      price: 12.5,
    })
  ).idproduct;
}

/** A processed order of the shop's customer; answers it with its backorders (open ones). */
export async function processed(
  c: Client,
  s: Shop,
  lines: [idproduct: number, amount: number][],
  extra: Record<string, unknown> = {},
): Promise<{ order: any; backorders: any[] }> {
  const o = await c.expect(201, 'POST', '/orders', {
    idcustomer: s.idcustomer,
    products: lines.map(([idproduct, amount]) => ({ idproduct, amount })),
    ...extra,
  });
  const order = await c.expect(200, 'POST', `/orders/${o.idorder}/process`);
  return { order, backorders: await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`) };
}

/** One order of `amount` of a product, nothing in stock: its single backorder. */
export async function backordered(
  c: Client,
  s: Shop,
  idproduct: number,
  amount = 2,
  extra = {},
): Promise<any> {
  const { backorders } = await processed(c, s, [[idproduct, amount]], extra);
  assert.equal(backorders.length, 1);
  return backorders[0];
}

export async function addStock(c: Client, idproduct: number, idwarehouse: number, change: number) {
  return c.expect(200, 'POST', `/products/${idproduct}/stock/${idwarehouse}`, { change, reason: 'test' });
}

/** A purchased purchase order of the shop's supplier. */
export async function purchased(
  c: Client,
  s: Shop,
  products: { idproduct: number; amount: number; delivery_date?: string | null }[],
  delivery_date: string | null = null,
): Promise<any> {
  const po = await c.expect(201, 'POST', '/purchaseorders', {
    idsupplier: s.idsupplier,
    idwarehouse: s.idwarehouse,
    delivery_date,
    products,
  });
  return c.expect(200, 'POST', `/purchaseorders/${po.idpurchaseorder}/mark-as-purchased`);
}

/** The id of the account's latest event (0 when none): pass it to eventsSince. */
export async function lastEventId(c: Client): Promise<number> {
  let sinceid = 0;
  for (;;) {
    const page = await c.expect(200, 'GET', `/events?sinceid=${sinceid}`);
    if (page.length === 0) return sinceid;
    sinceid = page.at(-1).idevent;
  }
}

/** Every event of the account after `sinceid`, in order. */
export async function eventsSince(c: Client, sinceid: number): Promise<any[]> {
  const out: any[] = [];
  for (;;) {
    const page = await c.expect(200, 'GET', `/events?sinceid=${sinceid}`);
    out.push(...page);
    if (page.length < 100) return out;
    sinceid = page.at(-1).idevent;
  }
}

/** "event resource_id" lines of the events after `sinceid`, optionally of one resource type. */
export async function eventLines(c: Client, sinceid: number, resourceType?: string): Promise<string[]> {
  return (await eventsSince(c, sinceid))
    .filter((e) => resourceType === undefined || e.resource_type === resourceType)
    .map((e) => `${e.event} ${e.resource_id}`);
}
