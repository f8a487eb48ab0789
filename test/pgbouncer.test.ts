import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { connect } from '../src/db/connection.ts';
import { reconcile } from '../src/modules/stock/stock.reconcile.ts';
import { postgresUrl } from './harness.ts';
import { cli, freePort, http, startServer, type ServerProcess } from './server-process.ts';

/**
 * Past one machine: three real server processes share a few PostgreSQL connections through
 * PgBouncer in transaction pooling. They start at the same moment on an EMPTY database (so their
 * migrations and bootstrap meet behind the pooler), then take a burst of mixed writes; the stock
 * counters must agree with the ledger and the pooler must have held to its pool size.
 */
const bouncer =
  ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => fs.existsSync(p)) ??
  (spawnSync('which', ['pgbouncer'], { encoding: 'utf8' }).stdout.trim() || undefined);
const skip = !postgresUrl
  ? 'TEST_DATABASE_URL is not set'
  : !bouncer
    ? 'pgbouncer is not installed (apt-get install -y pgbouncer); .ci/run installs it'
    : false;
const POOL_SIZE = 4;

describe('three servers behind PgBouncer (transaction pooling)', { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-pgbouncer-'));
  const target = new URL(postgresUrl ?? 'postgres://x@127.0.0.1:5432/x');
  const dbName = `${target.pathname.slice(1)}_bouncer`;
  let proc: ChildProcess | undefined;
  let bouncerUrl: string;
  let bouncerPort: number;
  const servers: ServerProcess[] = [];
  const log: string[] = [];

  before(async () => {
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.query(`create database ${dbName}`);
    await admin.end();
    bouncerPort = await freePort();
    const user = decodeURIComponent(target.username || 'postgres');
    fs.writeFileSync(
      path.join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `${dbName} = host=${target.hostname} port=${target.port || 5432} dbname=${dbName}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${bouncerPort}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${path.join(dir, 'userlist.txt')}`,
        'pool_mode = transaction',
        `default_pool_size = ${POOL_SIZE}`,
        'max_client_conn = 500',
        `admin_users = ${user}`,
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'userlist.txt'), `"${user}" ""\n`);
    fs.chmodSync(dir, 0o755);
    // PgBouncer refuses to run as root: CI runs as root, so it takes nobody's identity there.
    const asRoot = process.getuid?.() === 0;
    proc = spawn(bouncer!, [...(asRoot ? ['-u', 'nobody'] : []), path.join(dir, 'pgbouncer.ini')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
    proc.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    bouncerUrl = `postgres://${user}@127.0.0.1:${bouncerPort}/${dbName}`;
    for (let i = 0; i < 100; i++) {
      const c = new pg.Client({ connectionString: bouncerUrl });
      const ok = await c.connect().then(
        () => true,
        () => false,
      );
      await c.end().catch(() => {});
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc!.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('when three servers start together on an empty database and take a burst of mixed writes, then the ledger agrees and the pool held', async () => {
    // PgBouncer before 1.21 (Debian's) keeps no prepared statements across its server connections.
    const env = {
      DATABASE_URL: bouncerUrl,
      PG_POOL_SIZE: '6',
      PG_PREPARED_STATEMENTS: 'false',
      STOCKROOM_API_KEY: `pgb-${process.pid}`,
    };
    // Same moment, empty database: migrations and the default account's bootstrap meet here.
    servers.push(...(await Promise.all([0, 1, 2].map(() => startServer(env)))));
    const created = cli(['accounts', 'create', 'pgbouncer'], {
      DATABASE_URL: bouncerUrl,
      PG_PREPARED_STATEMENTS: 'false',
    });
    assert.equal(created.status, 0, created.stderr);
    const account = JSON.parse(created.stdout.trim()) as { idaccount: number; apikey: string };
    const apis = servers.map((s) => http(s.base, account.apikey));
    const api = apis[0]!;

    const w = (await api('POST', '/warehouses', { name: 'Main' })).body;
    const loc = (await api('POST', '/locations', { idwarehouse: w.idwarehouse, name: 'A-1' })).body;
    const customer = (await api('POST', '/customers', { name: 'C' })).body;
    const products: number[] = [];
    for (let i = 0; i < 4; i++)
      products.push(
        (await api('POST', '/products', { productcode: `PGB-${i}`, name: `P${i}`, price: 1 })).body.idproduct,
      );

    // 240 writes from 12 concurrent clients, spread over the three servers.
    const statuses: Record<string, number> = {};
    let next = 0;
    const one = async (i: number) => {
      const call = apis[i % apis.length]!;
      const p = products[i % products.length]!;
      let res;
      switch (i % 6) {
        case 0:
        case 1:
          res = await call('POST', `/products/${p}/stock/${w.idwarehouse}`, { change: 3, reason: 'burst' });
          break;
        case 2:
          res = await call('POST', `/products/${p}/stock/${w.idwarehouse}`, {
            change: 2,
            idlocation: loc.idlocation,
            reason: 'burst',
          });
          break;
        case 3: {
          const o = await call('POST', '/orders', {
            idcustomer: customer.idcustomer,
            products: [{ idproduct: p, amount: 2 }],
          });
          res = o.status === 201 ? await call('POST', `/orders/${o.body.idorder}/process`) : o;
          break;
        }
        case 4:
          res = await call('POST', '/backorders/process');
          break;
        default:
          res = await call('POST', '/products', { productcode: `PGB-new-${i}`, name: 'new' });
      }
      const key = `${i % 6}:${res.status}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
    };
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        for (let i = next++; i < 240; i = next++) await one(i);
      }),
    );
    const failures = Object.entries(statuses).filter(([k]) => !/:20[01]$/.test(k));
    assert.deepEqual(failures, [], `every write succeeded: ${JSON.stringify(statuses)}`);

    // The pooler's server connections never exceeded its pool, with 18 client connections above it.
    const adminClient = new pg.Client({
      connectionString: `postgres://${target.username || 'postgres'}@127.0.0.1:${bouncerPort}/pgbouncer`,
    });
    await adminClient.connect();
    const pools = (await adminClient.query('SHOW POOLS')).rows.filter((r: any) => r.database === dbName);
    await adminClient.end();
    assert.equal(pools.length, 1);
    const serverConns = ['sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login'].reduce(
      (n, k) => n + Number(pools[0][k] ?? 0),
      0,
    );
    assert.ok(serverConns <= POOL_SIZE, `server connections ${serverConns}`);

    const direct = new URL(postgresUrl!);
    direct.pathname = `/${dbName}`;
    const handle = connect({ databaseUrl: direct.toString(), dataDir: dir });
    try {
      assert.deepEqual(await reconcile(handle.db, account.idaccount), []);
      const migrations = await handle.db
        .selectFrom('kysely_migration' as never)
        .selectAll()
        .execute();
      assert.ok(migrations.length >= 5);
    } finally {
      await handle.close();
    }
    // A restart after all that: the migration lock was released (a leaked session lock would hang here).
    const again = await startServer(env);
    servers.push(again);
    assert.equal((await http(again.base, account.apikey)('GET', '/warehouses')).status, 200);
  });
});
