import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { planBackorderProcessing, type OpenBackorder } from './backorder-processing.ts';

const bo = (
  idbackorder: number,
  amount: number,
  amount_available: number,
  extra: Partial<OpenBackorder> = {},
): OpenBackorder => ({
  idbackorder,
  idwarehouse: 1,
  idproduct: idbackorder,
  amount,
  amount_available,
  has_parts: false,
  part_of_idbackorder: null,
  ...extra,
});

describe('backorder processing plan', () => {
  test('when partial delivery is on, then the available part ships and the rest waits', () => {
    const plan = planBackorderProcessing({
      idorder: 1,
      partialdelivery: true,
      backorders: [bo(1, 3, 2), bo(2, 1, 0)],
    });
    assert.deepEqual(plan, [{ idorder: 1, idwarehouse: 1, takes: [{ idbackorder: 1, amount: 2 }] }]);
  });

  test('when partial delivery is off and one backorder lacks stock, then nothing ships', () => {
    const plan = planBackorderProcessing({
      idorder: 1,
      partialdelivery: false,
      backorders: [bo(1, 3, 3), bo(2, 1, 0)],
    });
    assert.deepEqual(plan, []);
  });

  test('when partial delivery is off and all are available, then all ship at once, per warehouse', () => {
    const plan = planBackorderProcessing({
      idorder: 1,
      partialdelivery: false,
      backorders: [bo(1, 3, 3, { idwarehouse: 2 }), bo(2, 1, 1)],
    });
    assert.deepEqual(plan, [
      { idorder: 1, idwarehouse: 1, takes: [{ idbackorder: 2, amount: 1 }] },
      { idorder: 1, idwarehouse: 2, takes: [{ idbackorder: 1, amount: 3 }] },
    ]);
  });

  test('when one part of a composition is short, then the composition keeps waiting whole', () => {
    const parent = bo(10, 2, 0, { has_parts: true });
    const parts = [bo(11, 2, 2, { part_of_idbackorder: 10 }), bo(12, 4, 3, { part_of_idbackorder: 10 })];
    assert.deepEqual(
      planBackorderProcessing({ idorder: 1, partialdelivery: true, backorders: [parent, ...parts] }),
      [],
    );
    const ready = [bo(11, 2, 2, { part_of_idbackorder: 10 }), bo(12, 4, 4, { part_of_idbackorder: 10 })];
    assert.deepEqual(
      planBackorderProcessing({ idorder: 1, partialdelivery: true, backorders: [parent, ...ready] }),
      [
        {
          idorder: 1,
          idwarehouse: 1,
          takes: [
            { idbackorder: 10, amount: 2 },
            { idbackorder: 11, amount: 2 },
            { idbackorder: 12, amount: 4 },
          ],
        },
      ],
    );
  });

  const ordersArb = fc.record({
    partialdelivery: fc.boolean(),
    rows: fc.array(
      fc
        .record({
          amount: fc.integer({ min: 1, max: 10 }),
          available: fc.integer({ min: 0, max: 10 }),
          idwarehouse: fc.integer({ min: 1, max: 3 }),
        })
        .map((r) => ({ ...r, available: Math.min(r.available, r.amount) })),
      { maxLength: 8 },
    ),
  });

  test('property: takes never exceed what is available nor the amount, and are positive', () => {
    fc.assert(
      fc.property(ordersArb, ({ partialdelivery, rows }) => {
        const backorders = rows.map((r, i) =>
          bo(i + 1, r.amount, r.available, { idwarehouse: r.idwarehouse }),
        );
        const plan = planBackorderProcessing({ idorder: 1, partialdelivery, backorders });
        const byId = new Map(backorders.map((b) => [b.idbackorder, b]));
        const seen = new Set<number>();
        for (const p of plan)
          for (const t of p.takes) {
            const b = byId.get(t.idbackorder)!;
            assert.ok(t.amount > 0 && t.amount <= b.amount_available && t.amount <= b.amount);
            assert.equal(b.idwarehouse, p.idwarehouse);
            assert.ok(!seen.has(t.idbackorder));
            seen.add(t.idbackorder);
          }
      }),
    );
  });

  test('property: without partial delivery, all or nothing; with it, every available unit ships', () => {
    fc.assert(
      fc.property(ordersArb, ({ partialdelivery, rows }) => {
        const backorders = rows.map((r, i) =>
          bo(i + 1, r.amount, r.available, { idwarehouse: r.idwarehouse }),
        );
        const plan = planBackorderProcessing({ idorder: 1, partialdelivery, backorders });
        const taken = plan.flatMap((p) => p.takes).reduce((s, t) => s + t.amount, 0);
        const available = backorders.reduce((s, b) => s + b.amount_available, 0);
        const total = backorders.reduce((s, b) => s + b.amount, 0);
        if (partialdelivery) assert.equal(taken, available);
        else assert.ok(taken === 0 || (taken === total && available === total));
      }),
    );
  });

  test('property: same input, same plan', () => {
    fc.assert(
      fc.property(ordersArb, ({ partialdelivery, rows }) => {
        const backorders = rows.map((r, i) =>
          bo(i + 1, r.amount, r.available, { idwarehouse: r.idwarehouse }),
        );
        const a = planBackorderProcessing({ idorder: 1, partialdelivery, backorders });
        const b = planBackorderProcessing({
          idorder: 1,
          partialdelivery,
          backorders: [...backorders].reverse(),
        });
        assert.deepEqual(a, b);
      }),
    );
  });
});
