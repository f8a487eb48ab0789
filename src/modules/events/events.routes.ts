import { Type } from '@sinclair/typebox';
import type { App } from '../../http/types.ts';
import { errorResponses, PAGE_SIZE, SinceId } from '../../http/schemas.ts';
import type { Services } from '../../services.ts';

const EventSchema = Type.Object({
  idevent: Type.Integer(),
  event: Type.String(),
  resource_type: Type.String(),
  resource_id: Type.Integer(),
  event_triggered_at: Type.String(),
  data: Type.Unknown(),
});

export async function eventsRoutes(api: App, services: Services): Promise<void> {
  api.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Poll events in order (the outbox); pass the last idevent seen as sinceid',
        querystring: Type.Object({
          sinceid: Type.Optional(SinceId),
          event: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 200: Type.Array(EventSchema), ...errorResponses },
      },
    },
    async (request) =>
      services.events.list(services.handle.db, request.idaccount, {
        sinceid: request.query.sinceid,
        event: request.query.event,
        limit: PAGE_SIZE,
      }),
  );
}
