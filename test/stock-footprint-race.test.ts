import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describePostgres } from './harness.ts';
import { change, detail, historyOf, stockSetup } from './stock-fixtures.ts';

/**
 * The stock change reads its level and slots in one statement (ADR 0018). On PostgreSQL a
 * statement that waited for the level's lock does not see slots inserted meanwhile; the change must
 * notice (the slots no longer add up to the level) and read them again. Here moves to new locations
 * create slots while changes without a location (the implied slot) and to those new locations race.
 */
describePostgres('stock change footprint under new slots', (t) => {
  test('when moves create slots while changes race on the same level, then every ledger row is right and reconcile is empty', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `N${i}`);
    const c = await t().newClient();
    const s = await stockSetup(c, ['L1', ...names]);
    await change(c, s, { idlocation: s.loc.L1, change: 100 });
    const url = `/products/${s.idproduct}/stock/${s.idwarehouse}`;
    const results = await Promise.all([
      ...names.map((n) =>
        c.post(`${url}/move`, { from_idlocation: s.loc.L1, to_idlocation: s.loc[n], amount: 2 }),
      ),
      ...names.map((n) => c.post(url, { idlocation: s.loc[n], change: 1, reason: 'race' })),
      ...Array.from({ length: 12 }, () => c.post(url, { change: 1, reason: 'implied' })),
    ]);
    assert.deepEqual(
      results.filter((r) => r.status !== 200).map((r) => `${r.status} ${JSON.stringify(r.body)}`),
      [],
    );
    const d = await detail(c, s);
    assert.equal(d.stock, 100 + 12 + 12);
    for (const n of names) assert.equal(d.locations.find((l: any) => l.name === n)?.stock, 3, n);
    // Each location's ledger rows chain: every row starts where the one before it ended.
    const bySlot = new Map<string, any[]>();
    for (const h of (await historyOf(c, s.idproduct)).sort(
      (a, b) => a.idproduct_stock_history - b.idproduct_stock_history,
    )) {
      const k = String(h.idlocation);
      bySlot.set(k, [...(bySlot.get(k) ?? []), h]);
    }
    for (const [slot, rows] of bySlot)
      rows.reduce((before: number, h: any) => {
        assert.equal(h.location_old_stock, before, `location ${slot}, row ${h.idproduct_stock_history}`);
        return h.location_new_stock as number;
      }, 0);
    await t().assertLedger(c);
  });
});
