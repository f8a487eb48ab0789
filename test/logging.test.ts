import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { loggerOptions, startBanner } from '../src/logging.ts';
import { loadConfig } from '../src/config.ts';
import { startServer } from './server-process.ts';

describe('logs and the start banner', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-logs-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('when stdout is not a terminal, then every line is JSON and the banner line names the URL, /docs, the engine and the data', async () => {
    const server = await startServer({
      DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'info',
      STOCKROOM_API_KEY: 'logs-key',
    });
    await fetch(`${server.base}/health`);
    await server.stop();
    const lines = server.output().trim().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const banner = parsed.find((l) => typeof l.docs === 'string');
    assert.ok(banner, server.output());
    assert.equal(banner.url, `${server.base}/api/v1`);
    assert.equal(banner.docs, `${server.base}/docs`);
    assert.equal(banner.engine, 'SQLite (embedded)');
    assert.equal(banner.data, path.join(dir, 'data', 'stockroom.db'));
  });

  test('when LOG_FORMAT is pretty, then the banner is a block people read and log lines go through pino-pretty', async () => {
    const server = await startServer({
      DATA_DIR: path.join(dir, 'data'),
      LOG_FORMAT: 'pretty',
      STOCKROOM_API_KEY: 'logs-key',
    });
    await server.stop();
    const out = server.output();
    assert.match(
      out,
      /Stockroom is running\n {2}API {6}http:\/\/127\.0\.0\.1:\d+\/api\/v1\n {2}Docs {5}http:\/\/127\.0\.0\.1:\d+\/docs/,
    );
    assert.match(out, /Engine {3}SQLite \(embedded\)/);
    assert.doesNotMatch(out, /^\{"level"/m);
  });

  test('when the format is chosen, then LOG_FORMAT wins, a terminal gets pretty, anything else JSON; passwords never show', () => {
    assert.equal(loadConfig({ LOG_FORMAT: 'json' }).logFormat, 'json');
    assert.equal(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat, 'pretty');
    assert.throws(() => loadConfig({ LOG_FORMAT: 'xml' }), /LOG_FORMAT/);
    assert.deepEqual(loggerOptions({ logLevel: 'warn', logFormat: 'json' }), { level: 'warn' });
    assert.equal(
      (loggerOptions({ logLevel: 'info', logFormat: 'pretty' }) as any).transport.target,
      'pino-pretty',
    );
    const b = startBanner(
      { databaseUrl: 'postgres://u:secret@db:5432/stock', dataDir: '/x', metricsToken: 't' },
      'http://h:1',
    );
    assert.equal(b.fields.engine, 'PostgreSQL');
    assert.equal(b.fields.data, 'postgres://u:***@db:5432/stock');
    assert.doesNotMatch(b.lines, /secret/);
    assert.match(b.fields.metrics!, /Bearer METRICS_TOKEN/);
  });
});
