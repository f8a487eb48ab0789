import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, type DomainErrorCode } from '../domain/errors.ts';

/** Picqer's error body. */
export interface ErrorBody {
  error: true;
  error_code: number;
  error_message: string;
}

/**
 * Every domain error code and what it answers. Codes below 100 are Picqer's own
 * (reference/picqer-api.md 1.6); 100 and up are Stockroom's extensions, listed in the README.
 */
export const ERROR_TABLE: Record<DomainErrorCode, { status: number; errorCode: number }> = {
  not_found: { status: 404, errorCode: 20 },
  invalid_input: { status: 400, errorCode: 5 },
  invalid_state: { status: 400, errorCode: 21 },
  duplicate: { status: 400, errorCode: 7 },
  insufficient_stock: { status: 400, errorCode: 100 },
  order_missing_products: { status: 400, errorCode: 13 },
  order_line_invalid: { status: 400, errorCode: 23 },
  unknown_product: { status: 400, errorCode: 24 },
  unknown_customer: { status: 400, errorCode: 25 },
  order_processed: { status: 400, errorCode: 33 },
  product_not_on_purchaseorder: { status: 400, errorCode: 27 },
  pick_no_product: { status: 400, errorCode: 15 },
  pick_invalid_amount: { status: 400, errorCode: 16 },
  pick_product_not_found: { status: 400, errorCode: 17 },
  pick_amount_too_high: { status: 400, errorCode: 18 },
  idempotency_mismatch: { status: 409, errorCode: 101 },
  busy: { status: 503, errorCode: 102 },
};

export const errorBody = (errorCode: number, message: string): ErrorBody => ({
  error: true,
  error_code: errorCode,
  error_message: message,
});

/** A thrown error that already knows its answer (auth, rate limit). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Database constraint violations that bad input can reach are a 400, never a 500. */
function constraintMessage(err: unknown): string | undefined {
  const e = err as { code?: unknown; message?: unknown };
  const msg = typeof e.message === 'string' ? e.message : '';
  if (e.code === '23514' || e.code === 'SQLITE_CONSTRAINT_CHECK') return 'The change breaks a stock rule';
  if (
    e.code === '23505' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  )
    return 'An object with these values already exists';
  if (e.code === '23503' || e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
    return 'A referenced object does not exist';
  if (e.code === '22003' || /out of range|too large/i.test(msg)) return 'A number is out of range';
  return undefined;
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | DomainError | HttpError | Error, request, reply) => {
    if (err instanceof DomainError) {
      const { status, errorCode } = ERROR_TABLE[err.code];
      return reply.status(status).send(errorBody(errorCode, err.message));
    }
    if (err instanceof HttpError) {
      return reply.status(err.statusCode).headers(err.headers).send(errorBody(err.errorCode, err.message));
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      return reply
        .status(400)
        .send(errorBody(5, `Invalid ${fe.validationContext ?? 'request'}: ${fe.message}`));
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
      return reply.status(400).send(errorBody(22, 'No valid JSON: the request body could not be parsed'));
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply
        .status(415)
        .send(
          errorBody(5, 'Unsupported content type: send the body as JSON with Content-Type: application/json'),
        );
    }
    if (fe.statusCode === 429) {
      return reply.status(429).send(errorBody(28, 'Rate limit exceeded'));
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send(errorBody(fe.statusCode === 404 ? 20 : 5, fe.message));
    }
    const constraint = constraintMessage(err);
    if (constraint) {
      request.log.warn({ err }, 'constraint violation');
      return reply.status(400).send(errorBody(5, constraint));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody(1, `Unknown application error (request ${request.id})`));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody(20, `No route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
