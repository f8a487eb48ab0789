import type { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { invalid } from '../../domain/errors.ts';
import { errorBody, HttpError } from '../../http/errors.ts';
import { ErrorSchema, errorResponses, idParams, Nullable } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import type { Services } from '../../services.ts';
import { Job } from '../jobs/jobs.schemas.ts';
import type { ImportSummary } from './transfer.csv.ts';

const RowErrorSchema = Type.Object({
  line: Type.Integer({ description: 'Line in the file; 1 is the header' }),
  column: Nullable(Type.String()),
  message: Type.String(),
});
const summaryFields = {
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  skipped: Type.Integer({ description: 'Bad rows left out (only with partial=true)' }),
  applied: Type.Boolean(),
  errors: Type.Array(RowErrorSchema),
};
const ImportSummarySchema = Type.Object(summaryFields);
const ImportRefused = Type.Object({
  error: Type.Literal(true),
  error_code: Type.Integer(),
  error_message: Type.String(),
  ...summaryFields,
});
const ImportQuery = Type.Object({
  partial: Type.Optional(Type.Boolean({ description: 'Apply the good rows and report the bad ones' })),
  async: Type.Optional(Type.Boolean({ description: 'Run as a job: 202 with the job' })),
});
const StockImportQuery = Type.Object({
  ...ImportQuery.properties,
  reason: Type.Optional(Type.String({ maxLength: 1000, description: 'Reason booked with every change' })),
});
/** A refused file answers its rows' errors; a refused request (query, content type) Picqer's error body. */
const importResponses = {
  200: ImportSummarySchema,
  202: Job,
  ...errorResponses,
  400: Type.Union([ImportRefused, ErrorSchema]),
};

/** Async imports read the whole body first: the request ends when the 202 is sent. */
const MAX_ASYNC_BYTES = 256 * 1024 * 1024;
async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += (c as Buffer).length;
    if (size > MAX_ASYNC_BYTES) throw invalid(`The file is larger than ${MAX_ASYNC_BYTES} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Not applied: a 400 in Picqer's format naming the first bad row, with every error found. */
const refused = (s: ImportSummary) => {
  const first = s.errors[0]!;
  const more = s.errors.length > 1 ? ` (and ${s.errors.length - 1} more)` : '';
  return {
    ...errorBody(
      5,
      `Nothing imported: line ${first.line}${first.column ? `, column ${first.column}` : ''}: ${first.message}${more}`,
    ),
    ...s,
  };
};

/**
 * CSV import and export. Imports take `Content-Type: text/csv` bodies, streamed; they answer a
 * summary with line-numbered errors, or run as a job with ?async=true.
 */
export async function transferRoutes(api: App, services: Services): Promise<void> {
  const { transfer, jobs } = services;
  const db = services.handle.db;
  await api.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scope.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
    // Imports read CSV only: a JSON (or other) body is refused before anything is read.
    scope.addHook('preHandler', async (request) => {
      if (!String(request.headers['content-type'] ?? '').startsWith('text/csv'))
        throw new HttpError(415, 5, 'Send the file as CSV with Content-Type: text/csv');
    });

    scope.post(
      '/import/products',
      {
        schema: {
          tags: ['import and export'],
          summary: 'Create or update products by productcode from a CSV (all or nothing unless partial=true)',
          consumes: ['text/csv'],
          querystring: ImportQuery,
          response: importResponses,
        },
      },
      async (request, reply) => {
        const body = request.body as Readable;
        const partial = request.query.partial === true;
        if (request.query.async) {
          const text = await readAll(body);
          const job = await jobs.start(request.idaccount, 'import.products', (progress) =>
            transfer.importProducts(request.idaccount, text, { partial, onProgress: progress }),
          );
          return reply.status(202).send(job);
        }
        const s = await transfer.importProducts(request.idaccount, body, { partial });
        return s.applied ? s : reply.status(400).send(refused(s));
      },
    );

    scope.post(
      '/import/stock',
      {
        schema: {
          tags: ['import and export'],
          summary:
            'Set stock counts per product, warehouse and location from a CSV, booked as stock changes with a reason',
          consumes: ['text/csv'],
          querystring: StockImportQuery,
          response: importResponses,
        },
      },
      async (request, reply) => {
        const body = request.body as Readable;
        const options = { partial: request.query.partial === true, reason: request.query.reason };
        if (request.query.async) {
          const text = await readAll(body);
          const job = await jobs.start(request.idaccount, 'import.stock', (progress) =>
            transfer.importStock(request.idaccount, text, { ...options, onProgress: progress }),
          );
          return reply.status(202).send(job);
        }
        const s = await transfer.importStock(request.idaccount, body, options);
        return s.applied ? s : reply.status(400).send(refused(s));
      },
    );
  });

  const csv = { produces: ['text/csv'] };
  api.get(
    '/export/products',
    { schema: { tags: ['import and export'], summary: 'Every product as CSV (the import format)', ...csv } },
    async (_request, reply) =>
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .send(transfer.exportProducts(db, _request.idaccount)),
  );
  api.get(
    '/export/stock/:idwarehouse',
    {
      schema: {
        tags: ['import and export'],
        summary: 'Stock per product and location of a warehouse as CSV (the stock import format)',
        params: idParams('idwarehouse'),
        ...csv,
      },
    },
    async (request, reply) =>
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .send(await transfer.exportStock(db, request.idaccount, request.params.idwarehouse)),
  );
  api.get(
    '/export/backorders',
    { schema: { tags: ['import and export'], summary: 'Open backorders as CSV', ...csv } },
    async (request, reply) =>
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .send(transfer.exportBackorders(db, request.idaccount)),
  );
}
