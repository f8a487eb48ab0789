import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { connect } from '../src/db/connection.ts';
import { reconcile } from '../src/modules/stock/stock.reconcile.ts';
import { engines } from './harness.ts';
import { cli, cliAsync, http, startServer, type ServerProcess } from './server-process.ts';

/**
 * A backup taken while a real server takes writes: restored, it passes reconcile and holds every
 * write acknowledged before the backup began. SQLite through `stockroom backup` / `restore`;
 * PostgreSQL through pg_dump / pg_restore, which the backup command points to there.
 */
const pgTools = spawnSync('pg_dump', ['--version']).status === 0;

for (const engine of engines) {
  describe(
    `backup under write load [${engine.name}]`,
    { skip: engine.url && !pgTools ? 'pg_dump not installed' : false },
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-backup-'));
      const restoredDb = `${path
        .basename(dir)
        .replace(/[^a-z0-9]/gi, '_')
        .toLowerCase()}_restored`;
      const sourceDb = restoredDb.replace(/_restored$/, '_source');
      let server: ServerProcess | undefined;
      after(async () => {
        await server?.stop();
        if (engine.url) {
          const admin = new pg.Client({ connectionString: engine.url });
          await admin.connect();
          await admin.query(`drop database if exists ${restoredDb} with (force)`);
          await admin.query(`drop database if exists ${sourceDb} with (force)`);
          await admin.end();
        }
        fs.rmSync(dir, { recursive: true, force: true });
      });

      test('when a backup is taken during a burst of stock changes, then the restored copy reconciles and holds every write acknowledged before it began', async () => {
        // PostgreSQL: a database of its own, so the dump holds this test's writes only.
        let sourceUrl: string | undefined;
        if (engine.url) {
          const admin = new pg.Client({ connectionString: engine.url });
          await admin.connect();
          await admin.query(`drop database if exists ${sourceDb} with (force)`);
          await admin.query(`create database ${sourceDb}`);
          await admin.end();
          const u = new URL(engine.url);
          u.pathname = `/${sourceDb}`;
          sourceUrl = u.toString();
        }
        const env: Record<string, string> = sourceUrl
          ? { DATABASE_URL: sourceUrl }
          : { DATA_DIR: path.join(dir, 'data') };
        assert.equal(cli(['migrate'], env).status, 0);
        const created = cli(['accounts', 'create', 'backup-test'], env);
        assert.equal(created.status, 0, created.stderr);
        const account = JSON.parse(created.stdout.trim()) as { idaccount: number; apikey: string };
        server = await startServer(env);
        const api = http(server.base, account.apikey);
        const w = (await api('POST', '/warehouses', { name: 'Main' })).body;
        const products: number[] = [];
        for (let i = 0; i < 4; i++)
          products.push(
            (await api('POST', '/products', { productcode: `BK-${process.pid}-${i}`, name: `P${i}` })).body
              .idproduct,
          );

        const acked: string[] = [];
        let stop = false;
        let n = 0;
        const writer = async (idproduct: number) => {
          // Bounded: stops when told or after 3,000 changes, whichever comes first.
          for (let i = 0; i < 3000 && !stop; i++) {
            const reason = `w-${++n}`;
            const res = await api('POST', `/products/${idproduct}/stock/${w.idwarehouse}`, {
              change: 1 + (i % 3),
              reason,
            });
            assert.equal(res.status, 200, JSON.stringify(res.body));
            acked.push(reason);
          }
        };
        const writers = products.map(writer);
        while (acked.length < 40) await new Promise((r) => setTimeout(r, 20));

        const ackedBefore = [...acked];
        const file = path.join(dir, engine.url ? 'stockroom.dump' : 'stockroom-backup.db');
        if (engine.url) {
          const advice = cli(['backup', file], env);
          assert.equal(advice.status, 2);
          assert.match(advice.stderr, /pg_dump --format=custom/);
          // Not spawnSync: the writers in this process go on while pg_dump runs.
          const dump = await new Promise<number | null>((resolve) => {
            spawn('pg_dump', ['--format=custom', `--file=${file}`, sourceUrl!], { stdio: 'ignore' }).on(
              'exit',
              resolve,
            );
          });
          assert.equal(dump, 0);
        } else {
          const backup = await cliAsync(['backup', file], env);
          assert.equal(backup.status, 0, backup.stderr);
          assert.equal(JSON.parse(backup.stdout.trim()).file, file);
        }
        const ackedDuring = acked.length - ackedBefore.length;
        stop = true;
        await Promise.all(writers);
        await server.stop();
        server = undefined;

        let restoredEnv: Record<string, string>;
        if (engine.url) {
          const admin = new pg.Client({ connectionString: engine.url });
          await admin.connect();
          await admin.query(`create database ${restoredDb}`);
          await admin.end();
          const url = new URL(engine.url);
          url.pathname = `/${restoredDb}`;
          restoredEnv = { DATABASE_URL: url.toString() };
          const r = spawnSync('pg_restore', ['--no-owner', `--dbname=${url.toString()}`, file], {
            encoding: 'utf8',
          });
          assert.equal(r.status, 0, r.stderr);
        } else {
          const into = path.join(dir, 'restored');
          // Never over a database that exists.
          const refused = cli(['restore', file], env);
          assert.notEqual(refused.status, 0);
          assert.match(refused.stderr, /not empty/);
          restoredEnv = { DATA_DIR: into };
          const r = cli(['restore', file], restoredEnv);
          assert.equal(r.status, 0, r.stderr);
        }

        const handle = connect({
          databaseUrl: restoredEnv.DATABASE_URL,
          dataDir: restoredEnv.DATA_DIR ?? dir,
        });
        try {
          const reasons = new Set(
            (
              await handle.db
                .selectFrom('stock_history')
                .select('reason')
                .where('idaccount', '=', account.idaccount)
                .execute()
            ).map((r) => r.reason),
          );
          const lost = ackedBefore.filter((r) => !reasons.has(r));
          assert.deepEqual(lost, [], 'writes acknowledged before the backup are in it');
          assert.ok(reasons.size <= acked.length);
          assert.deepEqual(await reconcile(handle.db, account.idaccount), []);
        } finally {
          await handle.close();
        }
        // The load went on while the backup ran (else this test would not show "under load").
        assert.ok(ackedDuring > 0, `writes during the backup: ${ackedDuring}`);
      });
    },
  );
}
