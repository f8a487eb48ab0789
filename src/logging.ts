import path from 'node:path';
import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';

/**
 * pino's options for the server: short colored lines through pino-pretty on a terminal, one JSON
 * object per line otherwise (or with LOG_FORMAT=json), for a log collector.
 */
export function loggerOptions(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
): FastifyServerOptions['logger'] {
  if (config.logFormat === 'json') return { level: config.logLevel };
  return {
    level: config.logLevel,
    transport: {
      target: 'pino-pretty',
      options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,reqId' },
    },
  };
}

/** Where the data lives, for people: the SQLite file, or the PostgreSQL URL without its password. */
export function describeDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): {
  engine: string;
  data: string;
} {
  if (!config.databaseUrl)
    return { engine: 'SQLite (embedded)', data: path.join(config.dataDir, 'stockroom.db') };
  try {
    const url = new URL(config.databaseUrl);
    if (url.password) url.password = '***';
    return { engine: 'PostgreSQL', data: url.toString() };
  } catch {
    return { engine: 'PostgreSQL', data: '(DATABASE_URL)' };
  }
}

/** The start banner: the URL, the docs, the metrics, the engine and where the data lives. */
export function startBanner(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'metricsToken'>,
  address: string,
): { lines: string; fields: Record<string, string> } {
  const { engine, data } = describeDatabase(config);
  const fields = {
    url: `${address}/api/v1`,
    docs: `${address}/docs`,
    metrics: `${address}/metrics${config.metricsToken ? ' (Bearer METRICS_TOKEN)' : ''}`,
    engine,
    data,
  };
  const lines = [
    '',
    `Stockroom is running`,
    `  API      ${fields.url}`,
    `  Docs     ${fields.docs}`,
    `  Metrics  ${fields.metrics}`,
    `  Engine   ${engine}`,
    `  Data     ${data}`,
    '',
  ].join('\n');
  return { lines, fields };
}
