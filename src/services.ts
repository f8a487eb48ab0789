import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/connection.ts';
import { systemClock, type Clock } from './domain/time.ts';
import { createAccountsService } from './modules/accounts/accounts.service.ts';
import { createBackorderLifecycle } from './modules/backorders/backorders.lifecycle.ts';
import { createBackordersService } from './modules/backorders/backorders.service.ts';
import { createCatalogService } from './modules/catalog/catalog.service.ts';
import { createEventsService } from './modules/events/events.service.ts';
import { createOrdersService } from './modules/orders/orders.service.ts';
import { createPicklistsService } from './modules/picklists/picklists.service.ts';
import { createNotificationsService } from './modules/notifications/notifications.service.ts';
import { createPurchasingService } from './modules/purchasing/purchasing.service.ts';
import { createReceiptsService } from './modules/receipts/receipts.service.ts';
import { createStockService } from './modules/stock/stock.service.ts';
import { createWebhooksService } from './modules/webhooks/webhooks.service.ts';
import { createJobsService } from './modules/jobs/jobs.service.ts';
import { createTransferService } from './modules/transfer/transfer.service.ts';

export interface ServiceDeps {
  handle: DatabaseHandle;
  config: Pick<Config, 'transitDays' | 'webhookAllowedHosts' | 'smtpUrl' | 'smtpFrom'>;
  clock?: Clock;
}

/**
 * The composition root: every module's service, created bottom-up in the layer order of
 * docs/adr/0017-module-layering.md. Each gets the services below it; nothing is wired afterwards.
 */
export function createServices(deps: ServiceDeps) {
  const { handle, config } = deps;
  const clock = deps.clock ?? systemClock;
  const accounts = createAccountsService(handle, clock);
  const events = createEventsService(clock, handle.engine);
  const catalog = createCatalogService(handle, clock, events);
  const stock = createStockService({ handle, clock, events, catalog });
  const backorders = createBackordersService({
    handle,
    clock,
    events,
    stock,
    transitDays: config.transitDays,
  });
  const picklists = createPicklistsService({ handle, clock, events, stock, catalog, backorders });
  const orders = createOrdersService({ handle, clock, events, stock, catalog, backorders, picklists });
  const purchasing = createPurchasingService({ handle, clock, events, catalog, stock, backorders });
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
  const backorderLifecycle = createBackorderLifecycle({
    handle,
    clock,
    stock,
    catalog,
    backorders,
    picklists,
    orders: orders.backorderHooks,
    notifications,
    transitDays: config.transitDays,
  });
  const jobs = createJobsService(handle, clock);
  const transfer = createTransferService({ handle, clock, events, catalog, stock });
  return {
    jobs,
    transfer,
    accounts,
    events,
    catalog,
    stock,
    backorders,
    backorderLifecycle,
    picklists,
    orders,
    webhooks,
    notifications,
    purchasing,
    receipts,
    clock,
    handle,
    config,
  };
}

export type Services = ReturnType<typeof createServices>;
