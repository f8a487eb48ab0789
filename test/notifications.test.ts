import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createNotificationsService } from '../src/modules/notifications/notifications.service.ts';
import type { BackorderMessageInput } from '../src/modules/notifications/notifications.templates.ts';
import { describeEngines, type Client, type TestApp } from './harness.ts';

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
interface Mail {
  from: string;
  to: string[];
  user: unknown;
  raw: string;
}
const mails: Mail[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  allowInsecureAuth: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onAuth(auth, _session, callback) {
    if (auth.username === 'shop' && auth.password === 'pa55') return callback(null, { user: 'shop' });
    return callback(new Error('Invalid username or password'));
  },
  onRcptTo(address, _session, callback) {
    if (address.address.endsWith('@refused.test')) {
      return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
    }
    return callback();
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      mails.push({
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
        user: session.user,
        raw: Buffer.concat(chunks).toString('utf8'),
      });
      callback();
    });
  },
});
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
const smtpPort = (smtp.server.address() as AddressInfo).port;
after(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

/** The text of a mail: headers unfolded, quoted-printable body decoded. */
function decode(raw: string): { headers: string; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  let body = raw.slice(split + 4);
  if (/content-transfer-encoding: quoted-printable/i.test(headers)) {
    const bytes = Buffer.from(
      body
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    );
    body = bytes.toString('utf8');
  }
  return { headers, body: body.replace(/\r\n/g, '\n') };
}

/** A backorder of the account, written directly: the orders API is another module's work. */
async function backorderFor(t: TestApp, c: Client): Promise<number> {
  const db = t.handle.db;
  const now = '2025-03-01 09:00:00';
  const idaccount = c.idaccount;
  const { idwarehouse } = await db
    .insertInto('warehouses')
    .values({ idaccount, name: 'Main', created: now, updated: now } as never)
    .returning('idwarehouse')
    .executeTakeFirstOrThrow();
  const { idproduct } = await db
    .insertInto('products')
    .values({ idaccount, productcode: 'TSHIRT-M', name: 'T-shirt blue', created: now, updated: now } as never)
    .returning('idproduct')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('stock_levels')
    .values({ idaccount, idproduct, idwarehouse, updated: now } as never)
    .execute();
  const { idorder } = await db
    .insertInto('orders')
    .values({ idaccount, orderid: 'O1', status: 'processing', created: now, updated: now } as never)
    .returning('idorder')
    .executeTakeFirstOrThrow();
  const { idorder_product } = await db
    .insertInto('order_products')
    .values({ idaccount, idorder, idproduct, name: 'T-shirt blue', amount: 3 } as never)
    .returning('idorder_product')
    .executeTakeFirstOrThrow();
  const { idbackorder } = await db
    .insertInto('backorders')
    .values({
      idaccount,
      idorder,
      idorder_product,
      idproduct,
      idwarehouse,
      amount: 3,
      priority: 1,
      created_at: now,
      updated_at: now,
    } as never)
    .returning('idbackorder')
    .executeTakeFirstOrThrow();
  return idbackorder;
}

const input = (idbackorder: number, customer: Partial<BackorderMessageInput['customer']> = {}) => ({
  idbackorder,
  customer: { name: 'Anna de Vries', emailaddress: 'anna@example.nl', language: 'nl', ...customer },
  product: { productcode: 'TSHIRT-M', name: 'T-shirt blue' },
  amount: 3,
  status: 'in-transit',
  estimated_ship_date: '2025-03-12',
  estimated_delivery_date: '2025-03-14',
});

describeEngines(
  'customer notifications',
  (t) => {
    test('when a Dutch customer is notified, then an e-mail in Dutch reaches their address through SMTP and is recorded as sent', async () => {
      const c = await t().newClient();
      const idbackorder = await backorderFor(t(), c);
      const before = mails.length;
      const n = await t().services.notifications.notifyBackorder(c.idaccount, input(idbackorder));
      assert.equal(n.status, 'sent', n.error ?? '');
      assert.equal(n.recipient, 'anna@example.nl');
      assert.equal(n.language, 'nl');
      assert.equal(mails.length, before + 1);
      const mail = mails.at(-1)!;
      assert.deepEqual(mail.to, ['anna@example.nl']);
      assert.equal(mail.from, 'test@localhost');
      assert.equal(mail.user, 'shop', 'authenticated with the user of SMTP_URL');
      const { headers, body } = decode(mail.raw);
      assert.match(headers, new RegExp(`Subject: Update over uw nabestelling ${idbackorder}: T-shirt blue`));
      assert.match(headers, /To: anna@example\.nl/);
      for (const line of [
        'Beste Anna de Vries,',
        `nabestelling ${idbackorder}`,
        'Product: T-shirt blue (TSHIRT-M)',
        'Aantal: 3',
        'Status: Onderweg',
        'Verwachte verzenddatum: 12 maart 2025',
        'Verwachte leverdatum: 14 maart 2025',
        'Met vriendelijke groet,',
      ])
        assert.ok(body.includes(line), `body has "${line}":\n${body}`);
      assert.equal(n.body.replace(/\r\n/g, '\n'), body);

      const listed = await c.expect(200, 'GET', `/backorders/${idbackorder}/notifications`);
      assert.deepEqual(listed, [n]);
    });

    test('when an English (or other) customer is notified, then the e-mail is in English', async () => {
      const c = await t().newClient();
      const idbackorder = await backorderFor(t(), c);
      for (const language of ['en', 'de']) {
        const n = await t().services.notifications.notifyBackorder(c.idaccount, {
          ...input(idbackorder, { name: 'John Smith', emailaddress: 'john@example.com', language }),
          status: 'confirmed',
          estimated_delivery_date: null,
        });
        assert.equal(n.status, 'sent');
        assert.equal(n.language, 'en');
        const { headers, body } = decode(mails.at(-1)!.raw);
        assert.match(headers, new RegExp(`Subject: Update on your backorder ${idbackorder}: T-shirt blue`));
        for (const line of [
          'Dear John Smith,',
          'Amount: 3',
          'Status: Confirmed',
          'Estimated ship date: 12 March 2025',
          'Estimated delivery date: not known yet',
        ])
          assert.ok(body.includes(line), `body has "${line}":\n${body}`);
      }
      assert.equal((await c.expect(200, 'GET', `/backorders/${idbackorder}/notifications`)).length, 2);
    });

    test('when the SMTP server refuses the recipient, then the notification is recorded as failed with the reason', async () => {
      const c = await t().newClient();
      const idbackorder = await backorderFor(t(), c);
      const n = await t().services.notifications.notifyBackorder(
        c.idaccount,
        input(idbackorder, { emailaddress: 'nobody@refused.test' }),
      );
      assert.equal(n.status, 'failed');
      assert.match(n.error ?? '', /550|Mailbox unavailable/);
      const [listed] = await c.expect(200, 'GET', `/backorders/${idbackorder}/notifications`);
      assert.equal(listed.status, 'failed');
    });

    test('when the customer has no address, SMTP is not configured, or the server is down, then the outcome is recorded', async () => {
      const c = await t().newClient();
      const idbackorder = await backorderFor(t(), c);
      const noAddress = await t().services.notifications.notifyBackorder(
        c.idaccount,
        input(idbackorder, { emailaddress: null }),
      );
      assert.equal(noAddress.status, 'skipped');
      assert.match(noAddress.error ?? '', /no e-mail address/);

      const unconfigured = createNotificationsService({
        handle: t().handle,
        clock: t().services.clock,
        smtpUrl: undefined,
        smtpFrom: 'x@localhost',
      });
      const skipped = await unconfigured.notifyBackorder(c.idaccount, input(idbackorder));
      assert.equal(skipped.status, 'skipped');
      assert.match(skipped.error ?? '', /SMTP is not configured/);

      // A port nothing listens on: the connection is refused.
      const closed = net.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const down = createNotificationsService({
        handle: t().handle,
        clock: t().services.clock,
        smtpUrl: `smtp://127.0.0.1:${closedPort}`,
        smtpFrom: 'x@localhost',
      });
      const failed = await down.notifyBackorder(c.idaccount, input(idbackorder));
      assert.equal(failed.status, 'failed');
      assert.match(failed.error ?? '', /ECONNREFUSED/);

      const listed = await c.expect(200, 'GET', `/backorders/${idbackorder}/notifications`);
      assert.deepEqual(
        listed.map((n: any) => n.status),
        ['skipped', 'skipped', 'failed'],
      );
    });

    test("when the backorder is another account's or unknown, then 404 and nothing is sent", async () => {
      const c = await t().newClient();
      const other = await t().newClient();
      const idbackorder = await backorderFor(t(), c);
      assert.equal((await other.get(`/backorders/${idbackorder}/notifications`)).status, 404);
      assert.equal((await c.get('/backorders/99999999/notifications')).status, 404);
      const before = mails.length;
      await assert.rejects(
        t().services.notifications.notifyBackorder(other.idaccount, input(idbackorder)),
        /Backorder \d+ not found/,
      );
      assert.equal(mails.length, before);
      assert.deepEqual(await c.expect(200, 'GET', `/backorders/${idbackorder}/notifications`), []);
    });
  },
  { config: { smtpUrl: `smtp://shop:pa55@127.0.0.1:${smtpPort}`, smtpFrom: 'Stockroom <test@localhost>' } },
);
