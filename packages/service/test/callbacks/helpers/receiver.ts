import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  url: string;
}

/**
 * A callback receiver on 127.0.0.1: records every POST and answers
 * `answer()` (200 unless set). `down()` closes the port (connection
 * refused), `up()` opens it again on the same port.
 */
export class Receiver {
  readonly received: Received[] = [];
  answer: (r: Received) => number = () => 200;
  #server: Server | undefined;
  port = 0;

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/dsr`;
  }

  /** How many POSTs carried each event id (the body's `id`, or the Idempotency-Key). */
  countsById(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.received) {
      const id = String(r.headers['idempotency-key']);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), url: req.url ?? '' };
        this.received.push(r);
        res.statusCode = this.answer(r);
        res.end('thanks');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
