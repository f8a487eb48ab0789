import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  assignablePool,
  assignmentChanges,
  assignQueue,
  compareQueue,
  frontPriority,
  nextPriority,
  parentAvailable,
  type QueuedBackorder,
} from './backorder-assignment.ts';

const bo = (idbackorder: number, amount: number, priority: number, extra: Partial<QueuedBackorder> = {}) => ({
  idbackorder,
  amount,
  amount_available: 0,
  priority_rank: 2,
  priority,
  created_at: '2026-01-01 10:00:00',
  ...extra,
});

const queueArb = fc
  .array(
    fc.record({
      amount: fc.integer({ min: 1, max: 20 }),
      amount_available: fc.integer({ min: 0, max: 20 }),
      priority_rank: fc.integer({ min: 0, max: 2 }),
      priority: fc.integer({ min: -3, max: 10 }),
      minute: fc.integer({ min: 0, max: 59 }),
    }),
    { maxLength: 30 },
  )
  .map((rows) =>
    rows.map((r, i) => ({
      idbackorder: i + 1,
      amount: r.amount,
      amount_available: Math.min(r.amount, r.amount_available),
      priority_rank: r.priority_rank,
      priority: r.priority,
      created_at: `2026-01-01 10:${String(r.minute).padStart(2, '0')}:00`,
    })),
  );

describe('backorder assignment', () => {
  test('when stock arrives for two orders in FIFO order, then the first gets it before the second', () => {
    const result = assignQueue(5, [bo(2, 5, 2), bo(1, 5, 1)]);
    assert.deepEqual(result, [
      { idbackorder: 1, amount_available: 5 },
      { idbackorder: 2, amount_available: 0 },
    ]);
  });

  test('when the pool covers part of a backorder, then it gets that part and later ones nothing', () => {
    assert.deepEqual(assignQueue(4, [bo(1, 3, 1), bo(2, 3, 2), bo(3, 3, 3)]), [
      { idbackorder: 1, amount_available: 3 },
      { idbackorder: 2, amount_available: 1 },
      { idbackorder: 3, amount_available: 0 },
    ]);
  });

  test('when ranks differ, then rush comes before a lower priority number', () => {
    const result = assignQueue(1, [bo(1, 1, 1), bo(2, 1, 9, { priority_rank: 0 })]);
    assert.deepEqual(result[0], { idbackorder: 2, amount_available: 1 });
  });

  test('when picklists reserve more than the stock counts, then the pool is zero, never negative', () => {
    assert.equal(assignablePool({ stock: 3, reserved_picklists: 5 }), 0);
    assert.equal(assignablePool({ stock: 8, reserved_picklists: 5 }), 3);
  });

  test('priority numbers: a new backorder goes last, a prioritised one before the first', () => {
    assert.equal(nextPriority(null), 1);
    assert.equal(nextPriority(7), 8);
    assert.equal(frontPriority(1), 0);
    assert.equal(frontPriority(-2), -3);
  });

  test('a composition is as available as its scarcest part, in whole compositions', () => {
    assert.equal(
      parentAvailable(3, [
        { amount_available: 6, parts_per_parent: 2 },
        { amount_available: 5, parts_per_parent: 3 },
      ]),
      1,
    );
    assert.equal(parentAvailable(3, []), 3);
  });

  test('property: nothing negative, never more than the amount, sum = min(pool, total)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 300 }), queueArb, (pool, queue) => {
        const result = assignQueue(pool, queue);
        const total = queue.reduce((s, b) => s + b.amount, 0);
        const byId = new Map(queue.map((b) => [b.idbackorder, b]));
        for (const a of result) {
          assert.ok(a.amount_available >= 0);
          assert.ok(a.amount_available <= byId.get(a.idbackorder)!.amount);
        }
        assert.equal(
          result.reduce((s, a) => s + a.amount_available, 0),
          Math.min(Math.max(0, pool), total),
        );
        assert.equal(result.length, queue.length);
      }),
    );
  });

  test('property: assignment follows the queue (no backorder gets stock while an earlier one lacks it)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), queueArb, (pool, queue) => {
        const result = assignQueue(pool, queue);
        const byId = new Map(queue.map((b) => [b.idbackorder, b]));
        let earlierShort = false;
        for (let i = 0; i < result.length; i++) {
          const a = result[i]!;
          const b = byId.get(a.idbackorder)!;
          if (i > 0) assert.ok(compareQueue(byId.get(result[i - 1]!.idbackorder)!, b) < 0);
          if (earlierShort) assert.equal(a.amount_available, 0);
          if (a.amount_available < b.amount) earlierShort = true;
        }
      }),
    );
  });

  test('property: same input, same output, whatever order the rows were read in', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), queueArb, fc.integer(), (pool, queue, seed) => {
        const shuffled = [...queue].sort(
          (a, b) => ((a.idbackorder * 7919 + seed) % 97) - ((b.idbackorder * 7919 + seed) % 97),
        );
        assert.deepEqual(assignQueue(pool, shuffled), assignQueue(pool, queue));
      }),
    );
  });

  test('property: changes over the head of the queue plus current holders equal changes over the whole queue', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), queueArb, (pool, queue) => {
        const sorted = [...queue].sort(compareQueue);
        // The head: rows read in queue order until their amounts cover the pool.
        const head: QueuedBackorder[] = [];
        let covered = 0;
        for (const b of sorted) {
          if (covered >= pool) break;
          head.push(b);
          covered += b.amount;
        }
        const ids = new Set(head.map((b) => b.idbackorder));
        const partial = [...head, ...sorted.filter((b) => !ids.has(b.idbackorder) && b.amount_available > 0)];
        assert.deepEqual(assignmentChanges(pool, partial), assignmentChanges(pool, queue));
        // Applying the changes reaches the full assignment.
        const applied = new Map(queue.map((b) => [b.idbackorder, b.amount_available]));
        for (const c of assignmentChanges(pool, partial)) applied.set(c.idbackorder, c.to);
        for (const a of assignQueue(pool, queue))
          assert.equal(applied.get(a.idbackorder), a.amount_available);
      }),
    );
  });
});
