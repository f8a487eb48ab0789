import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../db/connection.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { createServices } from '../services.ts';
import { buildApp } from './app.ts';

/**
 * Writes the OpenAPI document to the file given as argument (or stdout), built from the route
 * schemas on a throw-away embedded database: `node --import tsx src/http/openapi.dump.ts out.json`.
 * CI lints the result (.ci/run, redocly.yaml).
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-openapi-'));
const handle = connect({ dataDir, pgPoolSize: 1 });
try {
  await migrateToLatest(handle);
  const services = createServices({
    handle,
    config: {
      transitDays: 2,
      webhookAllowedHosts: [],
      smtpUrl: undefined,
      smtpFrom: 'Stockroom <x@localhost>',
    },
  });
  const app = await buildApp({ services, rateLimitPerMinute: 500 });
  await app.ready();
  const json = JSON.stringify(app.swagger(), null, 2) + '\n';
  const out = process.argv[2];
  if (out) fs.writeFileSync(out, json);
  else process.stdout.write(json);
  await app.close();
} finally {
  await handle.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
