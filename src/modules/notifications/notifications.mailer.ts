import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends one e-mail or throws with the SMTP server's reason. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * An SMTP mailer for SMTP_URL (smtp://[user:password@]host:port, or smtps:// for TLS from the
 * start). Bounded timeouts, so a hanging mail server fails the notification instead of the request.
 */
export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(message: MailMessage): Promise<void> {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}
