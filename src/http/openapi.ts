/**
 * One pass over the generated OpenAPI document that makes it fit for client generators, so that the
 * routes keep only their TypeBox schemas and a summary (docs/adr/0015-warehouse-api-and-purchase-advice.md):
 * - every operation gets an operationId (from its method and path) and a description;
 * - every parameter is described; the Idempotency-Key header is declared on writes;
 * - success responses are named, and every error status a route can answer is documented with the
 *   one shared Error component (400, 401, 404, 409, 415, 429, 500), with the rate-limit headers
 *   (X-RateLimit-*, Retry-After) and Idempotent-Replayed;
 * - bodies without required fields (actions) are optional, as Picqer's client sends them empty;
 * - request bodies carry an example that succeeds in Swagger UI's "Try it out" on a fresh account
 *   where the example needs nothing else, and only required fields otherwise.
 * Registered as @fastify/swagger's transformObject in app.ts.
 */

/** The parts of an OpenAPI 3.0 document this pass reads and writes. */
interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  items?: Schema;
  minItems?: number;
  minimum?: number;
  pattern?: string;
  format?: string;
  description?: string;
  example?: unknown;
  nullable?: boolean;
  $ref?: string;
}
interface Parameter {
  name?: string;
  in?: string;
  description?: string;
  $ref?: string;
}
interface Media {
  schema?: Schema;
  example?: unknown;
  examples?: unknown;
}
interface Response {
  description?: string;
  headers?: Record<string, unknown>;
  content?: Record<string, Media>;
  $ref?: string;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; description?: string; content?: Record<string, Media> };
  responses?: Record<string, Response>;
}
export interface OpenApiDocument {
  paths?: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components?: {
    schemas?: Record<string, Schema>;
    headers?: Record<string, unknown>;
    parameters?: Record<string, unknown>;
    responses?: Record<string, unknown>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const WRITE_METHODS = new Set(['post', 'put', 'delete', 'patch']);

const STATUS_TEXT: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '204': 'No content',
  '400': 'Bad request: a parameter is missing or invalid, or the action is not allowed in the current status',
  '401': 'Unauthorized: no or an unknown API key',
  '404': 'Not found: an unknown id (or one of another account)',
  '409': 'Conflict: the Idempotency-Key was used with another request',
  '415': 'Unsupported media type: bodies are JSON (Content-Type: application/json)',
  '429': 'Too many requests: the rate limit per API key is exceeded; retry after Retry-After seconds',
  '500': 'Unknown application error: a bug, logged with the request id',
};

/** Descriptions of parameters whose schema has none, by name. */
const PARAMETER_TEXT: Record<string, string> = {
  offset: 'Skip this many items: lists answer at most 100, page with offset=0, 100, 200, ...',
  sinceid: 'Only items with a higher id than this',
  beforeid: 'Only items with a lower id than this',
  sincedate: 'Only items created after this datetime (YYYY-MM-DD HH:MM:SS)',
  untildate: 'Only items created before this datetime (YYYY-MM-DD HH:MM:SS)',
  updated_after: 'Only items updated after this datetime (YYYY-MM-DD HH:MM:SS)',
  status: 'Only items in this status',
  search: 'Only items containing this text (case-insensitive)',
  name: 'Only items with this name',
  productcode: 'Only the product with this product code',
  type: 'Only items of this type',
  inactive: 'true or 1: list inactive products too (by default only active ones)',
  force: 'true or 1: also when the status would otherwise refuse it',
  nested: 'true or 1: the whole tree of parts',
  reference: 'Only items with this reference',
  idwarehouse: 'Only items of this warehouse (idwarehouse)',
  idproduct: 'Only items of this product (idproduct)',
  idorder: 'Only items of this order (idorder)',
  idcustomer: 'Only items of this customer (idcustomer)',
  idsupplier: 'Only items of this supplier (idsupplier)',
  idpurchaseorder: 'Only items of this purchase order (idpurchaseorder)',
  iduser: 'Only items of this user (iduser)',
  idlocation: 'Only items of this location (idlocation)',
};

/** Example bodies that succeed as they are on a new account (no ids that must exist first). */
export const EXAMPLES: Record<string, unknown> = {
  'post /api/v1/warehouses': { name: 'Main warehouse', accept_orders: true, priority: 1 },
  'post /api/v1/products': { productcode: 'WIDGET-001', name: 'Blue widget', price: 9.95 },
  'post /api/v1/customers': { name: 'Jane Doe', emailaddress: 'jane@example.com', language: 'en' },
  'post /api/v1/suppliers': { name: 'Acme Supplies', language: 'en' },
  'post /api/v1/products/{idproduct}/stock/{idwarehouse}': {
    idlocation: null,
    change: 5,
    reason: 'Counted at the shelf',
  },
};

/** Summaries of routes whose schema has none (shared schema objects in their modules). */
const SUMMARIES: Record<string, string> = {
  'get /api/v1/purchaseorders/{idpurchaseorder}': 'Get a purchase order with its products',
  'put /api/v1/purchaseorders/{idpurchaseorder}': 'Update a purchase order',
  'get /api/v1/purchaseorders/{idpurchaseorder}/products': 'List the products of a purchase order',
  'get /api/v1/purchaseorders/{idpurchaseorder}/comments': 'List the comments of a purchase order',
  'post /api/v1/purchaseorders/{idpurchaseorder}/comments': 'Add a comment to a purchase order',
  'get /api/v1/receipts/{idreceipt}': 'Get a receipt with its received products',
};

const ERROR_REF = { $ref: '#/components/schemas/Error' };

const isErrorSchema = (s: Schema | undefined): boolean => {
  if (!s || typeof s !== 'object') return false;
  if (s.$ref === ERROR_REF.$ref) return true;
  const p = s.properties;
  return !!p && 'error' in p && 'error_code' in p && 'error_message' in p;
};

/** getProductsByIdproductLocations for GET /api/v1/products/{idproduct}/locations. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/v1\/?/, '')
    .split('/')
    .filter((s) => s !== '')
    .flatMap((s) => {
      const param = /^\{(.+)\}$/.exec(s);
      return param ? ['by', param[1]!] : s.split(/[-_]/);
    });
  const camel = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return method.toLowerCase() + (camel || 'Root');
}

/** An example with the required fields of a body schema, each a value its schema accepts. */
function exampleOf(schema: Schema | undefined, depth = 0): unknown {
  if (!schema || depth > 4) return undefined;
  if (schema.example !== undefined) return schema.example;
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const nonNull = branches.find((b) => b.type !== 'null' && !b.nullable);
    return exampleOf(nonNull ?? branches[0], depth + 1);
  }
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) out[name] = exampleOf(schema.properties?.[name], depth + 1);
      return out;
    }
    case 'array':
      return schema.minItems ? [exampleOf(schema.items, depth + 1)] : [];
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return true;
    case 'string':
      if (schema.pattern === '^\\d{4}-\\d{2}-\\d{2}$') return '2030-01-31';
      if (schema.format === 'date-time' || /HH:MM/.test(schema.description ?? ''))
        return '2030-01-31 12:00:00';
      return 'text';
    default:
      return undefined;
  }
}

const nameOfResource = (path: string): string => {
  const last = path
    .split('/')
    .filter((s) => s && !s.startsWith('{'))
    .pop();
  return last ?? 'resource';
};

export function describeOpenApi(doc: OpenApiDocument): OpenApiDocument {
  doc.components ??= {};
  const schemas = (doc.components.schemas ??= {});
  schemas.Error = {
    type: 'object',
    description: "Picqer's error body: error_code says what went wrong (see the README's table)",
    required: ['error', 'error_code', 'error_message'],
    properties: {
      error: { type: 'boolean', enum: [true] },
      error_code: { type: 'integer', description: "Picqer's code (below 100) or Stockroom's (100 and up)" },
      error_message: { type: 'string', description: 'What was wrong and how to fix it' },
    },
  };
  // Fastify's shared-schema copies (def-0, ...) of the Error schema are replaced by the one above.
  for (const [name, schema] of Object.entries(schemas))
    if (name !== 'Error' && isErrorSchema(schema)) delete schemas[name];

  const rateHeaders = {
    'X-RateLimit-Limit': { $ref: '#/components/headers/X-RateLimit-Limit' },
    'X-RateLimit-Remaining': { $ref: '#/components/headers/X-RateLimit-Remaining' },
    'X-RateLimit-Reset': { $ref: '#/components/headers/X-RateLimit-Reset' },
  };
  doc.components.headers = {
    'X-RateLimit-Limit': {
      description: 'Requests allowed per API key per minute',
      schema: { type: 'integer' },
    },
    'X-RateLimit-Remaining': {
      description: 'Requests left in the current minute',
      schema: { type: 'integer' },
    },
    'X-RateLimit-Reset': {
      description: 'Seconds until the current window ends',
      schema: { type: 'integer' },
    },
    'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
    'Idempotent-Replayed': {
      description: 'true when this is the stored answer to an earlier request with the same Idempotency-Key',
      schema: { type: 'string', enum: ['true'] },
    },
  };
  doc.components.parameters = {
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'A unique string per intended change: a retry with the same key gets the stored answer instead of a second effect (kept 24 hours)',
      schema: { type: 'string', maxLength: 255 },
    },
  };
  const errorResponse = (status: string, headers: Record<string, unknown> = {}) => ({
    description: STATUS_TEXT[status] ?? 'Error',
    headers: { ...rateHeaders, ...headers },
    content: { 'application/json': { schema: ERROR_REF } },
  });
  doc.components.responses = {
    BadRequest: errorResponse('400'),
    Unauthorized: errorResponse('401'),
    NotFound: errorResponse('404'),
    Conflict: errorResponse('409'),
    UnsupportedMediaType: errorResponse('415'),
    TooManyRequests: errorResponse('429', { 'Retry-After': { $ref: '#/components/headers/Retry-After' } }),
    InternalError: errorResponse('500'),
  };
  const refFor: Record<string, string> = {
    '400': 'BadRequest',
    '401': 'Unauthorized',
    '404': 'NotFound',
    '409': 'Conflict',
    '415': 'UnsupportedMediaType',
    '429': 'TooManyRequests',
    '500': 'InternalError',
  };

  const seen = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const isApi = path.startsWith('/api/v1');
      let id = operationIdOf(method, path);
      while (seen.has(id)) id += '_';
      seen.add(id);
      op.operationId ??= id;
      op.summary ??= SUMMARIES[`${method} ${path}`] ?? `${method.toUpperCase()} ${path}`;
      op.description ??=
        `${op.summary}.` +
        (WRITE_METHODS.has(method) && isApi
          ? ' Send an Idempotency-Key header to make a retry safe.'
          : method === 'get' && !/\}$/.test(path) && isApi
            ? ' Lists answer at most 100 items ordered by id; page with offset.'
            : '');

      const params = op.parameters ?? [];
      for (const p of params) {
        if (p.description || p.$ref) continue;
        const name = p.name ?? '';
        if (p.in === 'path')
          p.description = name.startsWith('id')
            ? `Id of the ${name.slice(2).replace(/_/g, ' ')} (${name})`
            : `The ${name} of the ${nameOfResource(path).replace(/s$/, '')}`;
        else p.description = PARAMETER_TEXT[name] ?? `Filter on ${name}`;
      }
      if (WRITE_METHODS.has(method) && isApi) params.push({ $ref: '#/components/parameters/IdempotencyKey' });
      if (params.length > 0) op.parameters = params;

      const body = op.requestBody;
      if (body) {
        const media = body.content?.['application/json'];
        const schema = media?.schema;
        const required = schema?.required ?? [];
        body.required = required.length > 0;
        body.description ??= body.required
          ? 'JSON body'
          : 'Optional JSON body: may be empty, {}, null or [] (as Picqer’s PHP client sends it)';
        if (media && media.example === undefined && media.examples === undefined) {
          const example = EXAMPLES[`${method} ${path}`] ?? exampleOf(schema);
          if (example !== undefined) media.example = example;
        }
      }

      const responses = op.responses ?? {};
      for (const [status, r] of Object.entries(responses)) {
        if (status.startsWith('2')) {
          if (!r.description || r.description === 'Default Response')
            r.description = `${STATUS_TEXT[status] ?? 'Success'}: ${op.summary}`;
          if (isApi)
            r.headers = {
              ...rateHeaders,
              ...(WRITE_METHODS.has(method) && {
                'Idempotent-Replayed': { $ref: '#/components/headers/Idempotent-Replayed' },
              }),
              ...(r.headers ?? {}),
            };
        } else if (refFor[status]) {
          responses[status] = { $ref: `#/components/responses/${refFor[status]}` };
        } else {
          // Other error statuses (406, 503): their own description, the shared error body.
          const media = r.content?.['application/json'];
          if (media && isErrorSchema(media.schema)) media.schema = ERROR_REF;
        }
      }
      if (isApi) {
        const errors = ['400', '401', '429', '500'];
        if (path.includes('{')) errors.push('404');
        if (WRITE_METHODS.has(method)) errors.push('409');
        if (body) errors.push('415');
        for (const status of errors)
          responses[status] ??= { $ref: `#/components/responses/${refFor[status]}` };
      }
      op.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  return doc;
}
