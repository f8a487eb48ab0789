import type { DatabaseHandle } from '../../db/connection.ts';
import type { Db } from '../../db/transaction.ts';
import { notFound } from '../../domain/errors.ts';
import { formatDateTime, type Clock } from '../../domain/time.ts';
import { createSmtpMailer, type Mailer } from './notifications.mailer.ts';
import * as repo from './notifications.repository.ts';
import { renderBackorderMessage, type BackorderMessageInput } from './notifications.templates.ts';

export type { BackorderMessageInput } from './notifications.templates.ts';

/** sending (recorded before the SMTP exchange), sent, failed (the server refused or was unreachable), skipped. */
export type NotificationStatus = 'sending' | 'sent' | 'failed' | 'skipped';

export interface NotificationView {
  idnotification: number;
  idbackorder: number;
  channel: string;
  recipient: string | null;
  language: string;
  subject: string;
  body: string;
  status: string;
  error: string | null;
  created_at: string;
}

const view = (r: repo.NotificationRow): NotificationView => ({
  idnotification: r.idnotification,
  idbackorder: r.idbackorder,
  channel: r.channel,
  recipient: r.recipient,
  language: r.language,
  subject: r.subject,
  body: r.body,
  status: r.status,
  error: r.error,
  created_at: r.created_at,
});

function describe(err: unknown): string {
  const e = err as { message?: unknown; response?: unknown; code?: unknown };
  const message =
    typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : String(err);
  return (typeof e.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message).slice(
    0,
    1000,
  );
}

/**
 * Customer notifications about backorders: e-mail through SMTP_URL, in the customer's language, and
 * a record of every one with its outcome. Without SMTP_URL nothing is sent and the record says so.
 */
export function createNotificationsService(deps: {
  handle: DatabaseHandle;
  clock: Clock;
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** Another transport (tests); default SMTP from smtpUrl. */
  mailer?: Mailer;
}) {
  const { handle, clock } = deps;
  const mailer = deps.mailer ?? (deps.smtpUrl ? createSmtpMailer(deps.smtpUrl, deps.smtpFrom) : undefined);

  async function requireBackorder(db: Db, idaccount: number, idbackorder: number): Promise<void> {
    if (!(await repo.backorderExists(db, idaccount, idbackorder))) throw notFound('Backorder', idbackorder);
  }

  return {
    /**
     * E-mails the customer about the backorder's status and estimate and records the outcome. The
     * record is written before the SMTP exchange (status sending) and completed after it, so a crash
     * in between still leaves a trace; the SMTP exchange runs outside any transaction. Expected
     * outcomes (no address, no SMTP, a refusal) are returned in the record, never thrown.
     *
     * @example
     * const n = await services.notifications.notifyBackorder(idaccount, {
     *   idbackorder, customer: { name, emailaddress, language }, product: { productcode, name },
     *   amount, status, estimated_ship_date, estimated_delivery_date });
     * n.status; // 'sent' | 'failed' | 'skipped'
     */
    async notifyBackorder(idaccount: number, input: BackorderMessageInput): Promise<NotificationView> {
      await requireBackorder(handle.db, idaccount, input.idbackorder);
      const message = renderBackorderMessage(input);
      const recipient = input.customer.emailaddress?.trim() || null;
      const skipped = !recipient
        ? 'the customer has no e-mail address'
        : !mailer
          ? 'SMTP is not configured (set SMTP_URL to send e-mail)'
          : undefined;
      const idnotification = await repo.insertNotification(handle.db, {
        idaccount,
        idbackorder: input.idbackorder,
        channel: 'email',
        recipient,
        language: message.language,
        subject: message.subject,
        body: message.text,
        status: skipped ? 'skipped' : 'sending',
        error: skipped ?? null,
        created_at: formatDateTime(clock()),
      });
      if (!skipped && mailer && recipient) {
        let outcome: { status: NotificationStatus; error: string | null };
        try {
          await mailer.send({ to: recipient, subject: message.subject, text: message.text });
          outcome = { status: 'sent', error: null };
        } catch (err) {
          outcome = { status: 'failed', error: describe(err) };
        }
        await repo.setOutcome(handle.db, idaccount, idnotification, outcome);
      }
      return view(await repo.findNotification(handle.db, idaccount, idnotification));
    },

    /** The notifications of a backorder of this account, oldest first; 404 for another account's. */
    async listForBackorder(
      db: Db,
      idaccount: number,
      idbackorder: number,
      page: { offset: number; limit: number } = { offset: 0, limit: 100 },
    ): Promise<NotificationView[]> {
      await requireBackorder(db, idaccount, idbackorder);
      return (await repo.listForBackorder(db, idaccount, idbackorder, page)).map(view);
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
