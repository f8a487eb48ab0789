import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { invalid } from '../domain/errors.ts';

/** A plain decimal integer as people write it: no sign but minus, no leading zero, no exponent, no spaces. */
const DECIMAL = /^(0|-?[1-9][0-9]{0,15})$/;

interface JsonSchemaLike {
  type?: unknown;
  maximum?: unknown;
  properties?: Record<string, JsonSchemaLike>;
}

/** Names of the properties of an object schema that are integers (not unions with other types). */
function integerProperties(schema: unknown, where: string, url: string): string[] {
  const properties = (schema as JsonSchemaLike | undefined)?.properties;
  if (!properties) return [];
  const names: string[] = [];
  for (const [name, prop] of Object.entries(properties)) {
    if (prop.type !== 'integer') continue;
    // Unbounded integers reach the database as floats or numerics it refuses (sinceid=1e21 was a 500).
    if (typeof prop.maximum !== 'number')
      throw new Error(`${where} ${name} of ${url} is an integer without a maximum`);
    names.push(name);
  }
  return names;
}

/** The offending value, cut short: a message must stay readable whatever was sent. */
const shown = (raw: unknown): string => {
  const text = JSON.stringify(raw) ?? String(raw);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
};

function check(kind: 'path' | 'query', values: unknown, names: readonly string[]): void {
  if (names.length === 0 || values === null || typeof values !== 'object') return;
  const record = values as Record<string, unknown>;
  for (const name of names) {
    const raw = record[name];
    if (raw === undefined) continue;
    if (typeof raw !== 'string' || !DECIMAL.test(raw))
      throw invalid(
        `${kind === 'path' ? 'Path parameter' : 'Query parameter'} ${name} must be a plain decimal integer` +
          ` (digits only, no leading zero or sign), got ${shown(raw)}`,
      );
  }
}

/**
 * Path ids and integer query parameters are plain decimal integers. Ajv's coercion alone (which the
 * schemas rely on to turn the text into numbers) accepts "0x10", "1e1", "+1", "01" and " 1": with
 * it POST /orders/0x10/process processed order 16. Every route's integer parameters are checked on
 * their raw text before validation; the schema then checks the range. A route with an integer
 * parameter without a maximum fails to register, so a new list cannot reintroduce the 500.
 */
export function registerStrictIntegers(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema;
    const url = `${String(route.method)} ${route.url}`;
    const pathNames = integerProperties(schema?.params, 'path parameter', url);
    const queryNames = integerProperties(schema?.querystring, 'query parameter', url);
    if (pathNames.length === 0 && queryNames.length === 0) return;
    const hook = async (request: FastifyRequest) => {
      check('path', request.params, pathNames);
      check('query', request.query, queryNames);
    };
    const existing = route.preValidation;
    route.preValidation = existing === undefined ? [hook] : [hook, ...[existing].flat()];
  });
}
