import { backordersRoutes } from '../modules/backorders/backorders.routes.ts';
import { catalogRoutes } from '../modules/catalog/catalog.routes.ts';
import { commentsRoutes } from '../modules/comments/comments.routes.ts';
import { eventsRoutes } from '../modules/events/events.routes.ts';
import { eventsStreamRoutes } from '../modules/events/events.stream.ts';
import { notificationsRoutes } from '../modules/notifications/notifications.routes.ts';
import { orderProductStatusRoutes } from '../modules/orders/orders.productstatus.ts';
import { ordersRoutes } from '../modules/orders/orders.routes.ts';
import { picklistBatchesRoutes } from '../modules/picklists/picklists.batches.routes.ts';
import { picklistsRoutes } from '../modules/picklists/picklists.routes.ts';
import { productLocationsRoutes } from '../modules/product-locations/product-locations.routes.ts';
import { productWarehousesRoutes } from '../modules/product-warehouses/product-warehouses.routes.ts';
import { purchaseAdviceRoutes } from '../modules/purchase-advice/purchase-advice.routes.ts';
import { usersRoutes } from '../modules/users/users.routes.ts';
import { purchasingRoutes } from '../modules/purchasing/purchasing.routes.ts';
import { receiptsRoutes } from '../modules/receipts/receipts.routes.ts';
import { stockRoutes } from '../modules/stock/stock.routes.ts';
import { webhooksRoutes } from '../modules/webhooks/webhooks.routes.ts';
import { jobsRoutes } from '../modules/jobs/jobs.routes.ts';
import { transferRoutes } from '../modules/transfer/transfer.routes.ts';
import type { Services } from '../services.ts';
import { strictBodyTypes } from './strict-body.ts';
import type { App } from './types.ts';

/** Every module's routes, registered under /api/v1 behind auth and the rate limit. */
export async function apiRoutes(api: App, services: Services): Promise<void> {
  await eventsRoutes(api, services);
  await jobsRoutes(api, services);
  await transferRoutes(api, services);
  await eventsStreamRoutes(api, services);
  // JSON body types checked without coercion (see strict-body.ts) for the routes in this scope.
  await api.register(async (scope) => {
    strictBodyTypes(scope);
    await catalogRoutes(scope, services);
    await stockRoutes(scope, services);
    await ordersRoutes(scope, services);
    await picklistsRoutes(scope, services);
    await picklistBatchesRoutes(scope);
    await productLocationsRoutes(scope, services);
    await productWarehousesRoutes(scope, services);
    await purchaseAdviceRoutes(scope, services);
    await usersRoutes(scope, services);
    await commentsRoutes(scope, services);
    await orderProductStatusRoutes(scope, services);
    await backordersRoutes(scope, services);
    await webhooksRoutes(scope, services);
    await notificationsRoutes(scope, services);
    await purchasingRoutes(scope, services);
    await receiptsRoutes(scope, services);
  });
}
