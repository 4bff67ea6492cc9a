import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createMixpanelGdprClient } from '../src/createMixpanelGdprClient.js';
import { RedirectError, ResponseTooLargeError } from '../src/errors.js';
import { created, fakeFetch, SECRETS, testOptions } from './helpers/fakeFetch.js';
import { type LoopbackServer, loopbackServer, streamLazily } from './helpers/loopbackServer.js';

const deletion = { distinctIds: ['u1'], complianceType: 'GDPR' } as const;
const MiB = 1024 * 1024;

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handle: Parameters<typeof loopbackServer>[0]): Promise<LoopbackServer> {
  const server = await loopbackServer(handle);
  servers.push(server);
  return server;
}

/** A real client on a real socket: only `sleep` is faked, so no test waits between retries. */
const clientOf = (baseUrl: string, extra: Record<string, unknown> = {}) =>
  createMixpanelGdprClient({ ...SECRETS, baseUrl, sleep: async () => {}, ...extra });

describe('redirects on API calls', () => {
  it('turns a 307 on a create into a RedirectError naming only the host, and follows nothing', async () => {
    const elsewhere = await serve((_, res) => res.end('{"status":"ok","results":{"task_id":"stolen"}}'));
    const api = await serve((_, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/collect?secret-query=1` });
      res.end();
    });
    const error = await clientOf(api.url)
      .createDeletion(deletion)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectError);
    expect((error as RedirectError).status).toBe(307);
    expect((error as Error).message).toContain(
      `A redirect to ${new URL(elsewhere.url).host}: the base URL is probably wrong; nothing is followed, so the token is never sent elsewhere.`,
    );
    expect((error as Error).message).not.toContain('secret-query');
    expect(elsewhere.requests).toEqual([]);
    // A redirect is not retried: it would only redirect again.
    expect(api.requests).toHaveLength(1);
  });

  it('does not retry or follow a redirect on a status call, relative or without a Location', async () => {
    const relative = await serve((_, res) => res.writeHead(302, { location: '/elsewhere' }).end());
    const status = await clientOf(relative.url)
      .getDeletionStatus('t1')
      .catch((e: unknown) => e);
    expect(status).toBeInstanceOf(RedirectError);
    expect((status as Error).message).toContain(`A redirect to ${new URL(relative.url).host}:`);
    expect(relative.requests.map((r) => r.url)).toEqual(['/data-deletions/v3.0/t1?token=project-SECRET-token-456']);

    const nowhere = await serve((_, res) => res.writeHead(301).end());
    const error = await clientOf(nowhere.url)
      .getRetrievalStatus('t1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectError);
    expect((error as Error).message).toContain('A redirect without a Location:');
  });

  it('asks any fetch not to follow redirects, and hands the raw client the 3xx itself', async () => {
    const f = fakeFetch(new Response(null, { status: 308, headers: { location: 'https://evil.example/' } }));
    const { response } = await createMixpanelGdprClient(testOptions(f).options).raw.GET(
      '/data-deletions/v3.0/{taskId}',
      { params: { path: { taskId: 't1' } } },
    );
    expect(response.status).toBe(308);
    expect(f.requests[0]!.redirect).toBe('manual');
  });
});

describe('bounded response bodies', () => {
  it('stops reading an endless body at maxResponseBytes and does not retry a create', async () => {
    let written: Promise<number> | undefined;
    const api = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      written = streamLazily(res, Buffer.alloc(64 * 1024, 0x20), 256 * MiB);
    });
    const error = await clientOf(api.url)
      .createDeletion(deletion)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as Error).message).toMatch(
      /^Mixpanel answered 200 to POST .* with a body over maxResponseBytes \(1048576 bytes\)$/,
    );
    expect(api.requests).toHaveLength(1);
    // The server stops once the client hangs up: far less than the 256 MiB it had to send went out.
    expect(await written).toBeLessThan(64 * MiB);
  });

  it('counts the decoded size, so a small gzip bomb is stopped too, and does not retry a status call', async () => {
    // 16 MiB of zeros in 16 kB: under the cap as sent, far over it as decoded.
    const bomb = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
    expect(bomb.length).toBeLessThan(MiB / 16);
    const api = await serve((_, res) =>
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(bomb),
    );
    const error = await clientOf(api.url, { maxResponseBytes: 2 * MiB })
      .getDeletionStatus('t1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as Error).message).toContain('over maxResponseBytes (2097152 bytes)');
    // The same server would send the same body again: retrying only repeats the waste.
    expect(api.requests).toHaveLength(1);
  });

  it('keeps the meaning of an error status whose body is oversized: a 429 is waited out, a 503 on a read retried', async () => {
    const huge = (status: number, headers: Record<string, string> = {}) =>
      new Response('x'.repeat(2 * MiB), { status, headers });
    const f = fakeFetch(
      huge(429, { 'retry-after': '2' }),
      huge(503),
      new Response('{"status":"ok","results":{"status":"SUCCESS"}}'),
    );
    const { options, sleeps } = testOptions(f, { maxResponseBytes: MiB });
    await expect(createMixpanelGdprClient(options).getDeletionStatus('t1')).resolves.toMatchObject({
      status: 'SUCCESS',
    });
    expect(sleeps[0]).toBe(2000);
    expect(f.requests).toHaveLength(3);
  });

  it('reads a body of exactly maxResponseBytes', async () => {
    const body = JSON.stringify({ status: 'ok', results: { task_id: 't-1' } });
    const f = fakeFetch(created('t-1'));
    await expect(
      createMixpanelGdprClient(testOptions(f, { maxResponseBytes: body.length }).options).createDeletion(deletion),
    ).resolves.toEqual({ taskId: 't-1' });
    const over = fakeFetch(created('t-1'));
    await expect(
      createMixpanelGdprClient(testOptions(over, { maxResponseBytes: body.length - 1 }).options).createDeletion(
        deletion,
      ),
    ).rejects.toBeInstanceOf(ResponseTooLargeError);
  });
});
