import type { FastifyInstance } from 'fastify';

/**
 * Query strings as Picqer's PHP client builds them (PHP's http_build_query) into what the route
 * schemas expect, before validation:
 * - booleans are sent as `1` and `0`; Ajv's coercion takes only `true` and `false` from text, so a
 *   `1` or `0` of a boolean parameter becomes `true` or `false`;
 * - arrays are sent as `idproducts[0]=1&idproducts[1]=2` (or `idproducts[]=`); they are gathered
 *   under `idproducts`.
 * Parameters a route does not know pass through untouched (Picqer ignores them too).
 */
export function registerQueryNormalize(app: FastifyInstance): void {
  const booleansOf = new WeakMap<object, Set<string>>();
  app.addHook('preValidation', async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (!query || typeof query !== 'object') return;
    for (const key of Object.keys(query)) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\[\d*\]$/.exec(key);
      if (!m) continue;
      const name = m[1]!;
      const value = query[key];
      const current = query[name];
      const items: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
      const before: unknown[] =
        current === undefined ? [] : Array.isArray(current) ? (current as unknown[]) : [current];
      query[name] = [...before, ...items];
      delete query[key];
    }
    const schema = request.routeOptions.schema?.querystring as
      { properties?: Record<string, { type?: unknown }> } | undefined;
    if (!schema || typeof schema !== 'object' || !schema.properties) return;
    let booleans = booleansOf.get(schema);
    if (!booleans) {
      booleans = new Set(
        Object.entries(schema.properties)
          .filter(([, s]) => s.type === 'boolean')
          .map(([name]) => name),
      );
      booleansOf.set(schema, booleans);
    }
    for (const name of booleans) {
      const value = query[name];
      if (value === '1') query[name] = 'true';
      else if (value === '0') query[name] = 'false';
    }
  });
}
