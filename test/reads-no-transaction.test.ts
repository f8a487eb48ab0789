import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { transactionStats } from '../src/db/transaction.ts';
import { describeEngines, type Client } from './harness.ts';
import { addStock, placed, world } from './orders-fixtures.ts';
import { createPO, purchasingSetup, receiptFor } from './purchasing-fixtures.ts';

/**
 * Reads run outside write transactions (issue 8): no GET of the API opens one, so on SQLite no read
 * takes the database's write lock and on PostgreSQL no read holds row locks. Every GET route of the
 * OpenAPI document is called with the ids of real resources; the process's transaction counter
 * must not move, and no answer may be a 500.
 */
describeEngines('reads take no write transaction', (t) => {
  let c: Client;
  const ids: Record<string, number> = {};
  before(async () => {
    c = await t().newClient();
    const wd = await world(c, { products: { A: 'normal', B: 'normal' } });
    const s = await purchasingSetup(c);
    await addStock(c, wd.p.A!, wd.w.W1!, 5);
    const { order, picklists, backorders } = await placed(c, wd, [
      [wd.p.A!, 2],
      [wd.p.B!, 3],
    ]);
    const po = await createPO(c, s, [{ idproduct: s.P, amount: 4 }]);
    await c.expect(200, 'POST', `/purchaseorders/${po.idpurchaseorder}/mark-as-purchased`);
    const receipt = await receiptFor(c, po.idpurchaseorder);
    Object.assign(ids, {
      idproduct: wd.p.A!,
      idwarehouse: wd.w.W1!,
      idorder: order.idorder,
      idpicklist: picklists[0].idpicklist,
      idbackorder: backorders[0].idbackorder,
      idpurchaseorder: po.idpurchaseorder,
      idreceipt: receipt.idreceipt,
      idlocation: s.idlocation,
      idsupplier: s.idsupplier,
      idcustomer: wd.idcustomer,
    });
  });

  test('when every GET route is called, then no transaction is opened and none answers 500', async () => {
    const doc = (await t().app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const paths = Object.entries(doc.paths)
      .filter(([, ops]) => 'get' in ops)
      .map(([p]) => p)
      // The live event stream answers only when it ends; it reads the same way as GET /events.
      .filter((p) => !p.endsWith('/stream'));
    assert.ok(paths.length > 30, `expected the API's GET routes, found ${paths.length}`);
    const before = transactionStats.transactions;
    const failures: string[] = [];
    for (const p of paths) {
      const url = p.replace(/\{(\w+)\}/g, (_, name: string) => String(ids[name] ?? 1));
      const res = await c.request('GET', url);
      if (res.status >= 500) failures.push(`${url}: ${res.status}`);
    }
    assert.deepEqual(failures, []);
    assert.equal(transactionStats.transactions - before, 0, 'GET requests opened transactions');
    // The counter does see this app's transactions: a write moves it.
    await addStock(c, ids.idproduct!, ids.idwarehouse!, 1);
    assert.ok(transactionStats.transactions > before);
  });
});
