import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { describeEngines } from './harness.ts';
import {
  addStock,
  backordered,
  eventsSince,
  lastEventId,
  product,
  purchased,
  shop,
} from './lifecycle-fixtures.ts';

/** POST /backorders/{id}/notify-customer through a real SMTP server on 127.0.0.1, on every engine. */

const mails: { to: string[]; raw: string }[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      mails.push({
        to: session.envelope.rcptTo.map((r) => r.address),
        raw: Buffer.concat(chunks).toString('utf8'),
      });
      callback();
    });
  },
});
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
const smtpPort = (smtp.server.address() as AddressInfo).port;
after(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

/** The subject and the body of a mail, quoted-printable soft breaks undone. */
function text(raw: string): string {
  return raw
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\r\n[ \t]+/g, ' ');
}

const nowMs = Date.parse('2030-01-01T08:00:00Z');

describeEngines(
  'backorder notify-customer',
  (t) => {
    test('when a Dutch customer is notified, then a Dutch e-mail with status and estimate goes out and is recorded', async () => {
      const c = await t().newClient();
      const s = await shop(c);
      const p = await product(c, 'Fiets');
      const b = await backordered(c, s, p, 2);
      await c.expect(200, 'PUT', `/backorders/${b.idbackorder}`, { status: 'in-transit' });
      await purchased(c, s, [{ idproduct: p, amount: 2 }], '2030-03-12');
      const before = mails.length;
      const since = await lastEventId(c);
      const answer = await c.expect(200, 'POST', `/backorders/${b.idbackorder}/notify-customer`, {
        message: 'Excuses voor het wachten.',
      });
      assert.deepEqual(answer, await c.expect(200, 'GET', `/backorders/${b.idbackorder}`));
      assert.equal(mails.length, before + 1);
      const mail = mails.at(-1)!;
      assert.deepEqual(mail.to, ['anna@example.nl']);
      const body = text(mail.raw);
      for (const line of [
        `Subject: Update over uw nabestelling ${b.idbackorder}: Fiets`,
        'Beste Anna de Vries,',
        'Aantal: 2',
        'Status: Onderweg',
        'Verwachte verzenddatum: 12 maart 2030',
        'Verwachte leverdatum: 14 maart 2030',
        'Excuses voor het wachten.',
      ])
        assert.ok(body.includes(line), `mail has "${line}":\n${body}`);
      const [n] = await c.expect(200, 'GET', `/backorders/${b.idbackorder}/notifications`);
      assert.deepEqual(
        [n.status, n.recipient, n.language, n.channel],
        ['sent', 'anna@example.nl', 'nl', 'email'],
      );
      // Notifying is not a change of the backorder: no event.
      assert.deepEqual(await eventsSince(c, since), []);
    });

    test('when the customer has no address but the order has one, then the order address is used, in English for others', async () => {
      const c = await t().newClient();
      const s = await shop(c, { emailaddress: null, language: 'en', name: 'John Smith' });
      const p = await product(c, 'Bike');
      const b = await backordered(c, s, p, 1, { emailaddress: 'orders@example.com' });
      await addStock(c, p, s.idwarehouse, 1);
      await c.expect(200, 'POST', `/backorders/${b.idbackorder}/fulfill`);
      await c.expect(200, 'POST', `/backorders/${b.idbackorder}/notify-customer`);
      const mail = mails.at(-1)!;
      assert.deepEqual(mail.to, ['orders@example.com']);
      const body = text(mail.raw);
      for (const line of ['Dear John Smith,', 'Status: Being prepared', 'Estimated ship date: not known yet'])
        assert.ok(body.includes(line), `mail has "${line}":\n${body}`);
    });

    test('when neither the customer nor the order has an e-mail address, then 400 and nothing is sent or recorded', async () => {
      const c = await t().newClient();
      const s = await shop(c, { emailaddress: null });
      const b = await backordered(c, s, await product(c), 1);
      const before = mails.length;
      const res = await c.post(`/backorders/${b.idbackorder}/notify-customer`);
      assert.equal(res.status, 400);
      assert.match(res.body.error_message, new RegExp(`Order ${b.idorder} has no customer e-mail address`));
      assert.equal(mails.length, before);
      assert.deepEqual(await c.expect(200, 'GET', `/backorders/${b.idbackorder}/notifications`), []);
      const long = await c.post(`/backorders/${b.idbackorder}/notify-customer`, {
        message: 'x'.repeat(2001),
      });
      assert.equal(long.status, 400);
    });
  },
  {
    clock: () => new Date(nowMs),
    config: { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, smtpFrom: 'Shop <shop@localhost>' },
  },
);
