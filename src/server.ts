import { loadConfig } from './config.ts';
import { connect } from './db/connection.ts';
import { migrateToLatest } from './db/migrate.ts';
import { buildApp } from './http/app.ts';
import { onTransactionRetry } from './db/transaction.ts';
import { createServices } from './services.ts';
import { startBackground } from './background.ts';
import { createLifecycle } from './http/lifecycle.ts';
import { loggerOptions, startBanner } from './logging.ts';

/** Entry point: config -> database -> migrate -> app -> listen -> graceful close on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const handle = connect(config);
  await migrateToLatest(handle);
  const services = createServices({ handle, config });
  const firstKey = await services.accounts.bootstrap(config.apiKey);
  const lifecycle = createLifecycle('starting');
  const app = await buildApp({
    services,
    lifecycle,
    rateLimitPerMinute: config.rateLimitPerMinute,
    limits: { redisUrl: config.rateLimitRedisUrl, redisPrefix: config.rateLimitRedisPrefix },
    ...(config.authFailuresPerMinute > 0 && { authFailuresPerMinute: config.authFailuresPerMinute }),
    logger: loggerOptions(config),
    metricsToken: config.metricsToken,
  });
  if (firstKey) {
    // Printed once: only the hash is stored.
    process.stdout.write(
      `\nStockroom created the default account. Its API key (shown only now): ${firstKey}\n\n`,
    );
  }
  onTransactionRetry((r) => app.log.warn(r, 'transaction retried'));
  const background = startBackground(services, config, app.log);
  const address = await app.listen({ port: config.port, host: config.host });
  const banner = startBanner(config, address);
  // On a terminal a block people read; in JSON logs one line with the same fields.
  if (config.logFormat === 'pretty') process.stdout.write(`${banner.lines}\n`);
  else app.log.info(banner.fields, `Stockroom on ${banner.fields.url}, docs at ${banner.fields.docs}`);
  lifecycle.phase = 'ready';

  let closing = false;
  // Drain: /ready says 503, the listener stops accepting, in-flight requests (also those whose
  // client left) and background work finish, then the pool closes. Past the bound it closes anyway.
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    lifecycle.phase = 'draining';
    app.log.info(`${signal}: draining (at most ${config.shutdownTimeoutMs} ms)`);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'late'>(
      (resolve) => (timer = setTimeout(() => resolve('late'), config.shutdownTimeoutMs)),
    );
    try {
      const drained = Promise.all([app.close().then(() => lifecycle.idle()), background.stop()]);
      const late = (await Promise.race([drained, bound])) === 'late';
      clearTimeout(timer);
      if (late)
        app.log.warn(
          `drain took longer than ${config.shutdownTimeoutMs} ms: closing with ${lifecycle.inFlight} requests in flight`,
        );
      await handle.close();
      process.exit(late ? 1 : 0);
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
