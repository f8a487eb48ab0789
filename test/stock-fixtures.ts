import assert from 'node:assert/strict';
import type { Client, TestApp } from './harness.ts';

/** Arrangements shared by the stock tests, made through the public API unless said otherwise. */

export interface StockSetup {
  idwarehouse: number;
  idproduct: number;
  /** Locations of the warehouse, by name. */
  loc: Record<string, number>;
}

/** A warehouse with the named locations and one normal product. */
export async function stockSetup(c: Client, locations: string[] = ['L1', 'L2', 'L3']): Promise<StockSetup> {
  const w = await c.expect(201, 'POST', '/warehouses', { name: 'Main' });
  const loc: Record<string, number> = {};
  for (const name of locations) {
    const l = await c.expect(201, 'POST', '/locations', { idwarehouse: w.idwarehouse, name });
    loc[name] = l.idlocation;
  }
  const p = await c.expect(201, 'POST', '/products', { productcode: `P-${Math.random()}`, name: 'Widget' });
  return { idwarehouse: w.idwarehouse, idproduct: p.idproduct, loc };
}

/** POST a stock change that must succeed; returns the warehouse detail. */
export async function change(c: Client, s: StockSetup, body: object): Promise<any> {
  return c.expect(200, 'POST', `/products/${s.idproduct}/stock/${s.idwarehouse}`, {
    reason: 'test',
    ...body,
  });
}

export async function detail(c: Client, s: StockSetup): Promise<any> {
  return c.expect(200, 'GET', `/products/${s.idproduct}/stock/${s.idwarehouse}`);
}

/** Stock per location name (and 'none' for no specific location) plus the warehouse total. */
export async function levels(c: Client, s: StockSetup): Promise<Record<string, number>> {
  const d = await detail(c, s);
  const out: Record<string, number> = { total: d.stock };
  let located = 0;
  for (const l of d.locations) {
    out[l.name] = l.stock;
    located += l.stock;
  }
  out.none = d.stock - located;
  return out;
}

/** Every ledger row of a product, all pages. */
export async function historyOf(c: Client, idproduct: number): Promise<any[]> {
  const rows: any[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await c.expect(200, 'GET', `/stockhistory?idproduct=${idproduct}&offset=${offset}`);
    rows.push(...page);
    if (page.length < 100) return rows;
  }
}

/**
 * Reserves stock for a picklist line through the stock core. Picklists are another area's API, so
 * the order, picklist and line rows are inserted directly; the reservation itself is made by the
 * real reservePickInTrx, so the counters stay rebuildable from their sources.
 */
export async function reserveForPicklist(
  t: TestApp,
  c: Client,
  s: StockSetup,
  amount: number,
): Promise<{ idpicklist_product: number; slots: { slot: number; amount: number }[] }> {
  const now = '2024-01-01 00:00:00';
  return t.services.stock.transaction(async (trx) => {
    const idaccount = c.idaccount;
    const order = await trx
      .insertInto('orders')
      .values({
        idaccount,
        orderid: `O${Math.random()}`,
        status: 'processing',
        partialdelivery: 1,
        warehouses: '[]',
        allocated: 0,
        created: now,
        updated: now,
      })
      .returning('idorder')
      .executeTakeFirstOrThrow();
    const line = await trx
      .insertInto('order_products')
      .values({
        idaccount,
        idorder: order.idorder,
        idproduct: s.idproduct,
        name: 'Widget',
        price: 0,
        amount,
        amount_cancelled: 0,
        has_parts: 0,
      })
      .returning('idorder_product')
      .executeTakeFirstOrThrow();
    const picklist = await trx
      .insertInto('picklists')
      .values({
        idaccount,
        picklistid: `PL${Math.random()}`,
        idorder: order.idorder,
        idwarehouse: s.idwarehouse,
        status: 'new',
        created: now,
        updated: now,
      })
      .returning('idpicklist')
      .executeTakeFirstOrThrow();
    const pp = await trx
      .insertInto('picklist_products')
      .values({
        idaccount,
        idpicklist: picklist.idpicklist,
        idorder_product: line.idorder_product,
        idproduct: s.idproduct,
        name: 'Widget',
        price: 0,
        amount,
        amount_picked: 0,
        has_parts: 0,
      })
      .returning('idpicklist_product')
      .executeTakeFirstOrThrow();
    await t.services.stock.lockLevelsInTrx(trx, idaccount, [
      { idproduct: s.idproduct, idwarehouse: s.idwarehouse },
    ]);
    const slots = await t.services.stock.reservePickInTrx(trx, idaccount, {
      idproduct: s.idproduct,
      idwarehouse: s.idwarehouse,
      idpicklist_product: pp.idpicklist_product,
      amount,
    });
    return { idpicklist_product: pp.idpicklist_product, slots };
  });
}

/** Asserts a 4xx with a Picqer error body and returns it. */
export async function expectError(
  c: Client,
  status: number,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ error_code: number; error_message: string }> {
  const res = await c.request(method, url, body);
  assert.equal(
    res.status,
    status,
    `${method} ${url} ${JSON.stringify(body)} answered ${res.status}: ${res.raw}`,
  );
  assert.equal(res.body.error, true);
  assert.equal(typeof res.body.error_message, 'string');
  return res.body;
}
