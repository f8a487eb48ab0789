import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';
import type { Services } from './services.ts';

export interface Background {
  stop(): Promise<void>;
}

/** Periodic work that runs inside the server process (webhook delivery, delay checks). */
export function startBackground(_services: Services, _config: Config, _log: FastifyBaseLogger): Background {
  return { stop: async () => {} };
}
