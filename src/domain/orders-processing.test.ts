import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  availabilityKey,
  planOrderProcessing,
  type ProcessInput,
  type ProcessLine,
  type ProcessPlan,
} from './orders-processing.ts';

const stock = (idorder_product: number, idproduct: number, amount: number): ProcessLine => ({
  kind: 'stock',
  idorder_product,
  idproduct,
  amount,
});

const avail = (entries: [idproduct: number, idwarehouse: number, n: number][]) =>
  new Map(entries.map(([p, w, n]) => [availabilityKey(p, w), n]));

/** Picklist lines as "product x amount @ warehouse" for readable assertions. */
const picks = (plan: ProcessPlan) =>
  plan.picklists.flatMap((p) => p.lines.map((l) => `${l.idproduct}x${l.amount}@${p.idwarehouse}`));
const waits = (plan: ProcessPlan) =>
  plan.backorders.map((b) => `${b.idproduct}x${b.amount}@${b.idwarehouse}`);

// The documented worked example: stock A=6, B=3, C=0; order A x4, B x6, C x1.
const A = 1;
const B = 2;
const C = 3;
const workedExample = (partialdelivery: boolean): ProcessInput => ({
  lines: [stock(11, A, 4), stock(12, B, 6), stock(13, C, 1)],
  warehouses: [1],
  available: avail([
    [A, 1, 6],
    [B, 1, 3],
    [C, 1, 0],
  ]),
  partialdelivery,
});

describe('order processing plan', () => {
  test('when partial delivery is on, then A x4 + B x3 are picked and B x3, C x1 wait (worked example)', () => {
    const plan = planOrderProcessing(workedExample(true));
    assert.deepEqual(picks(plan), ['1x4@1', '2x3@1']);
    assert.deepEqual(waits(plan), ['2x3@1', '3x1@1']);
  });

  test('when partial delivery is off, then nothing is picked and every line waits (worked example)', () => {
    const plan = planOrderProcessing(workedExample(false));
    assert.deepEqual(picks(plan), []);
    assert.deepEqual(waits(plan), ['1x4@1', '2x6@1', '3x1@1']);
  });

  test('when two warehouses can ship everything, then the first by priority ships it all', () => {
    const plan = planOrderProcessing({
      lines: [stock(1, A, 2)],
      warehouses: [5, 3],
      available: avail([
        [A, 5, 2],
        [A, 3, 10],
      ]),
      partialdelivery: false,
    });
    assert.deepEqual(picks(plan), ['1x2@5']);
  });

  test('when only the second warehouse has everything, then it ships the whole order', () => {
    const plan = planOrderProcessing({
      lines: [stock(1, A, 2), stock(2, B, 1)],
      warehouses: [1, 2],
      available: avail([
        [A, 1, 2],
        [A, 2, 2],
        [B, 2, 1],
      ]),
      partialdelivery: true,
    });
    assert.deepEqual(picks(plan), ['1x2@2', '2x1@2']);
    assert.deepEqual(plan.backorders, []);
  });

  test('when no warehouse has everything, then partial delivery uses as few warehouses as possible', () => {
    // W1 has A, W2 has B, W3 has A and B but one C short; C only in W1.
    const plan = planOrderProcessing({
      lines: [stock(1, A, 1), stock(2, B, 1), stock(3, C, 1)],
      warehouses: [1, 2, 3],
      available: avail([
        [A, 1, 1],
        [B, 2, 1],
        [A, 3, 1],
        [B, 3, 1],
        [C, 1, 1],
      ]),
      partialdelivery: true,
    });
    // W1 (A, C) + W2 (B) or W1 (A, C) + W3 (B): two warehouses either way; W1 + W2 come first.
    assert.equal(plan.picklists.length, 2);
    assert.deepEqual(picks(plan).sort(), ['1x1@1', '2x1@2', '3x1@1']);
    assert.deepEqual(plan.backorders, []);
  });

  test('when unlimited stock is ordered, then it always ships and never waits', () => {
    const plan = planOrderProcessing({
      lines: [{ kind: 'unlimited', idorder_product: 1, idproduct: 9, amount: 5 }, stock(2, A, 1)],
      warehouses: [1],
      available: avail([]),
      partialdelivery: false,
    });
    assert.deepEqual(picks(plan), ['9x5@1']);
    assert.equal(plan.picklists[0]!.lines[0]!.reserve, false);
    assert.deepEqual(waits(plan), ['1x1@1']);
  });

  test('when a composition misses a part, then it waits whole as a parent with part backorders', () => {
    const plan = planOrderProcessing({
      lines: [
        {
          kind: 'composition',
          idorder_product: 1,
          idproduct: 50,
          amount: 2,
          parts: [
            { idorder_product: 2, idproduct: A, per_parent: 1, unlimited: false },
            { idorder_product: 3, idproduct: B, per_parent: 2, unlimited: false },
          ],
        },
      ],
      warehouses: [1],
      available: avail([
        [A, 1, 5],
        [B, 1, 3],
      ]),
      partialdelivery: true,
    });
    assert.deepEqual(picks(plan), []);
    assert.deepEqual(plan.backorders, [
      {
        idorder_product: 1,
        idproduct: 50,
        idwarehouse: 1,
        amount: 2,
        parts: [
          { idorder_product: 2, idproduct: A, amount: 2, parts_per_parent: 1 },
          { idorder_product: 3, idproduct: B, amount: 4, parts_per_parent: 2 },
        ],
      },
    ]);
  });

  test('when a composition can ship, then its parts are picked under the composition line', () => {
    const plan = planOrderProcessing({
      lines: [
        {
          kind: 'composition',
          idorder_product: 1,
          idproduct: 50,
          amount: 1,
          parts: [{ idorder_product: 2, idproduct: B, per_parent: 2, unlimited: false }],
        },
      ],
      warehouses: [1],
      available: avail([[B, 1, 2]]),
      partialdelivery: true,
    });
    const lines = plan.picklists[0]!.lines;
    assert.deepEqual(
      lines.map((l) => [l.idproduct, l.amount, l.has_parts, l.partof_idorder_product, l.reserve]),
      [
        [50, 1, true, null, false],
        [B, 2, false, 1, true],
      ],
    );
  });

  // Random orders over 3 products and up to 3 warehouses.
  const inputArb = fc
    .record({
      lines: fc.array(
        fc.record({ idproduct: fc.integer({ min: 1, max: 3 }), amount: fc.integer({ min: 1, max: 8 }) }),
        { minLength: 1, maxLength: 5 },
      ),
      composition: fc.option(
        fc.record({ amount: fc.integer({ min: 1, max: 3 }), perA: fc.integer({ min: 1, max: 2 }) }),
      ),
      nWarehouses: fc.integer({ min: 1, max: 3 }),
      stock: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 9, maxLength: 9 }),
      partialdelivery: fc.boolean(),
    })
    .map((r): ProcessInput => {
      const lines: ProcessLine[] = r.lines.map((l, i) => stock(i + 1, l.idproduct, l.amount));
      if (r.composition)
        lines.push({
          kind: 'composition',
          idorder_product: 100,
          idproduct: 50,
          amount: r.composition.amount,
          parts: [
            { idorder_product: 101, idproduct: 1, per_parent: r.composition.perA, unlimited: false },
            { idorder_product: 102, idproduct: 2, per_parent: 1, unlimited: false },
          ],
        });
      const warehouses = Array.from({ length: r.nWarehouses }, (_, i) => i + 1);
      const available = new Map<string, number>();
      for (let p = 1; p <= 3; p++)
        for (const w of warehouses) available.set(availabilityKey(p, w), r.stock[(p - 1) * 3 + (w - 1)]!);
      return { lines, warehouses, available, partialdelivery: r.partialdelivery };
    });

  test('property: every ordered unit is either picked or waiting, exactly once, nothing negative', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planOrderProcessing(input);
        for (const line of input.lines) {
          const picked = plan.picklists
            .flatMap((p) => p.lines)
            .filter((l) => l.idorder_product === line.idorder_product)
            .reduce((s, l) => s + l.amount, 0);
          const waiting = plan.backorders
            .filter((b) => b.idorder_product === line.idorder_product)
            .reduce((s, b) => s + b.amount, 0);
          assert.equal(picked + waiting, line.amount);
        }
        for (const l of plan.picklists.flatMap((p) => p.lines)) assert.ok(l.amount > 0);
        for (const b of plan.backorders) assert.ok(b.amount > 0);
      }),
    );
  });

  test('property: picklists never reserve more than a warehouse can give', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planOrderProcessing(input);
        for (const p of plan.picklists) {
          const used = new Map<number, number>();
          for (const l of p.lines)
            if (l.reserve) used.set(l.idproduct, (used.get(l.idproduct) ?? 0) + l.amount);
          for (const [idproduct, n] of used)
            assert.ok(n <= (input.available.get(availabilityKey(idproduct, p.idwarehouse)) ?? 0));
        }
        assert.equal(new Set(plan.picklists.map((p) => p.idwarehouse)).size, plan.picklists.length);
      }),
    );
  });

  test('property: without partial delivery, either one picklist ships everything or nothing ships', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planOrderProcessing({ ...input, partialdelivery: false });
        if (plan.backorders.length === 0) assert.equal(plan.picklists.length, 1);
        else assert.equal(plan.picklists.length, 0);
      }),
    );
  });

  test('property: a composition ships whole or waits whole', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planOrderProcessing(input);
        const comp = input.lines.find((l) => l.kind === 'composition');
        if (!comp) return;
        const parent = plan.picklists
          .flatMap((p) => p.lines)
          .filter((l) => l.idorder_product === comp.idorder_product);
        const waiting = plan.backorders.filter((b) => b.idorder_product === comp.idorder_product);
        assert.equal(parent.length + waiting.length, 1);
        if (waiting[0]) assert.equal(waiting[0].parts?.length, 2);
      }),
    );
  });

  test('property: same input, same plan', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        assert.deepEqual(planOrderProcessing(input), planOrderProcessing(input));
      }),
    );
  });

  test('property: with partial delivery, no warehouse that could ship a waiting unit is left unused for it', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planOrderProcessing({ ...input, partialdelivery: true });
        // What is left per (product, warehouse) after the picklists.
        const left = new Map(input.available);
        for (const p of plan.picklists)
          for (const l of p.lines)
            if (l.reserve) {
              const k = availabilityKey(l.idproduct, p.idwarehouse);
              left.set(k, (left.get(k) ?? 0) - l.amount);
            }
        for (const b of plan.backorders) {
          if (b.parts) continue;
          for (const w of input.warehouses) assert.ok((left.get(availabilityKey(b.idproduct, w)) ?? 0) <= 0);
        }
      }),
    );
  });
});
