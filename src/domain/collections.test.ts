import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { groupBy } from './collections.ts';

describe('groupBy', () => {
  it('when items share keys, then each group holds its items in their original order', () => {
    const groups = groupBy(
      [
        { o: 2, n: 'a' },
        { o: 1, n: 'b' },
        { o: 2, n: 'c' },
      ],
      (x) => x.o,
    );
    assert.deepEqual([...groups.keys()], [2, 1]);
    assert.deepEqual(
      groups.get(2)!.map((x) => x.n),
      ['a', 'c'],
    );
  });

  it('when any list is grouped, then the groups partition it and agree with filtering', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 })), (xs) => {
        const groups = groupBy(xs, (x) => x);
        assert.equal(
          [...groups.values()].reduce((n, g) => n + g.length, 0),
          xs.length,
        );
        for (const [k, g] of groups)
          assert.deepEqual(
            g,
            xs.filter((x) => x === k),
          );
      }),
    );
  });
});
