import { runBackground } from './background.ts';
import { loadConfig } from './config.ts';
import { connect } from './db/connection.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createServices } from './services.ts';
import type { WorkerLog } from './modules/webhooks/webhooks.worker.ts';

/*
 * `npm run worker`: webhook deliveries (and the periodic tasks) in a process of their own, for when
 * the server runs with WEBHOOK_WORKER_IN_SERVER=false. Start as many as needed against one
 * PostgreSQL database: each claims deliveries with a lease, so none is sent twice at once.
 * config -> connect -> migrate -> loop; SIGTERM/SIGINT finish the deliveries in flight, then exit.
 */

/** One JSON line per message, like the server's log. */
function jsonLog(level: string): WorkerLog {
  const levels = ['debug', 'info', 'warn', 'error'];
  const min = Math.max(0, levels.indexOf(level));
  const write = (lvl: string, stream: NodeJS.WriteStream) => (obj: object, msg: string) => {
    if (levels.indexOf(lvl) < min) return;
    const fields = Object.fromEntries(
      Object.entries(obj).map(([k, v]) => [
        k,
        v instanceof Error ? { message: v.message, stack: v.stack } : v,
      ]),
    );
    stream.write(JSON.stringify({ level: lvl, time: new Date().toISOString(), msg, ...fields }) + '\n');
  };
  return {
    info: write('info', process.stdout),
    warn: write('warn', process.stderr),
    error: write('error', process.stderr),
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = jsonLog(config.logLevel);
  const handle = connect(config);
  await migrateToLatest(handle);
  const services = createServices({ handle, config });
  const background = runBackground(services, log);
  log.info({ engine: handle.engine }, 'Stockroom worker running');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'finishing deliveries in flight');
    try {
      await background.stop();
      await handle.close();
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
