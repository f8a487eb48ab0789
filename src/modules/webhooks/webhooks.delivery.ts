import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';

/** How much of a receiver's answer an attempt keeps. */
export const RESPONSE_BODY_LIMIT = 2048;

export interface WebhookEnvelope {
  idhook: number;
  name: string;
  event: string;
  event_triggered_at: string;
  /** The event's data exactly as stored (JSON text), so every retry sends the same bytes. */
  dataJson: string;
}

/**
 * The body Picqer posts: {idhook, name, event, event_triggered_at, data}. Built as text around the
 * stored event JSON, so the signature covers exactly the bytes sent and retries repeat them.
 */
export function envelopeBody(e: WebhookEnvelope): string {
  const head = JSON.stringify({
    idhook: e.idhook,
    name: e.name,
    event: e.event,
    event_triggered_at: e.event_triggered_at,
  });
  return `${head.slice(0, -1)},"data":${e.dataJson}}`;
}

/** X-Picqer-Signature: base64 of the binary HMAC-SHA256 of the raw body with the hook's secret. */
export function signature(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

export interface PostRequest {
  url: URL;
  body: string;
  secret: string | null;
  timeoutMs: number;
  /** The guard's lookup: the socket connects only to an address that passed the check. */
  lookup: net.LookupFunction;
  /** Extra headers (delivery and event ids, for receivers that dedupe). */
  headers?: Record<string, string>;
}

export interface PostOutcome {
  success: boolean;
  statusCode: number | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number;
}

function describeError(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timed out after ${timeoutMs} ms`;
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  if (e.name === 'AddressRefusedError' && typeof e.message === 'string') return e.message;
  const message = typeof e.message === 'string' ? e.message : String(err);
  return typeof e.code === 'string' && !message.includes(e.code) ? `${message} (${e.code})` : message;
}

/**
 * POSTs one webhook and reports what happened; never throws. A 2xx answer is a success. Redirects
 * are not followed (a redirect could lead past the address guard). The timeout covers connecting,
 * sending and the answer's status line.
 */
export function postWebhook(req: PostRequest): Promise<PostOutcome> {
  const started = performance.now();
  const signal = AbortSignal.timeout(req.timeoutMs);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(req.body),
    'user-agent': 'Stockroom-Webhooks',
    connection: 'close',
    ...req.headers,
  };
  if (req.secret) headers['x-picqer-signature'] = signature(req.body, req.secret);
  const transport = req.url.protocol === 'https:' ? https : http;

  return new Promise<PostOutcome>((resolve) => {
    let settled = false;
    const settle = (o: Omit<PostOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...o, durationMs: Math.round(performance.now() - started) });
    };
    const request = transport.request(
      req.url,
      { method: 'POST', headers, lookup: req.lookup, signal, agent: false },
      (res) => {
        const statusCode = res.statusCode ?? null;
        const success = statusCode !== null && statusCode >= 200 && statusCode < 300;
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          settle({
            success,
            statusCode,
            // PostgreSQL text cannot hold NUL characters.
            responseBody:
              Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8').replace(/\0/g, '') ||
              null,
            error: success ? null : `the receiver answered HTTP ${statusCode}`,
          });
        res.on('data', (chunk: Buffer) => {
          if (size < RESPONSE_BODY_LIMIT) chunks.push(chunk);
          size += chunk.length;
          // The rest of a long answer is of no use; stop reading it.
          if (size >= RESPONSE_BODY_LIMIT) res.destroy();
        });
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    request.on('error', (err) =>
      settle({
        success: false,
        statusCode: null,
        responseBody: null,
        error: describeError(err, signal.aborted, req.timeoutMs),
      }),
    );
    request.end(req.body);
  });
}
