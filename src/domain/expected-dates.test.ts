import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  compareSupply,
  expectedAvailability,
  type ExpectedAvailability,
  type QueuedBackorder,
  type SupplyLine,
} from './expected-dates.ts';

const bo = (idbackorder: number, amount: number, amount_available = 0): QueuedBackorder => ({
  idbackorder,
  amount,
  amount_available,
});
const line = (idpurchaseorder: number, open: number, date: string | null, idline = idpurchaseorder * 10) => ({
  idpurchaseorder,
  idpurchaseorder_product: idline,
  open,
  date,
});

describe('expectedAvailability', () => {
  test('when the first purchase order is too small, then the later one completes the backorder and gives its date', () => {
    const r = expectedAvailability([bo(1, 5)], [line(2, 10, '2030-02-01'), line(1, 3, '2030-01-10')]);
    assert.deepEqual(r.get(1), { date_available: '2030-02-01', is_purchased: true, idpurchaseorder: 2 });
  });

  test('when backorders queue, then they consume supply in queue order', () => {
    const r = expectedAvailability(
      [bo(7, 3), bo(8, 3), bo(9, 3)],
      [line(1, 4, '2030-01-01'), line(2, 2, '2030-01-05')],
    );
    assert.deepEqual(r.get(7), { date_available: '2030-01-01', is_purchased: true, idpurchaseorder: 1 });
    assert.deepEqual(r.get(8), { date_available: '2030-01-05', is_purchased: true, idpurchaseorder: 2 });
    assert.deepEqual(r.get(9), { date_available: null, is_purchased: false, idpurchaseorder: null });
  });

  test('when a backorder is partly available, then only the rest needs supply', () => {
    const r = expectedAvailability(
      [bo(1, 5, 4), bo(2, 1)],
      [line(1, 1, '2030-01-01'), line(2, 1, '2030-03-01')],
    );
    assert.equal(r.get(1)!.date_available, '2030-01-01');
    assert.equal(r.get(2)!.date_available, '2030-03-01');
  });

  test('when a backorder is fully available, then it takes no supply and has no date', () => {
    const r = expectedAvailability([bo(1, 5, 5), bo(2, 2)], [line(1, 2, '2030-01-01')]);
    assert.deepEqual(r.get(1), { date_available: null, is_purchased: false, idpurchaseorder: null });
    assert.equal(r.get(2)!.date_available, '2030-01-01');
  });

  test('when only undated supply covers a backorder, then it is purchased without a date', () => {
    const r = expectedAvailability([bo(1, 1), bo(2, 2)], [line(1, 3, null), line(2, 1, '2030-05-01')]);
    assert.deepEqual(r.get(1), { date_available: '2030-05-01', is_purchased: true, idpurchaseorder: 2 });
    assert.deepEqual(r.get(2), { date_available: null, is_purchased: true, idpurchaseorder: 1 });
  });

  test('when supply lines share a date, then the lower purchase order and line ids go first', () => {
    const supply = [line(2, 1, '2030-01-01', 20), line(1, 1, '2030-01-01', 12), line(1, 1, '2030-01-01', 11)];
    assert.deepEqual(
      [...supply].sort(compareSupply).map((s) => s.idpurchaseorder_product),
      [11, 12, 20],
    );
    const r = expectedAvailability([bo(1, 1), bo(2, 1), bo(3, 1)], supply);
    assert.deepEqual(
      [1, 2, 3].map((id) => r.get(id)!.idpurchaseorder),
      [1, 1, 2],
    );
  });

  test('when there is no supply, then nothing is expected', () => {
    const r = expectedAvailability([bo(1, 1)], []);
    assert.deepEqual(r.get(1), { date_available: null, is_purchased: false, idpurchaseorder: null });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties, checked against a cumulative-sum oracle.

const dateArb = fc.option(
  fc
    .integer({ min: 1, max: 60 })
    .map(
      (d) =>
        `2030-${String(Math.ceil(d / 28)).padStart(2, '0')}-${String(((d - 1) % 28) + 1).padStart(2, '0')}`,
    ),
  { nil: null, freq: 5 },
);
const queueArb = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 20 })), { maxLength: 30 })
  .map((xs) => xs.map(([amount, avail], i) => bo(i + 1, amount, Math.min(avail, amount))));
const supplyArb = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 25 }), dateArb), {
    maxLength: 15,
  })
  .map((xs) => xs.map(([po, open, date], i) => line(po, open, date, 1000 + i)));

const need = (b: QueuedBackorder) => Math.max(0, b.amount - b.amount_available);
/** null dates sort after every real date; "not covered" after both. */
const rank = (e: ExpectedAvailability) => (!e.is_purchased ? '~~' : (e.date_available ?? '~'));

/** The backorder with cumulative need N is completed by the first supply line where cumulative supply reaches N. */
function oracle(queue: QueuedBackorder[], supply: SupplyLine[]): Map<number, ExpectedAvailability> {
  const sorted = supply.filter((s) => s.open > 0).sort(compareSupply);
  const out = new Map<number, ExpectedAvailability>();
  let cumNeed = 0;
  for (const b of queue) {
    if (need(b) === 0) {
      out.set(b.idbackorder, { date_available: null, is_purchased: false, idpurchaseorder: null });
      continue;
    }
    cumNeed += need(b);
    let cum = 0;
    const hit = sorted.find((s) => (cum += s.open) >= cumNeed);
    out.set(
      b.idbackorder,
      hit
        ? { date_available: hit.date, is_purchased: true, idpurchaseorder: hit.idpurchaseorder }
        : { date_available: null, is_purchased: false, idpurchaseorder: null },
    );
  }
  return out;
}

describe('expectedAvailability properties', () => {
  test('agrees with the cumulative-sum model', () => {
    fc.assert(
      fc.property(queueArb, supplyArb, (queue, supply) => {
        assert.deepEqual(expectedAvailability(queue, supply), oracle(queue, supply));
      }),
    );
  });

  test('conserves supply: the purchased backorders never need more than the supply holds', () => {
    fc.assert(
      fc.property(queueArb, supplyArb, (queue, supply) => {
        const r = expectedAvailability(queue, supply);
        const covered = queue
          .filter((b) => r.get(b.idbackorder)!.is_purchased)
          .reduce((s, b) => s + need(b), 0);
        const total = supply.reduce((s, l) => s + Math.max(0, l.open), 0);
        assert.ok(covered <= total, `covered ${covered} > supply ${total}`);
      }),
    );
  });

  test('is monotone along the queue: a later backorder never gets an earlier date', () => {
    fc.assert(
      fc.property(queueArb, supplyArb, (queue, supply) => {
        const r = expectedAvailability(queue, supply);
        const ranks = queue.filter((b) => need(b) > 0).map((b) => rank(r.get(b.idbackorder)!));
        for (let i = 1; i < ranks.length; i++) assert.ok(ranks[i - 1]! <= ranks[i]!, ranks.join(' '));
      }),
    );
  });

  test('does not depend on the order the supply comes in', () => {
    fc.assert(
      fc.property(
        queueArb,
        supplyArb.chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(s, { minLength: s.length }))),
        (queue, [supply, shuffled]) => {
          assert.deepEqual(expectedAvailability(queue, supply), expectedAvailability(queue, shuffled));
        },
      ),
    );
  });

  test('a backorder depends only on the backorders ahead of it in the queue', () => {
    fc.assert(
      fc.property(queueArb, supplyArb, fc.nat(), (queue, supply, cut) => {
        const prefix = queue.slice(0, queue.length === 0 ? 0 : cut % (queue.length + 1));
        const full = expectedAvailability(queue, supply);
        const part = expectedAvailability(prefix, supply);
        for (const b of prefix) assert.deepEqual(part.get(b.idbackorder), full.get(b.idbackorder));
      }),
    );
  });

  test('more supply never makes a backorder expected later or no longer purchased', () => {
    fc.assert(
      fc.property(queueArb, supplyArb, supplyArb, (queue, supply, extra) => {
        const before = expectedAvailability(queue, supply);
        const after = expectedAvailability(queue, [
          ...supply,
          ...extra.map((e, i) => ({ ...e, idpurchaseorder_product: 5000 + i })),
        ]);
        for (const b of queue) {
          assert.ok(rank(after.get(b.idbackorder)!) <= rank(before.get(b.idbackorder)!));
        }
      }),
    );
  });

  test('every backorder of the queue gets exactly one answer', () => {
    fc.assert(
      fc.property(queueArb, supplyArb, (queue, supply) => {
        const r = expectedAvailability(queue, supply);
        assert.deepEqual(
          [...r.keys()],
          queue.map((b) => b.idbackorder),
        );
      }),
    );
  });
});
