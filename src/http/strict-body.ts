import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { FastifyInstance } from 'fastify';
import { invalid } from '../domain/errors.ts';

/**
 * The app's Ajv coerces types (`coerceTypes: 'array'`) so that query strings and path params turn
 * into numbers and booleans. On JSON bodies that coercion hides client bugs: `{"change": "5"}`,
 * `{"change": true}` or `{"change": [3]}` would all pass as integers. This hook checks the body
 * against the route's body schema BEFORE Ajv runs, without coercion, so a wrong JSON type is a 400
 * that changes nothing. Register it on a scope: `strictBodyTypes(scope)`.
 */
export function strictBodyTypes(app: FastifyInstance): void {
  const checks = new WeakMap<object, TypeCheck<TSchema>>();
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema?.body as TSchema | undefined;
    if (!schema || typeof schema !== 'object') return;
    let check = checks.get(schema);
    if (!check) {
      check = TypeCompiler.Compile(schema);
      checks.set(schema, check);
    }
    if (check.Check(request.body)) return;
    const first = check.Errors(request.body).First();
    const where = first?.path ? `body${first.path.replaceAll('/', '.')}` : 'body';
    throw invalid(`Invalid ${where}: ${first?.message ?? 'does not match the schema'}`);
  });
}
