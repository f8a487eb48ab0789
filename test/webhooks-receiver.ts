import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
  /** What the receiver answered. */
  status: number;
}

/**
 * A local webhook receiver on 127.0.0.1 that records every request and can fail, be slow or be down.
 */
export class Receiver {
  readonly requests: Received[] = [];
  /** Requests whose body has arrived (counted before the answer, which may be delayed). */
  arrivals = 0;
  port = 0;
  /** Statuses for the next requests, then `status`. */
  private plan: number[] = [];
  status = 200;
  /** Answer after this long (to run into the sender's timeout). */
  delayMs = 0;
  private server: http.Server | undefined;

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.arrivals++;
        const body = Buffer.concat(chunks).toString('utf8');
        const status = this.plan.shift() ?? this.status;
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        const answer = () => {
          this.requests.push({ headers: req.headers, body, json, status });
          res.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${status}`);
        };
        if (this.delayMs > 0) setTimeout(answer, this.delayMs);
        else answer();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Goes down: the port refuses connections until start() again (on the same port). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next n requests are answered with `status`. */
  failNext(n: number, status = 500): void {
    this.plan.push(...Array.from({ length: n }, () => status));
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests answered with 2xx: the deliveries that arrived. */
  delivered(): Received[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300);
  }
}

/** What a receiver computes to check X-Picqer-Signature. */
export const expectedSignature = (body: string, secret: string): string =>
  createHmac('sha256', secret).update(body).digest('base64');
