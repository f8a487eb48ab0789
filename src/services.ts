import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/connection.ts';
import { systemClock, type Clock } from './domain/time.ts';
import { createAccountsService } from './modules/accounts/accounts.service.ts';
import { createCatalogService } from './modules/catalog/catalog.service.ts';
import { createEventsService } from './modules/events/events.service.ts';
import { createStockService } from './modules/stock/stock.service.ts';
import { createWebhooksService } from './modules/webhooks/webhooks.service.ts';

export interface ServiceDeps {
  handle: DatabaseHandle;
  config: Pick<Config, 'transitDays' | 'webhookAllowedHosts' | 'smtpUrl' | 'smtpFrom'>;
  clock?: Clock;
}

/** The composition root: every module's service, wired once. */
export function createServices(deps: ServiceDeps) {
  const { handle, config } = deps;
  const clock = deps.clock ?? systemClock;
  const accounts = createAccountsService(handle, clock);
  const events = createEventsService(clock);
  const catalog = createCatalogService(handle, clock);
  const stock = createStockService({ handle, clock, events, catalog });
  catalog.useStockReader(stock.stockReader);
  const webhooks = createWebhooksService({
    handle,
    clock,
    events,
    allowedHosts: config.webhookAllowedHosts,
  });
  return { accounts, events, catalog, stock, webhooks, clock, handle, config };
}

export type Services = ReturnType<typeof createServices>;
