import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngines, type Client, type TestApp } from './harness.ts';
import { addStock, placed, world } from './orders-fixtures.ts';

/** Polls GET /jobs/{id} until the job ends (bounded), answering every state seen. */
async function untilFinished(c: Client, idjob: number): Promise<any[]> {
  const seen: any[] = [];
  for (let i = 0; i < 400; i++) {
    const job = await c.expect(200, 'GET', `/jobs/${idjob}`);
    seen.push(job);
    if (job.status === 'done' || job.status === 'failed') return seen;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${idjob} did not finish: ${JSON.stringify(seen.at(-1))}`);
}

/** A step the test releases by hand. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

async function waitFor(c: Client, idjob: number, done: number) {
  for (let i = 0; i < 400; i++) {
    const job = await c.expect(200, 'GET', `/jobs/${idjob}`);
    if (job.progress.done === done) return job;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${idjob} never reached ${done}`);
}

describeEngines('jobs', (t: () => TestApp) => {
  test('when a job reports progress, then GET /jobs/{id} shows it rising to done with the result, to its own account only', async () => {
    const c = await t().newClient();
    const other = await t().newClient();
    const steps = [gate(), gate(), gate()];
    const job = await t().services.jobs.start(c.idaccount, 'import.products', async (progress) => {
      for (let i = 0; i < steps.length; i++) {
        await steps[i]!.opened;
        progress(i + 1, 3);
      }
      return { imported: 3 };
    });
    assert.equal(job.kind, 'import.products');
    const states = [];
    for (let i = 0; i < 2; i++) {
      steps[i]!.open();
      states.push(await waitFor(c, job.idjob, i + 1));
    }
    assert.deepEqual(
      states.map((s) => [s.status, s.progress.done, s.progress.total, s.progress.percent]),
      [
        ['running', 1, 3, 33],
        ['running', 2, 3, 67],
      ],
    );
    steps[2]!.open();
    const end = (await untilFinished(c, job.idjob)).at(-1);
    assert.equal(end.status, 'done');
    assert.deepEqual(end.progress, { done: 3, total: 3, percent: 100 });
    assert.deepEqual(end.result, { imported: 3 });
    assert.ok(end.finished);
    assert.equal((await other.get(`/jobs/${job.idjob}`)).status, 404);
  });

  test('when POST /backorders/process runs with async=true, then it answers 202 and the job ends with the picklists made', async () => {
    const c = await t().newClient();
    const wd = await world(c, { products: { A: 'normal', B: 'normal' } });
    for (let i = 0; i < 3; i++)
      await placed(c, wd, [
        [wd.p.A!, 1],
        [wd.p.B!, 2],
      ]);
    await addStock(c, wd.p.A!, wd.w.W1!, 3);
    await addStock(c, wd.p.B!, wd.w.W1!, 6);
    const res = await c.post('/backorders/process?async=true');
    assert.equal(res.status, 202, res.raw);
    assert.equal(res.body.kind, 'backorders.process');
    const seen = await untilFinished(c, res.body.idjob);
    const end = seen.at(-1);
    assert.equal(end.status, 'done', JSON.stringify(end));
    assert.equal(end.result.picklists, 3);
    assert.deepEqual(end.progress, { done: 3, total: 3, percent: 100 });
    // Progress never goes back.
    const dones = seen.map((s) => s.progress.done);
    assert.deepEqual(
      dones,
      [...dones].sort((a, b) => a - b),
    );
    const picklists = await c.expect(200, 'GET', '/picklists');
    assert.deepEqual(picklists.map((p: any) => p.idpicklist).sort(), [...end.result.idpicklists].sort());
    assert.deepEqual(await c.expect(200, 'GET', '/backorders'), []);
    await t().assertLedger(c);
  });

  test('when an import runs with async=true, then the job answers the import summary', async () => {
    const c = await t().newClient();
    const res = await c.request(
      'POST',
      '/import/products?async=true',
      `productcode,name\nJ-${process.pid}-1,One\nJ-${process.pid}-2,Two\n`,
      {
        'content-type': 'text/csv',
      },
    );
    assert.equal(res.status, 202, res.raw);
    const end = (await untilFinished(c, res.body.idjob)).at(-1);
    assert.equal(end.status, 'done');
    assert.equal(end.result.created, 2);
    assert.deepEqual(end.progress, { done: 2, total: 2, percent: 100 });
  });

  test('when a job id is unknown, then 404 in Picqer format', async () => {
    const c = await t().newClient();
    const res = await c.get('/jobs/999999');
    assert.equal(res.status, 404);
    assert.equal(res.body.error_code, 20);
  });
});
