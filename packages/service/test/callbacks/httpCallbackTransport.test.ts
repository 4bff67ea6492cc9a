import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpCallbackTransport } from '../../src/callbacks/httpCallbackTransport.js';
import { LOOPBACK_POLICY } from './helpers/fixtures.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(handler: RequestListener): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=secret-token`;
}

const transport = httpCallbackTransport({ policy: LOOPBACK_POLICY, maxResponseBytes: 1024 });

describe('httpCallbackTransport', () => {
  it('gives up after timeoutMs when the receiver never answers, without the query string in the error', async () => {
    const url = await serve(() => {
      // Never answers.
    });
    const error = await transport({ url, headers: {}, body: '{}', timeoutMs: 100 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('no answer within 100 ms');
  });

  it('takes the status and cuts a long answer after maxResponseBytes', async () => {
    let written = 0;
    const url = await serve((_req, res) => {
      res.writeHead(202);
      const chunk = Buffer.alloc(16 * 1024, 'x');
      // Streams until the client goes away.
      const write = () => {
        while (!res.destroyed && written < 64 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        if (!res.destroyed && written < 64 * 1024 * 1024) res.once('drain', write);
      };
      write();
    });
    expect(await transport({ url, headers: {}, body: '{}', timeoutMs: 5_000 })).toEqual({ status: 202 });
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('sends the body with its length and the given headers, as a POST', async () => {
    let seen: { method?: string; length?: string; sig?: string; body: string } = { body: '' };
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen = { method: req.method, length: req.headers['content-length'], sig: req.headers['x-sig'] as string, body };
        res.end();
      });
    });
    const body = JSON.stringify({ name: 'Zoë' });
    expect(await transport({ url, headers: { 'X-Sig': 'abc' }, body, timeoutMs: 5_000 })).toEqual({ status: 200 });
    expect(seen).toEqual({ method: 'POST', length: String(Buffer.byteLength(body)), sig: 'abc', body });
  });
});
