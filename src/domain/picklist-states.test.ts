import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pickRefusal, picklistTransition } from './picklist-states.ts';

describe('picklist states', () => {
  test('when pausing, snoozing and back, then only the documented transitions are allowed', () => {
    assert.deepEqual(picklistTransition('pause', 'new'), { to: 'paused' });
    assert.deepEqual(picklistTransition('pause', 'snoozed'), { to: 'paused' });
    assert.deepEqual(picklistTransition('resume', 'paused'), { to: 'new' });
    assert.deepEqual(picklistTransition('snooze', 'new'), { to: 'snoozed' });
    assert.deepEqual(picklistTransition('unsnooze', 'snoozed'), { to: 'new' });
    for (const [action, status] of [
      ['pause', 'closed'],
      ['pause', 'paused'],
      ['resume', 'new'],
      ['snooze', 'paused'],
      ['snooze', 'cancelled'],
      ['unsnooze', 'new'],
    ] as const)
      assert.match((picklistTransition(action, status) as { refused: string }).refused, new RegExp(status));
  });

  test('when a picklist is paused or snoozed, then picking is refused; new picklists pick', () => {
    assert.equal(pickRefusal('new'), undefined);
    assert.match(pickRefusal('paused')!, /resume/);
    assert.match(pickRefusal('snoozed')!, /unsnooze/);
  });
});
