import { Type } from '@sinclair/typebox';
import { DateTimeString, Nullable } from '../../http/schemas.ts';

export const NotificationSchema = Type.Object({
  idnotification: Type.Integer(),
  idbackorder: Type.Integer(),
  channel: Type.String({ description: 'email' }),
  recipient: Nullable(Type.String()),
  language: Type.String({ description: 'nl or en' }),
  subject: Type.String(),
  body: Type.String(),
  status: Type.String({
    description:
      'sent, failed (the SMTP server refused or was unreachable), skipped (no address or no SMTP), sending',
  }),
  error: Nullable(Type.String()),
  created_at: DateTimeString,
});
