import { loadConfig } from './config.ts';
import { connect } from './db/connection.ts';
import { migrateToLatest } from './db/migrate.ts';
import { buildApp } from './http/app.ts';
import { createServices } from './services.ts';
import { startBackground } from './background.ts';
import { loggerOptions, startBanner } from './logging.ts';

/** Entry point: config -> database -> migrate -> app -> listen -> graceful close on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const handle = connect(config);
  await migrateToLatest(handle);
  const services = createServices({ handle, config });
  const firstKey = await services.accounts.bootstrap(config.apiKey);
  const app = await buildApp({
    services,
    rateLimitPerMinute: config.rateLimitPerMinute,
    logger: loggerOptions(config),
    metricsToken: config.metricsToken,
  });
  if (firstKey) {
    // Printed once: only the hash is stored.
    process.stdout.write(
      `\nStockroom created the default account. Its API key (shown only now): ${firstKey}\n\n`,
    );
  }
  const background = startBackground(services, config, app.log);
  const address = await app.listen({ port: config.port, host: config.host });
  const banner = startBanner(config, address);
  // On a terminal a block people read; in JSON logs one line with the same fields.
  if (config.logFormat === 'pretty') process.stdout.write(`${banner.lines}\n`);
  else app.log.info(banner.fields, `Stockroom on ${banner.fields.url}, docs at ${banner.fields.docs}`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: finishing in-flight requests`);
    try {
      await background.stop();
      await app.close();
      await handle.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
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
