import type { Client } from './harness.ts';

/** Arrangements shared by the purchasing, receipts and expected-availability tests, via the public API. */

export interface PurchasingSetup {
  idwarehouse: number;
  idsupplier: number;
  idlocation: number;
  /** Two normal products: P (fixed stock price 6.5) and Q (no fixed stock price). */
  P: number;
  Q: number;
}

let seq = 0;
export const code = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

export async function purchasingSetup(c: Client): Promise<PurchasingSetup> {
  const w = await c.expect(201, 'POST', '/warehouses', { name: 'Main', priority: 1 });
  const l = await c.expect(201, 'POST', '/locations', { idwarehouse: w.idwarehouse, name: 'A-1' });
  const s = await c.expect(201, 'POST', '/suppliers', {
    name: 'Acme Supplies',
    language: 'en',
    address: 'Dock 1',
    zipcode: '1000 AA',
    city: 'Amsterdam',
  });
  const P = await c.expect(201, 'POST', '/products', {
    productcode: code('P'),
    name: 'Widget',
    price: 10,
    fixedstockprice: 6.5,
    productcode_supplier: 'SUP-P',
    weight: 250,
  });
  const Q = await c.expect(201, 'POST', '/products', { productcode: code('Q'), name: 'Gadget', price: 20 });
  return {
    idwarehouse: w.idwarehouse,
    idsupplier: s.idsupplier,
    idlocation: l.idlocation,
    P: P.idproduct,
    Q: Q.idproduct,
  };
}

/** Creates a purchase order for the setup's supplier and warehouse. */
export async function createPO(
  c: Client,
  s: PurchasingSetup,
  products: { idproduct: number; amount: number; price?: number; delivery_date?: string | null }[],
  extra: Record<string, unknown> = {},
): Promise<any> {
  return c.expect(201, 'POST', '/purchaseorders', {
    idsupplier: s.idsupplier,
    idwarehouse: s.idwarehouse,
    products,
    ...extra,
  });
}

/** Creates and marks a purchase order as purchased. */
export async function purchasedPO(
  c: Client,
  s: PurchasingSetup,
  products: { idproduct: number; amount: number; price?: number; delivery_date?: string | null }[],
  extra: Record<string, unknown> = {},
): Promise<any> {
  const po = await createPO(c, s, products, extra);
  return c.expect(200, 'POST', `/purchaseorders/${po.idpurchaseorder}/mark-as-purchased`);
}

/** A receipt for a purchased purchase order. */
export async function receiptFor(c: Client, idpurchaseorder: number): Promise<any> {
  return c.expect(201, 'POST', '/receipts', { idpurchaseorder });
}

/** Receives on a receipt; answers the received rows. */
export async function receive(c: Client, idreceipt: number, body: Record<string, unknown>): Promise<any[]> {
  return c.expect(201, 'POST', `/receipts/${idreceipt}/products`, body);
}

/** Stock of a product in a warehouse. */
export async function stockOf(c: Client, idproduct: number, idwarehouse: number): Promise<any> {
  return c.expect(200, 'GET', `/products/${idproduct}/stock/${idwarehouse}`);
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

/** Events of the account, optionally of one name. */
export async function eventsOf(c: Client, event?: string): Promise<any[]> {
  const out: any[] = [];
  let sinceid = 0;
  for (;;) {
    const page = await c.expect(200, 'GET', `/events?sinceid=${sinceid}${event ? `&event=${event}` : ''}`);
    out.push(...page);
    if (page.length < 100) return out;
    sinceid = page.at(-1).idevent;
  }
}

/** The text a PDF shows, decoded from its uncompressed text operators (pdfkit hex strings in TJ arrays). */
export function pdfText(pdf: Buffer): string {
  const s = pdf.toString('latin1');
  const parts: string[] = [];
  for (const m of s.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
    let text = '';
    for (const h of m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)) text += Buffer.from(h[1]!, 'hex').toString('latin1');
    parts.push(text);
  }
  return parts.join('\n');
}
