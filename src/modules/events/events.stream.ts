import { Type } from '@sinclair/typebox';
import { HttpError } from '../../http/errors.ts';
import type { App } from '../../http/types.ts';
import { ErrorSchema, errorResponses } from '../../http/schemas.ts';
import type { Services } from '../../services.ts';
import { latestEventId } from './events.repository.ts';

/** How often an open stream looks for new events in the outbox. */
const POLL_MS = 400;
/** A comment line this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
const BATCH = 100;

/**
 * GET /events/stream: the outbox as Server-Sent Events, for screens that follow changes live.
 * Asked for with `Accept: text/event-stream` (EventSource sends it), else a 406.
 *
 * Authenticated like every API route (the Authorization header), so the key never travels in a URL;
 * browsers read it with fetch() and a stream reader, since EventSource cannot send headers. Each
 * stream polls the events table after the last id it sent: events are rows committed with their
 * change, so every process serving the database sees them, and a reconnect with `Last-Event-ID` (or
 * `?sinceid=`) misses nothing. See docs/adr/0014-operator-web-app.md.
 */
export async function eventsStreamRoutes(api: App, services: Services): Promise<void> {
  const open = new Set<() => void>();
  // Open streams would keep app.close() waiting for their connections.
  api.addHook('preClose', async () => {
    for (const end of open) end();
  });

  api.get(
    '/events/stream',
    {
      schema: {
        tags: ['events'],
        summary:
          'Follow events live as Server-Sent Events (text/event-stream); from sinceid or Last-Event-ID, else from now',
        querystring: Type.Object({
          sinceid: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647 })),
        }),
        headers: Type.Object({
          'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,10}$' })),
        }),
        response: {
          200: Type.String({ description: 'id: <idevent>, event: <event name>, data: the event as JSON' }),
          ...errorResponses,
          406: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      // A stream never ends: only a client that asks for one gets it. Any other (a JSON client, a
      // crawler of the OpenAPI document) gets a clear refusal instead of a request that hangs.
      if (!/\btext\/event-stream\b/i.test(request.headers.accept ?? ''))
        throw new HttpError(
          406,
          5,
          'GET /events/stream is a Server-Sent Events stream: send Accept: text/event-stream (or poll GET /events?sinceid=)',
        );
      const db = services.handle.db;
      const idaccount = request.idaccount;
      const fromHeader = request.headers['last-event-id'];
      let lastId =
        request.query.sinceid ??
        (fromHeader !== undefined ? Number(fromHeader) : await latestEventId(db, idaccount));

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: 2000\n: stream from ${lastId}\n\n`);

      let closed = false;
      let timer: NodeJS.Timeout | undefined;
      let sinceWrite = 0;
      const end = () => {
        if (closed) return;
        closed = true;
        if (timer) clearTimeout(timer);
        open.delete(end);
        res.end();
      };
      open.add(end);
      request.raw.on('close', end);

      const tick = async () => {
        try {
          const events = await services.events.list(db, idaccount, { sinceid: lastId, limit: BATCH });
          if (closed) return;
          for (const e of events) {
            res.write(`id: ${e.idevent}\nevent: ${e.event}\ndata: ${JSON.stringify(e)}\n\n`);
            lastId = e.idevent;
          }
          sinceWrite = events.length > 0 ? 0 : sinceWrite + POLL_MS;
          if (sinceWrite >= HEARTBEAT_MS) {
            res.write(': ping\n\n');
            sinceWrite = 0;
          }
          // A full batch means more are waiting: read on at once.
          timer = setTimeout(() => void tick(), events.length === BATCH ? 0 : POLL_MS);
        } catch (err) {
          request.log.error({ err }, 'event stream failed; the client reconnects with Last-Event-ID');
          end();
        }
      };
      await tick();
    },
  );
}
