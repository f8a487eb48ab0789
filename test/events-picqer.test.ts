import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines, type Client } from './harness.ts';
import { addStock, eventsSince, lastEventId, product, shop } from './lifecycle-fixtures.ts';

/**
 * Picqer's events for the resources Stockroom has (reference/picqer-api.md 12.4), each emitted
 * exactly once per cause: one request, the events it wrote to the outbox, counted by name and
 * resource. Free stock events come once per product and warehouse whose free stock changed, none
 * when a reservation only moved (a picklist's rest waiting again as a backorder).
 */

/** "event resource_id" -> how many, of the events one request causes (backorder events left out). */
async function caused(c: Client, request: () => Promise<unknown>): Promise<Record<string, number>> {
  const since = await lastEventId(c);
  await request();
  const out: Record<string, number> = {};
  for (const e of await eventsSince(c, since))
    if (e.resource_type !== 'backorder')
      out[`${e.event} ${e.resource_id}`] = (out[`${e.event} ${e.resource_id}`] ?? 0) + 1;
  return out;
}

describeEngines('Picqer events once per cause', (t) => {
  test('when stock, orders and picklists change, then each Picqer event comes once per cause', async () => {
    const c = await t().newClient();
    const s = await shop(c);
    const [a, b] = [await product(c), await product(c)];
    assert.deepEqual(await caused(c, () => addStock(c, a, s.idwarehouse, 5)), {
      [`products.stock_changed ${a}`]: 1,
      [`products.free_stock_changed ${a}`]: 1,
    });
    await addStock(c, b, s.idwarehouse, 1);
    let o: any;
    const create = () =>
      c.expect(201, 'POST', '/orders', {
        idcustomer: s.idcustomer,
        products: [
          { idproduct: a, amount: 2 },
          { idproduct: a, amount: 1 },
          { idproduct: b, amount: 2 },
        ],
      });
    assert.deepEqual(await caused(c, async () => (o = await create())), {
      [`orders.created ${o.idorder}`]: 1,
    });
    let pl: any;
    const processing = await caused(c, async () => {
      await c.expect(200, 'POST', `/orders/${o.idorder}/process`);
      [pl] = await c.expect(200, 'GET', `/picklists?idorder=${o.idorder}`);
    });
    assert.deepEqual(processing, {
      [`picklists.created ${pl.idpicklist}`]: 1,
      [`products.free_stock_changed ${a}`]: 1,
      [`products.free_stock_changed ${b}`]: 1,
      [`orders.closed ${o.idorder}`]: 1,
      [`orders.status_changed ${o.idorder}`]: 1,
    });
    await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/pickall`);
    // Both lines of a leave the warehouse: one stock change of a; free stock does not move.
    assert.deepEqual(await caused(c, () => c.expect(200, 'POST', `/picklists/${pl.idpicklist}/close`)), {
      [`products.stock_changed ${a}`]: 1,
      [`products.stock_changed ${b}`]: 1,
      [`picklists.closed ${pl.idpicklist}`]: 1,
    });
    // B x1 waits: stock for it, processed, then its picklist cancelled (it waits again).
    await addStock(c, b, s.idwarehouse, 1);
    const [again] = await c.expect(200, 'POST', `/orders/${o.idorder}/process-backorders`);
    assert.deepEqual(await caused(c, () => c.expect(200, 'POST', `/picklists/${again.idpicklist}/cancel`)), {
      [`picklists.cancelled ${again.idpicklist}`]: 1,
    });
    assert.deepEqual(await caused(c, () => c.expect(200, 'POST', `/orders/${o.idorder}/pause`)), {
      [`orders.status_changed ${o.idorder}`]: 1,
    });
    await c.expect(200, 'POST', `/orders/${o.idorder}/resume`);
    const [last] = await c.expect(200, 'POST', `/orders/${o.idorder}/process-backorders`);
    await c.expect(200, 'POST', `/picklists/${last.idpicklist}/pickall`);
    assert.deepEqual(await caused(c, () => c.expect(200, 'POST', `/picklists/${last.idpicklist}/close`)), {
      [`products.stock_changed ${b}`]: 1,
      [`picklists.closed ${last.idpicklist}`]: 1,
      [`orders.status_changed ${o.idorder}`]: 1,
      [`orders.completed ${o.idorder}`]: 1,
    });
    await t().assertLedger(c);
  });

  test('when purchase orders and receipts change, then each Picqer event comes once per cause', async () => {
    const c = await t().newClient();
    const s = await shop(c);
    const p = await product(c);
    let po: any;
    assert.deepEqual(
      await caused(c, async () => {
        po = await c.expect(201, 'POST', '/purchaseorders', {
          idsupplier: s.idsupplier,
          idwarehouse: s.idwarehouse,
          products: [{ idproduct: p, amount: 5 }],
        });
      }),
      { [`purchase_orders.created ${po.idpurchaseorder}`]: 1 },
    );
    const id = po.idpurchaseorder;
    assert.deepEqual(await caused(c, () => c.expect(200, 'PUT', `/purchaseorders/${id}`, { remarks: 'x' })), {
      [`purchase_orders.changed ${id}`]: 1,
    });
    assert.deepEqual(
      await caused(c, () => c.expect(200, 'POST', `/purchaseorders/${id}/mark-as-purchased`)),
      {
        [`purchase_orders.purchased ${id}`]: 1,
      },
    );
    let r: any;
    assert.deepEqual(
      await caused(c, async () => (r = await c.expect(201, 'POST', '/receipts', { idpurchaseorder: id }))),
      { [`receipts.created ${r.idreceipt}`]: 1 },
    );
    assert.deepEqual(
      await caused(c, () =>
        c.expect(201, 'POST', `/receipts/${r.idreceipt}/products`, { idproduct: p, amount: 3 }),
      ),
      {
        [`receipts.product_received ${r.idreceipt}`]: 1,
        [`purchase_orders.changed ${id}`]: 1,
        [`products.stock_changed ${p}`]: 1,
        [`products.free_stock_changed ${p}`]: 1,
      },
    );
    assert.deepEqual(
      await caused(c, () => c.expect(200, 'PUT', `/receipts/${r.idreceipt}`, { status: 'completed' })),
      { [`receipts.completed ${r.idreceipt}`]: 1 },
    );
    await t().assertLedger(c);
  });
});
