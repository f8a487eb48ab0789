import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DomainError } from './errors.ts';
import {
  allowedActions,
  BACKORDER_STATUSES,
  compositionDateAvailable,
  laterThan,
  manualEstimate,
  METADATA_LIMITS,
  missedShipDate,
  nextStatus,
  priorityLevel,
  priorityRank,
  refreshEstimate,
  requireTransition,
  TRANSITIONS,
  validateMetadata,
  type BackorderAction,
  type EstimateState,
} from './backorder-lifecycle.ts';

const ACTIONS: BackorderAction[] = [
  'confirm',
  'update',
  'update-metadata',
  'set-in-production',
  'set-in-transit',
  'record-delivery',
  'update-estimate',
  'notify-customer',
  'fulfill',
  'cancel',
  'delete',
  'process',
  'ship',
  'reopen',
];
const OPEN = ['pending', 'confirmed', 'in-production', 'in-transit'];
/** The promise only moves forward: a status's place in this list never goes down (but for reopen). */
const PROMISE_ORDER = ['pending', 'confirmed', 'in-production', 'in-transit', 'processed', 'fulfilled'];

const dateArb = fc
  .integer({ min: 0, max: 400 })
  .map((d) => new Date(Date.UTC(2030, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
const maybeDate = fc.option(dateArb, { nil: null });

const stateArb: fc.Arbitrary<EstimateState> = fc
  .record({
    amount: fc.integer({ min: 1, max: 10 }),
    available: fc.integer({ min: 0, max: 10 }),
    date_available: maybeDate,
    idpurchaseorder: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
    idpurchaseorder_manual: fc.boolean(),
    estimated_ship_date: maybeDate,
    transit: fc.integer({ min: 0, max: 5 }),
    estimate_manual: fc.boolean(),
  })
  .map((r) => ({
    amount: r.amount,
    amount_available: Math.min(r.amount, r.available),
    date_available: r.date_available,
    idpurchaseorder: r.idpurchaseorder,
    idpurchaseorder_manual: r.idpurchaseorder_manual,
    estimated_ship_date: r.estimated_ship_date,
    estimated_delivery_date:
      r.estimated_ship_date === null
        ? null
        : new Date(Date.parse(r.estimated_ship_date) + r.transit * 86_400_000).toISOString().slice(0, 10),
    estimate_manual: r.estimate_manual,
  }));
const expectedArb = fc.record({
  date_available: maybeDate,
  idpurchaseorder: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
});

const state = (s: Partial<EstimateState> = {}): EstimateState => ({
  amount: 5,
  amount_available: 0,
  date_available: '2030-01-10',
  idpurchaseorder: 3,
  idpurchaseorder_manual: false,
  estimated_ship_date: '2030-01-10',
  estimated_delivery_date: '2030-01-12',
  estimate_manual: false,
  ...s,
});

describe('backorder lifecycle: transitions', () => {
  test('when a pending backorder is confirmed, then it is confirmed; confirming again is refused', () => {
    assert.deepEqual(nextStatus('pending', 'confirm'), { next: 'confirmed' });
    const again = nextStatus('confirmed', 'confirm');
    assert.ok('refused' in again);
    assert.match(again.refused, /is confirmed: confirm is not allowed/);
  });

  test('when an action is refused, then the message names the status and every action it allows', () => {
    const t = nextStatus('fulfilled', 'cancel');
    assert.ok('refused' in t);
    assert.deepEqual(t.allowed, ['update-metadata', 'record-delivery', 'notify-customer']);
    assert.equal(
      t.refused,
      'Backorder is fulfilled: cancel is not allowed. Allowed when fulfilled: update metadata, ' +
        'update actual_delivery_date, notify-customer',
    );
    assert.throws(
      () => requireTransition(7, 'cancelled', 'fulfill'),
      (e: unknown) =>
        e instanceof DomainError &&
        e.code === 'invalid_state' &&
        e.message.startsWith('Backorder 7 is cancelled: fulfill is not allowed'),
    );
  });

  test('when a backorder is open, then it can be fulfilled, cancelled, deleted and updated, whatever its promise status', () => {
    for (const s of OPEN) {
      assert.deepEqual(nextStatus(s, 'fulfill'), { next: 'processed' });
      assert.deepEqual(nextStatus(s, 'cancel'), { next: 'cancelled' });
      assert.deepEqual(nextStatus(s, 'delete'), { next: 'cancelled' });
      assert.deepEqual(nextStatus(s, 'update'), { next: s });
    }
  });

  test('when a backorder is processed, fulfilled or cancelled, then none of the waiting actions is allowed', () => {
    for (const s of ['processed', 'fulfilled', 'cancelled'])
      for (const a of ['confirm', 'update', 'fulfill', 'cancel', 'delete', 'set-in-transit'] as const)
        assert.ok('refused' in nextStatus(s, a), `${s} ${a}`);
  });

  test('for every status and action, then the answer is a known status or a refusal listing what is allowed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BACKORDER_STATUSES, 'unknown'),
        fc.constantFrom(...ACTIONS),
        (status, action) => {
          const t = nextStatus(status, action);
          if ('next' in t) {
            assert.ok((BACKORDER_STATUSES as readonly string[]).includes(t.next));
            assert.ok(
              action === 'process' ||
                action === 'ship' ||
                action === 'reopen' ||
                allowedActions(status).includes(action),
            );
          } else {
            assert.ok(t.refused.includes(`is ${status}`));
            assert.ok(!t.allowed.includes(action));
            for (const a of t.allowed) assert.ok('next' in nextStatus(status, a));
          }
        },
      ),
    );
  });

  test('for every transition, then the promise only moves forward (a reopened backorder waits again)', () => {
    for (const [from, row] of Object.entries(TRANSITIONS))
      for (const [action, to] of Object.entries(row)) {
        if (to === 'cancelled' || action === 'reopen') continue;
        assert.ok(
          PROMISE_ORDER.indexOf(to) >= PROMISE_ORDER.indexOf(from),
          `${from} --${action}--> ${to} goes back`,
        );
      }
    assert.deepEqual(nextStatus('processed', 'reopen'), { next: 'pending' });
  });

  test('when priority levels are ranked, then rush comes before expedited before standard', () => {
    assert.deepEqual(
      ['standard', 'rush', 'expedited'].map((l) => priorityRank(l as 'rush')),
      [2, 0, 1],
    );
    assert.deepEqual([0, 1, 2].map(priorityLevel), ['rush', 'expedited', 'standard']);
  });
});

describe('backorder lifecycle: estimates', () => {
  test('when the completing purchase order moves later, then the estimate follows and a delay is noticed', () => {
    const r = refreshEstimate(state(), { date_available: '2030-02-01', idpurchaseorder: 4 }, 2);
    assert.deepEqual(r, {
      patch: {
        date_available: '2030-02-01',
        idpurchaseorder: 4,
        estimated_ship_date: '2030-02-01',
        estimated_delivery_date: '2030-02-03',
      },
      estimateUpdated: true,
      delayNoticed: true,
    });
  });

  test('when it moves earlier, then the estimate follows without a delay', () => {
    const r = refreshEstimate(state(), { date_available: '2030-01-05', idpurchaseorder: 3 }, 2);
    assert.deepEqual([r.estimateUpdated, r.delayNoticed], [true, false]);
    assert.equal(r.patch.estimated_delivery_date, '2030-01-07');
  });

  test('when nothing covers it any more, then the estimate is cleared and that is a delay', () => {
    const r = refreshEstimate(state(), { date_available: null, idpurchaseorder: null }, 2);
    assert.deepEqual(r.patch, {
      date_available: null,
      idpurchaseorder: null,
      estimated_ship_date: null,
      estimated_delivery_date: null,
    });
    assert.deepEqual([r.estimateUpdated, r.delayNoticed], [true, true]);
  });

  test('when the estimate was set by hand, then it stays and a later date is a delay', () => {
    const manual = state({ estimate_manual: true, idpurchaseorder_manual: true });
    const r = refreshEstimate(manual, { date_available: '2030-03-01', idpurchaseorder: 9 }, 2);
    assert.deepEqual(r, {
      patch: { date_available: '2030-03-01' },
      estimateUpdated: false,
      delayNoticed: true,
    });
    // Still late but earlier than before: no new delay.
    const better = refreshEstimate(
      { ...manual, date_available: '2030-03-01' },
      { date_available: '2030-02-01', idpurchaseorder: 9 },
      2,
    );
    assert.equal(better.delayNoticed, false);
  });

  test('when the stock is in, then the last estimate and purchase order stand and no delay is noticed', () => {
    const r = refreshEstimate(
      state({ amount_available: 5 }),
      { date_available: null, idpurchaseorder: null },
      2,
    );
    assert.deepEqual(r, { patch: { date_available: null }, estimateUpdated: false, delayNoticed: false });
  });

  test('for any state, then refreshing twice changes nothing the second time', () => {
    fc.assert(
      fc.property(stateArb, expectedArb, fc.integer({ min: 0, max: 10 }), (s, e, transit) => {
        const first = refreshEstimate(s, e, transit);
        const after = { ...s, ...first.patch };
        assert.deepEqual(refreshEstimate(after, e, transit), {
          patch: {},
          estimateUpdated: false,
          delayNoticed: false,
        });
      }),
    );
  });

  test('for any state, then events come only with a change, manual values stay, and a delay means a later date', () => {
    fc.assert(
      fc.property(stateArb, expectedArb, (s, e) => {
        const r = refreshEstimate(s, e, 2);
        if (r.estimateUpdated || r.delayNoticed) assert.ok(Object.keys(r.patch).length > 0);
        if (s.estimate_manual) {
          assert.equal('estimated_ship_date' in r.patch, false);
          assert.equal('estimated_delivery_date' in r.patch, false);
        }
        if (s.idpurchaseorder_manual) assert.equal('idpurchaseorder' in r.patch, false);
        if (r.delayNoticed) {
          assert.ok(s.estimated_ship_date !== null && s.amount_available < s.amount);
          assert.ok(laterThan(e.date_available, s.estimated_ship_date));
        }
        if (!s.estimate_manual && s.amount_available < s.amount) {
          const shown = { ...s, ...r.patch };
          assert.equal(shown.estimated_ship_date, e.date_available);
        }
      }),
    );
  });

  test('when a composition waits for parts, then it is expected with the latest part still missing', () => {
    const part = (amount: number, amount_available: number, date_available: string | null) => ({
      amount,
      amount_available,
      date_available,
    });
    assert.equal(
      compositionDateAvailable([part(2, 0, '2030-01-02'), part(4, 1, '2030-03-01')]),
      '2030-03-01',
    );
    // A part in stock does not hold it up; one without a date does.
    assert.equal(compositionDateAvailable([part(2, 2, null), part(4, 1, '2030-03-01')]), '2030-03-01');
    assert.equal(compositionDateAvailable([part(2, 0, null), part(4, 1, '2030-03-01')]), null);
    assert.equal(compositionDateAvailable([part(2, 2, null)]), null);
  });

  test('when the ship date is before today, then it is missed; today itself is not', () => {
    assert.equal(missedShipDate('2030-01-01', '2030-01-02'), true);
    assert.equal(missedShipDate('2030-01-02', '2030-01-02'), false);
    assert.equal(missedShipDate(null, '2030-01-02'), false);
  });

  test('when an estimate is set by hand, then delivery defaults to the transit time and bad dates are refused', () => {
    assert.deepEqual(manualEstimate({ estimated_ship_date: '2030-01-30' }, 3), {
      manual: true,
      estimated_ship_date: '2030-01-30',
      estimated_delivery_date: '2030-02-02',
    });
    assert.deepEqual(manualEstimate({ estimated_ship_date: null, estimated_delivery_date: null }, 3), {
      manual: false,
    });
    for (const bad of [
      { estimated_ship_date: '2030-02-30' },
      { estimated_delivery_date: '2030-02-01' },
      { estimated_ship_date: '2030-02-05', estimated_delivery_date: '2030-02-01' },
    ])
      assert.throws(
        () => manualEstimate(bad, 3),
        (e: unknown) => e instanceof DomainError && e.code === 'invalid_input',
      );
  });
});

describe('backorder lifecycle: metadata', () => {
  test('when metadata holds scalars within the limits, then it is accepted as given', () => {
    const m = { ref: 'A-17', count: 3, gift: true, note: null, ['k'.repeat(40)]: 'v'.repeat(500) };
    assert.deepEqual(validateMetadata(m), m);
    assert.deepEqual(validateMetadata({}), {});
  });

  test('when metadata breaks a limit or holds a nested value, then a 400 says which and how', () => {
    const cases: [unknown, RegExp][] = [
      [[], /must be an object/],
      ['x', /must be an object/],
      [Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])), /51 keys; at most 50/],
      [{ ['k'.repeat(41)]: 1 }, /1 to 40 characters/],
      [{ '': 1 }, /1 to 40 characters/],
      [{ note: 'v'.repeat(501) }, /"note" has 501 characters; at most 500/],
      [{ nested: { a: 1 } }, /"nested" is object; use a string, number, boolean or null/],
      [{ list: [1] }, /"list" is an array/],
    ];
    for (const [value, message] of cases)
      assert.throws(
        () => validateMetadata(value),
        (e: unknown) => e instanceof DomainError && e.code === 'invalid_input' && message.test(e.message),
      );
    assert.equal(METADATA_LIMITS.keys, 50);
  });

  test('for any object of allowed scalars within the limits, then it is accepted unchanged', () => {
    const scalar = fc.oneof(
      fc.string({ maxLength: 500 }),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 40 }), scalar, { maxKeys: 50 }), (m) => {
        // Own keys only, whatever their name ("__proto__" included): stored and sent as given.
        const out = validateMetadata(m);
        assert.deepEqual(Object.entries(out), Object.entries(m));
        assert.equal(JSON.stringify(out), JSON.stringify(Object.fromEntries(Object.entries(m))));
      }),
    );
  });
});
