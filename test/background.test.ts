import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextDelay, periodicTasks, RETRY_BASE_MS, RETRY_MAX_MS } from '../src/background.ts';
import { describeEngines } from './harness.ts';
import { backordered, eventsSince, lastEventId, product, purchased, shop } from './lifecycle-fixtures.ts';

let nowMs = Date.parse('2030-01-01T08:00:00Z');
const setDay = (day: string) => {
  nowMs = Date.parse(`${day}T08:00:00Z`);
};

/** Periodic tasks isolate their units, start soon and back off (issue 9). */
describeEngines(
  'background tasks',
  (t) => {
    test('when one backorder queue fails the missed-date check, then it is logged and skipped and the other queues are reported', async () => {
      setDay('2030-01-01');
      const c = await t().newClient();
      const s = await shop(c);
      const bad = await product(c, 'Bad');
      const good = await product(c, 'Good');
      const badLate = await backordered(c, s, bad, 1);
      const goodLate = await backordered(c, s, good, 1);
      await purchased(
        c,
        s,
        [
          { idproduct: bad, amount: 1 },
          { idproduct: good, amount: 1 },
        ],
        '2030-01-10',
      );
      setDay('2030-01-11');
      const stock = t().services.stock;
      const real = stock.lockLevelsInTrx;
      stock.lockLevelsInTrx = async (trx, idaccount, keys) => {
        if (keys.some((k) => k.idproduct === bad)) throw new Error('a broken queue');
        return real(trx, idaccount, keys);
      };
      const logged: object[] = [];
      const log = { info() {}, warn() {}, error: (obj: object) => void logged.push(obj) };
      const since = await lastEventId(c);
      const task = periodicTasks().find((x) => x.name === 'backorder-missed-dates')!;
      try {
        await assert.rejects(task.run(t().services, log), /1 backorder queues failed/);
      } finally {
        stock.lockLevelsInTrx = real;
      }
      const noticed = (await eventsSince(c, since)).filter((e) => e.event === 'backorders.delay_noticed');
      assert.deepEqual(
        noticed.map((e) => e.resource_id),
        [goodLate.idbackorder],
      );
      assert.equal(logged.length, 1);
      assert.equal((logged[0] as { idproduct: number }).idproduct, bad);
      // The next run (the queue mended) reports the skipped one.
      await task.run(t().services, log);
      const after = (await eventsSince(c, since)).filter((e) => e.event === 'backorders.delay_noticed');
      assert.deepEqual(
        after.map((e) => e.resource_id).sort(),
        [badLate.idbackorder, goodLate.idbackorder].sort(),
      );
      setDay('2030-01-01');
    });
  },
  { clock: () => new Date(nowMs) },
);

test('when a periodic task fails repeatedly, then its retries back off from 30 s to at most an hour, and it runs soon after start', () => {
  for (const task of periodicTasks()) {
    assert.ok((task.firstRunMs ?? 0) <= 60_000, `${task.name} first runs ${task.firstRunMs} ms after start`);
    assert.equal(nextDelay(task, 0), task.intervalMs);
    assert.equal(nextDelay(task, 1), RETRY_BASE_MS);
    assert.equal(nextDelay(task, 2), 2 * RETRY_BASE_MS);
    assert.ok(nextDelay(task, 3) > nextDelay(task, 2));
    assert.equal(nextDelay(task, 30), RETRY_MAX_MS);
  }
});
