import { eventsRoutes } from '../modules/events/events.routes.ts';
import type { Services } from '../services.ts';
import type { App } from './types.ts';

/** Every module's routes, registered under /api/v1 behind auth and the rate limit. */
export async function apiRoutes(api: App, services: Services): Promise<void> {
  await eventsRoutes(api, services);
}
