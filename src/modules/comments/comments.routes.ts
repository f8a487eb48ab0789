import { Type } from '@sinclair/typebox';
import { withTransaction, type Db } from '../../db/transaction.ts';
import { invalid } from '../../domain/errors.ts';
import { formatDateTime } from '../../domain/time.ts';
import { errorResponses, idParams, Nullable } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import type { Services } from '../../services.ts';
import * as repo from './comments.repository.ts';

/**
 * Comments on receipts, orders and picklists (reference/picqer-api.md 1.8), in the shape of the
 * purchase order comments: `GET|POST /{receipts,orders,picklists}/{id}/comments`. Stockroom has API
 * keys, not logged-in users, so a comment has no author.
 */
export async function commentsRoutes(api: App, services: Services): Promise<void> {
  const db = services.handle.db;
  const sources = [
    {
      path: 'receipts',
      type: 'receipt',
      id: 'idreceipt' as const,
      number: 'receiptid',
      source: async (d: Db, a: number, id: number) => {
        const r = await services.receipts.get(d, a, id);
        return { idreceipt: r.idreceipt, receiptid: r.receiptid };
      },
    },
    {
      path: 'orders',
      type: 'order',
      id: 'idorder' as const,
      number: 'orderid',
      source: async (d: Db, a: number, id: number) => {
        const o = await services.orders.viewOf(d, a, id);
        return { idorder: o.idorder, orderid: o.orderid };
      },
    },
    {
      path: 'picklists',
      type: 'picklist',
      id: 'idpicklist' as const,
      number: 'picklistid',
      source: async (d: Db, a: number, id: number) => {
        const p = await services.picklists.get(d, a, id);
        return { idpicklist: p.idpicklist, picklistid: p.picklistid };
      },
    },
  ];
  for (const s of sources) {
    const Comment = Type.Object({
      idcomment: Type.Integer(),
      source_type: Type.String(),
      source: Type.Object({ [s.id]: Type.Integer(), [s.number]: Type.String() }),
      author_type: Nullable(Type.String()),
      author: Nullable(Type.Object({})),
      body: Type.String(),
      mentions: Type.Array(Type.Unknown()),
      created_at: Type.String(),
      updated_at: Type.String(),
    });
    const view = (
      c: Awaited<ReturnType<typeof repo.commentsOf>>[number],
      source: Record<string, string | number>,
    ) => ({
      idcomment: c.idcomment,
      source_type: s.type,
      source,
      author_type: null,
      author: null,
      body: c.body,
      mentions: [],
      created_at: c.created_at,
      updated_at: c.updated_at,
    });
    const params = idParams(s.id);
    api.get(
      `/${s.path}/:${s.id}/comments`,
      {
        schema: {
          tags: [s.path],
          summary: `List the comments of a ${s.type}`,
          params,
          response: { 200: Type.Array(Comment), ...errorResponses },
        },
      },
      async (request) => {
        const id = (request.params as Record<string, number>)[s.id]!;
        const source = await s.source(db, request.idaccount, id);
        return (await repo.commentsOf(db, request.idaccount, s.type, id)).map((c) => view(c, source));
      },
    );
    api.post(
      `/${s.path}/:${s.id}/comments`,
      {
        schema: {
          tags: [s.path],
          summary: `Add a comment to a ${s.type}`,
          params,
          body: Type.Object({ body: Type.String({ minLength: 1, maxLength: 10_000 }) }),
          response: { 201: Comment, ...errorResponses },
        },
      },
      async (request, reply) => {
        const id = (request.params as Record<string, number>)[s.id]!;
        if (!request.body.body.trim()) throw invalid('The comment body is empty; write some text');
        const created = await withTransaction(services.handle, async (trx) => {
          const source = await s.source(trx, request.idaccount, id);
          const c = await repo.insertComment(trx, {
            idaccount: request.idaccount,
            source_type: s.type,
            source_id: id,
            body: request.body.body,
            created_at: formatDateTime(services.clock()),
          });
          return view(c, source);
        });
        reply.status(201);
        return created;
      },
    );
  }
}
