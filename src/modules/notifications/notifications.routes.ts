import { Type } from '@sinclair/typebox';
import type { App } from '../../http/types.ts';
import { errorResponses, idParams, Offset, PAGE_SIZE } from '../../http/schemas.ts';
import type { Services } from '../../services.ts';
import { NotificationSchema } from './notifications.schemas.ts';

export async function notificationsRoutes(api: App, services: Services): Promise<void> {
  api.get(
    '/backorders/:idbackorder/notifications',
    {
      schema: {
        tags: ['backorders'],
        summary: 'The customer notifications of a backorder, with their outcome',
        params: idParams('idbackorder'),
        querystring: Type.Object({ offset: Type.Optional(Offset) }),
        response: { 200: Type.Array(NotificationSchema), ...errorResponses },
      },
    },
    async (request) =>
      services.notifications.listForBackorder(
        services.handle.db,
        request.idaccount,
        request.params.idbackorder,
        {
          offset: request.query.offset ?? 0,
          limit: PAGE_SIZE,
        },
      ),
  );
}
