import { Type } from '@sinclair/typebox';
import { DateTimeString, Nullable } from '../../http/schemas.ts';
import { WEBHOOK_EVENTS } from './webhooks.events.ts';

export const HookSchema = Type.Object({
  idhook: Type.Integer(),
  name: Type.String(),
  event: Type.String(),
  address: Type.String(),
  active: Type.Boolean(),
  secret: Type.Boolean({ description: 'Whether the hook has a secret (the secret itself is write-only)' }),
});

export const CreateHookBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    event: Type.String({
      maxLength: 100,
      description: `One of: ${WEBHOOK_EVENTS.join(', ')}`,
    }),
    address: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'http(s) URL; private and loopback addresses only when WEBHOOK_ALLOWED_HOSTS allows them',
    }),
    secret: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 255,
          description: 'Signs each delivery: X-Picqer-Signature = base64(HMAC-SHA256(body, secret))',
        }),
      ),
    ),
  },
  { additionalProperties: false },
);

export const DeliveryStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('delivered'),
  Type.Literal('failed'),
  Type.Literal('skipped'),
]);

export const AttemptSchema = Type.Object({
  idattempt: Type.Integer(),
  attempted_at: DateTimeString,
  success: Type.Boolean(),
  status_code: Nullable(Type.Integer()),
  response_body: Nullable(Type.String({ description: 'The first 2 KB of the answer' })),
  error: Nullable(Type.String()),
  duration_ms: Type.Integer(),
});

export const DeliverySchema = Type.Object({
  iddelivery: Type.Integer(),
  idhook: Type.Integer(),
  idevent: Type.Integer(),
  event: Type.String(),
  event_triggered_at: DateTimeString,
  status: Type.String({
    description: 'pending, delivered, failed (given up after the last try) or skipped (hook inactive)',
  }),
  next_attempt_at: Nullable(DateTimeString),
  created_at: DateTimeString,
  updated_at: DateTimeString,
  attempts: Type.Array(AttemptSchema),
});
