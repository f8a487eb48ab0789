import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { createUsersService } from '../src/modules/users/users.service.ts';
import { describeEngines, type Client, type TestApp } from './harness.ts';
import { addStock, placed, world } from './orders-fixtures.ts';

/** Issue 11: picklist PUT, assign/unassign, snooze/unsnooze, pause/resume; users. */

async function openPicklist(c: Client) {
  const wd = await world(c);
  await addStock(c, wd.p.A!, wd.w.W1!, 5);
  const { picklists } = await placed(c, wd, [[wd.p.A!, 2]]);
  return { wd, pl: picklists[0] };
}

async function user(t: TestApp, c: Client, username: string) {
  return createUsersService({ handle: t.handle, clock: t.services.clock }).create(c.idaccount, {
    username,
    firstname: 'Jo',
    lastname: 'Picker',
  });
}

const eventsOf = async (c: Client, event: string) => c.expect<any[]>(200, 'GET', `/events?event=${event}`);

describeEngines('picklist states and users', (t) => {
  test('when a picklist is assigned and unassigned as the PHP client does, then assigned_to_iduser follows, filters find it and events say so', async () => {
    const c = await t().newClient();
    const { pl } = await openPicklist(c);
    const jo = await user(t(), c, 'jo');
    assert.deepEqual(await c.expect(200, 'GET', '/users'), [jo]);
    assert.deepEqual(await c.expect(200, 'GET', `/users/${jo.iduser}`), jo);
    assert.equal((await c.get('/users/999999')).status, 404);
    const assigned = await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/assign`, { iduser: jo.iduser });
    assert.equal(assigned.assigned_to_iduser, jo.iduser);
    assert.deepEqual(
      (await c.expect(200, 'GET', `/picklists?assigned_to_iduser=${jo.iduser}`)).map(
        (p: any) => p.idpicklist,
      ),
      [pl.idpicklist],
    );
    const unknown = await c.post(`/picklists/${pl.idpicklist}/assign`, { iduser: 999999 });
    assert.equal(unknown.status, 400);
    const unassigned = await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/unassign`, null);
    assert.equal(unassigned.assigned_to_iduser, null);
    assert.deepEqual(await c.expect(200, 'GET', `/picklists?assigned_to_iduser=${jo.iduser}`), []);
    assert.equal((await eventsOf(c, 'picklists.changed')).length, 2);
  });

  test('when a picklist is paused with a reason, then it is not picked or closed until resumed, and can still be cancelled', async () => {
    const c = await t().newClient();
    const { pl } = await openPicklist(c);
    const paused = await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/pause`, {
      reason: 'Damaged box',
    });
    assert.deepEqual([paused.status, paused.paused_reason], ['paused', 'Damaged box']);
    for (const [url, body] of [
      [`/picklists/${pl.idpicklist}/pick`, { product: pl.products[0].idproduct, amount: 1 }],
      [`/picklists/${pl.idpicklist}/pickall`, null],
      [`/picklists/${pl.idpicklist}/close`, null],
      [`/picklists/${pl.idpicklist}/snooze`, { snooze_until: '2999-01-01 00:00:00' }],
    ] as const) {
      const res = await c.post(url, body);
      assert.equal(res.status, 400, url);
      assert.equal(res.body.error_code, 21, url);
    }
    assert.equal((await c.expect(200, 'GET', `/picklists/${pl.idpicklist}`)).products[0].amount_picked, 0);
    const resumed = await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/resume`, null);
    assert.deepEqual([resumed.status, resumed.paused_reason], ['new', null]);
    assert.equal((await c.post(`/picklists/${pl.idpicklist}/resume`, null)).status, 400);
    await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/pause`, null);
    const cancelled = await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/cancel`, null);
    assert.equal(cancelled.status, 'cancelled');
    assert.deepEqual(
      [(await eventsOf(c, 'picklists.paused')).length, (await eventsOf(c, 'picklists.resumed')).length],
      [2, 1],
    );
    await t().assertLedger(c);
  });

  test('when a picklist is snoozed until a date, then it is not picked until unsnoozed; a past date is refused', async () => {
    const c = await t().newClient();
    const { pl } = await openPicklist(c);
    assert.equal(
      (await c.post(`/picklists/${pl.idpicklist}/snooze`, { snooze_until: '2000-01-01 00:00:00' })).status,
      400,
    );
    assert.equal((await c.post(`/picklists/${pl.idpicklist}/snooze`, {})).status, 400);
    const snoozed = await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/snooze`, {
      snooze_until: '2999-06-01 08:00:00',
    });
    assert.deepEqual([snoozed.status, snoozed.snoozed_until], ['snoozed', '2999-06-01 08:00:00']);
    assert.equal((await c.post(`/picklists/${pl.idpicklist}/pickall`, null)).status, 400);
    const back = await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/unsnooze`, null);
    assert.deepEqual([back.status, back.snoozed_until], ['new', null]);
    await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/pickall`, null);
    assert.equal((await eventsOf(c, 'picklists.snoozed')).length, 1);
    assert.equal((await eventsOf(c, 'picklists.unsnoozed')).length, 1);
  });

  test('when a picklist is updated and closed by its assignee, then the fields change and closed_by_iduser names the assignee', async () => {
    const c = await t().newClient();
    const { pl } = await openPicklist(c);
    const jo = await user(t(), c, 'jo');
    const updated = await c.expect(200, 'PUT', `/picklists/${pl.idpicklist}`, {
      urgent: true,
      preferred_delivery_date: '2030-02-01',
    });
    assert.deepEqual(
      [updated.urgent, updated.invoiced, updated.preferred_delivery_date],
      [true, false, '2030-02-01'],
    );
    assert.equal((await c.put(`/picklists/${pl.idpicklist}`, { urgent: 'yes' })).status, 400);
    await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/assign`, { iduser: jo.iduser });
    await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/pickall`, null);
    const closed = await c.expect(200, 'POST', `/picklists/${pl.idpicklist}/close`, null);
    assert.deepEqual([closed.status, closed.closed_by_iduser, closed.urgent], ['closed', jo.iduser, true]);
    assert.equal((await c.post(`/picklists/${pl.idpicklist}/assign`, { iduser: jo.iduser })).status, 400);
  });
});

test('when users are created and listed on the command line, then GET /users shows them', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-cli-users-'));
  const run = async (...args: string[]) =>
    (
      await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
      })
    ).stdout;
  try {
    const account = JSON.parse(await run('accounts', 'create', 'Acme')) as { idaccount: number };
    const jo = JSON.parse(await run('users', 'create', String(account.idaccount), 'jo', 'Jo', 'Picker'));
    assert.deepEqual([jo.username, jo.firstname, jo.lastname, jo.active], ['jo', 'Jo', 'Picker', true]);
    const listed = (await run('users', 'list', String(account.idaccount)))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(listed, [jo]);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
