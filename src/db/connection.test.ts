import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { StatementCache } from './connection.ts';

describe('StatementCache', () => {
  test('when the same SQL is prepared twice, then the first statement is reused', () => {
    const cache = new StatementCache(new SQLite(':memory:'));
    const a = cache.prepare('select 1 as one');
    assert.equal(cache.prepare('select 1 as one'), a);
    assert.notEqual(cache.prepare('select 2 as two'), a);
    assert.equal(cache.size, 2);
    cache.close();
  });

  test('when more SQL texts than the bound are prepared, then the least recently used goes first', () => {
    const cache = new StatementCache(new SQLite(':memory:'), 2);
    const one = cache.prepare('select 1');
    const two = cache.prepare('select 2');
    assert.equal(cache.prepare('select 1'), one, 'select 1 is now the most recently used');
    cache.prepare('select 3');
    assert.equal(cache.size, 2);
    assert.equal(cache.prepare('select 1'), one, 'kept');
    assert.notEqual(cache.prepare('select 2'), two, 'evicted, so prepared anew');
    cache.close();
  });

  test('when a cached statement runs again, then it answers with the new parameters', () => {
    const cache = new StatementCache(new SQLite(':memory:'));
    const sql = 'select ? + 1 as n';
    assert.deepEqual(cache.prepare(sql).all([1]), [{ n: 2 }]);
    assert.deepEqual(cache.prepare(sql).all([41]), [{ n: 42 }]);
    cache.close();
  });
});
