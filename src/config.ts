import path from 'node:path';

/** Everything the process reads from its environment, parsed and validated once at start. */
export interface Config {
  port: number;
  host: string;
  /** Folder of the embedded SQLite database; used when databaseUrl is unset. */
  dataDir: string;
  /** postgres://... selects PostgreSQL; unset selects the embedded SQLite engine. */
  databaseUrl: string | undefined;
  /** synchronous=FULL (default, survives power loss) or NORMAL (faster, may lose the last commits). */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Key accepted for the default account; created on start when missing. */
  apiKey: string | undefined;
  rateLimitPerMinute: number;
  pgPoolSize: number;
  /** PostgreSQL: hot statements prepared once per connection (off behind PgBouncer < 1.21). */
  pgPreparedStatements: boolean;
  logLevel: string;
  /** Days added to the estimated ship date to estimate delivery. */
  transitDays: number;
  /** Run webhook deliveries inside the server process (false when a separate worker runs them). */
  runWorkerInServer: boolean;
  webhookAllowedHosts: string[];
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** SIGTERM: how long in-flight requests and background work may take before the pool closes anyway. */
  shutdownTimeoutMs: number;
  /** redis://... keeps the rate-limit and failed-auth counters in Redis, shared by all processes. */
  rateLimitRedisUrl: string | undefined;
  rateLimitRedisPrefix: string;
  /** Failed authentications per client address and minute before 429 (0: not limited). */
  authFailuresPerMinute: number;
  /** Bearer token that GET /metrics asks for; unset: /metrics is open. */
  metricsToken: string | undefined;
  /** pretty (pino-pretty, colored) on a terminal, json otherwise or with LOG_FORMAT=json. */
  logFormat: 'pretty' | 'json';
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/** The start key must be sendable as the user name of HTTP Basic auth: no colon, no spaces or controls. */
function apiKey(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^[\x21-\x7e]+$/.test(raw) || raw.includes(':'))
    throw new ConfigError(
      'STOCKROOM_API_KEY cannot be sent as an API key (it holds a colon, a space or a non-ASCII character): use printable ASCII without ":" or leave it unset',
    );
  return raw;
}

function redisUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^rediss?:\/\//.test(raw))
    throw new ConfigError(
      'RATE_LIMIT_REDIS_URL must look like redis://host:port (leave it unset to count in memory)',
    );
  return raw;
}

function logFormat(raw: string | undefined): 'pretty' | 'json' {
  if (raw === 'json') return 'json';
  if (raw === 'pretty') return 'pretty';
  if (raw !== undefined && raw !== '')
    throw new ConfigError(`LOG_FORMAT must be json or pretty, got "${raw}"`);
  return process.stdout.isTTY ? 'pretty' : 'json';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      'DATABASE_URL must start with postgres:// (leave it unset for the embedded database)',
    );
  }
  const sync = (env.SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase();
  if (sync !== 'FULL' && sync !== 'NORMAL')
    throw new ConfigError('SQLITE_SYNCHRONOUS must be FULL or NORMAL');
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl))
    throw new ConfigError('SMTP_URL must look like smtp://host:port');
  return {
    port: int(env, 'PORT', 3000),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl,
    sqliteSynchronous: sync,
    apiKey: apiKey(env.STOCKROOM_API_KEY),
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 500, 1),
    pgPoolSize: int(env, 'PG_POOL_SIZE', 10, 1),
    pgPreparedStatements: bool(env, 'PG_PREPARED_STATEMENTS', true),
    logLevel: env.LOG_LEVEL || 'info',
    transitDays: int(env, 'TRANSIT_DAYS', 2),
    runWorkerInServer: bool(env, 'WEBHOOK_WORKER_IN_SERVER', true),
    webhookAllowedHosts: (env.WEBHOOK_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    smtpUrl,
    smtpFrom: env.SMTP_FROM || 'Stockroom <stockroom@localhost>',
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 30_000, 1),
    rateLimitRedisUrl: redisUrl(env.RATE_LIMIT_REDIS_URL),
    rateLimitRedisPrefix: env.RATE_LIMIT_REDIS_PREFIX || 'stockroom:rate-limit:',
    authFailuresPerMinute: int(env, 'AUTH_FAILURES_PER_MINUTE', 20),
    metricsToken: env.METRICS_TOKEN || undefined,
    logFormat: logFormat(env.LOG_FORMAT),
  };
}
