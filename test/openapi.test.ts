import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXAMPLES } from '../src/http/openapi.ts';
import { describeEngines } from './harness.ts';

/** Issue 11: an OpenAPI document a client generator can use, with examples that succeed. */

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

describeEngines('OpenAPI document', (t) => {
  test('when the document is read, then every operation has a unique operationId, a summary, a description, described parameters and named responses', async () => {
    const res = await t().app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    const ids = new Set<string>();
    let operations = 0;
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        operations++;
        const where = `${method} ${path}`;
        assert.match(op.operationId ?? '', /^[a-z][A-Za-z_]+$/, where);
        assert.ok(!ids.has(op.operationId), `${where}: operationId ${op.operationId} twice`);
        ids.add(op.operationId);
        assert.ok(op.summary && !op.summary.startsWith(method.toUpperCase()), `${where}: summary`);
        assert.ok(op.description, `${where}: description`);
        for (const p of op.parameters ?? [])
          assert.ok(p.$ref || p.description, `${where}: ${p.name} undescribed`);
        for (const [status, r] of Object.entries<any>(op.responses)) {
          if (r.$ref) {
            assert.match(r.$ref, /^#\/components\/responses\//, `${where} ${status}`);
            continue;
          }
          assert.notEqual(r.description, 'Default Response', `${where} ${status}`);
          assert.ok(!JSON.stringify(r).includes('"error_code"'), `${where} ${status}: error schema inlined`);
        }
        if (path.startsWith('/api/v1')) {
          for (const status of ['400', '401', '429', '500'])
            assert.ok(op.responses[status], `${where} ${status}`);
          if (method !== 'get') {
            assert.ok(op.responses['409'], `${where} 409`);
            assert.ok(
              op.parameters.some((p: any) => p.$ref === '#/components/parameters/IdempotencyKey'),
              `${where} Idempotency-Key`,
            );
          }
          if (op.requestBody) assert.ok(op.responses['415'], `${where} 415`);
        }
      }
    }
    assert.ok(operations > 100, `only ${operations} operations`);
    assert.deepEqual(doc.components.schemas.Error.required, ['error', 'error_code', 'error_message']);
    assert.ok(doc.components.responses.TooManyRequests.headers['Retry-After']);
    assert.ok(doc.components.headers['X-RateLimit-Remaining']);
    assert.ok(doc.components.headers['Idempotent-Replayed']);
    // Actions take an optional body (Picqer's client sends null); creates a required one.
    assert.equal(doc.paths['/api/v1/orders/{idorder}/process'].post.requestBody.required, false);
    assert.equal(doc.paths['/api/v1/products'].post.requestBody.required, true);
  });

  test("when the document's example bodies are sent as Try it out sends them, then they succeed", async () => {
    const c = await t().newClient();
    const doc = (await t().app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const ids: Record<string, number> = {};
    for (const key of Object.keys(EXAMPLES).filter((k) => !k.includes('{'))) {
      const [method, path] = key.split(' ') as [string, string];
      const example = doc.paths[path][method].requestBody.content['application/json'].example;
      assert.deepEqual(example, EXAMPLES[key]);
      const res = await c.request(method.toUpperCase(), path, example);
      assert.equal(res.status, 201, `${key}: ${res.raw}`);
      if (path === '/api/v1/products') ids.idproduct = res.body.idproduct;
      if (path === '/api/v1/warehouses') ids.idwarehouse = res.body.idwarehouse;
    }
    const stockPath = '/api/v1/products/{idproduct}/stock/{idwarehouse}';
    const example = doc.paths[stockPath].post.requestBody.content['application/json'].example;
    const url = `/api/v1/products/${ids.idproduct}/stock/${ids.idwarehouse}`;
    const res = await c.post(url, example);
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.body.stock, 5);
  });
});
