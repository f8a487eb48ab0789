import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/connection.ts';
import { systemClock, type Clock } from './domain/time.ts';
import { createAccountsService } from './modules/accounts/accounts.service.ts';
import { createCatalogService } from './modules/catalog/catalog.service.ts';
import { createEventsService } from './modules/events/events.service.ts';
import { createNotificationsService } from './modules/notifications/notifications.service.ts';
import { createPurchasingService } from './modules/purchasing/purchasing.service.ts';
import { createReceiptsService } from './modules/receipts/receipts.service.ts';
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
  const catalog = createCatalogService(handle, clock, events);
  const stock = createStockService({ handle, clock, events, catalog });
  catalog.useStockReader(stock.stockReader);
  const purchasing = createPurchasingService({
    handle,
    clock,
    events,
    catalog,
    // Late-bound: receipts are created after purchasing.
    lineHasReceipts: (db, idaccount, idline) => receipts.lineHasReceipts(db, idaccount, idline),
  });
  const receipts = createReceiptsService({ handle, clock, events, catalog, stock, purchasing });
  const webhooks = createWebhooksService({
    handle,
    clock,
    events,
    allowedHosts: config.webhookAllowedHosts,
  });
  const notifications = createNotificationsService({
    handle,
    clock,
    smtpUrl: config.smtpUrl,
    smtpFrom: config.smtpFrom,
  });
  return { accounts, events, catalog, stock, webhooks, notifications, purchasing, receipts, clock, handle, config };
}

export type Services = ReturnType<typeof createServices>;
