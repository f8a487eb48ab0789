import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { connect } from './connection.ts';
import { statement } from './statement.ts';
import { beforeCommit, defersWork, withTransaction } from './transaction.ts';

describe('beforeCommit', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-trx-'));
  const handle = connect({ dataDir });
  after(async () => {
    await handle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('when work is deferred, then it runs once per key before the commit, and `last` work after all the rest', async () => {
    const ran: string[] = [];
    await withTransaction(handle, async (trx) => {
      assert.ok(defersWork(trx));
      beforeCommit(trx, 'outbox', async () => void ran.push('outbox'), { last: true });
      beforeCommit(trx, 'a', async (t) => {
        ran.push('a');
        // Work deferred by deferred work runs too, still before the last.
        beforeCommit(t, 'b', async () => void ran.push('b'));
        beforeCommit(t, 'outbox', async () => void ran.push('outbox again'), { last: true });
      });
      beforeCommit(trx, 'a', async () => void ran.push('a twice'));
      ran.push('use case');
    });
    assert.deepEqual(ran, ['use case', 'a', 'b', 'outbox']);
  });

  test('when the use case throws, then deferred work does not run', async () => {
    const ran: string[] = [];
    await assert.rejects(
      withTransaction(handle, async (trx) => {
        beforeCommit(trx, 'a', async () => void ran.push('a'), { last: true });
        throw new Error('refused');
      }),
      /refused/,
    );
    assert.deepEqual(ran, []);
  });
});

describe('statement', () => {
  test('when a text has placeholders, then PostgreSQL gets them numbered and its own suffix', () => {
    const s = statement('select * from t where a = ? and b in (?, ?)', 'for share');
    assert.equal(s.sqlite, 'select * from t where a = ? and b in (?, ?)');
    assert.equal(s.postgres, 'select * from t where a = $1 and b in ($2, $3) for share');
  });
});
