import { backordersRoutes } from '../modules/backorders/backorders.routes.ts';
import { catalogRoutes } from '../modules/catalog/catalog.routes.ts';
import { eventsRoutes } from '../modules/events/events.routes.ts';
import { eventsStreamRoutes } from '../modules/events/events.stream.ts';
import { notificationsRoutes } from '../modules/notifications/notifications.routes.ts';
import { ordersRoutes } from '../modules/orders/orders.routes.ts';
import { picklistsRoutes } from '../modules/picklists/picklists.routes.ts';
import { purchasingRoutes } from '../modules/purchasing/purchasing.routes.ts';
import { receiptsRoutes } from '../modules/receipts/receipts.routes.ts';
import { stockRoutes } from '../modules/stock/stock.routes.ts';
import { webhooksRoutes } from '../modules/webhooks/webhooks.routes.ts';
import type { Services } from '../services.ts';
import { strictBodyTypes } from './strict-body.ts';
import type { App } from './types.ts';

/** Every module's routes, registered under /api/v1 behind auth and the rate limit. */
export async function apiRoutes(api: App, services: Services): Promise<void> {
  await eventsRoutes(api, services);
  await eventsStreamRoutes(api, services);
  // JSON body types checked without coercion (see strict-body.ts) for the routes in this scope.
  await api.register(async (scope) => {
    strictBodyTypes(scope);
    await catalogRoutes(scope, services);
    await stockRoutes(scope, services);
    await ordersRoutes(scope, services);
    await picklistsRoutes(scope, services);
    await backordersRoutes(scope, services);
    await webhooksRoutes(scope, services);
    await notificationsRoutes(scope, services);
    await purchasingRoutes(scope, services);
    await receiptsRoutes(scope, services);
  });
}
