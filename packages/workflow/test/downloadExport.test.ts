import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ValidationError } from '@mixpanel-gdpr/client';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { type DownloadOptions, downloadExport } from '../src/downloadExport.js';
import { createWorkflow, MemoryLedger, resolveWorkflowOptions, WORKFLOW_DEFAULTS } from '../src/index.js';
import { MAX_EXPORT_REDIRECTS } from '../src/openExport.js';

/** A real server on loopback: redirects, encodings and stalls only show on a socket. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const requests: IncomingMessage['headers'][] = [];
  const server = createServer((req, res) => {
    requests.push({ ...req.headers, ':path': req.url });
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return { url, host: new URL(url).host, requests };
}

/** Stands for an export: starts like a ZIP, and is large enough to arrive in several chunks. */
const ZIP = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200_000, 7)]);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** The query of a signed link: a bearer credential that no error may show. */
const SIGNATURE = 'X-Amz-Signature=SECRETSIGNATURE';

const closers: (() => Promise<void>)[] = [];
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-dl-'));
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await rm(dir, { recursive: true, force: true });
});

const options = (extra: Partial<DownloadOptions> = {}): DownloadOptions => ({
  fetch: globalThis.fetch,
  maxBytes: 10_000_000,
  timeoutMs: 10_000,
  ...extra,
});
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => new Error('resolved'),
    (e: unknown) => e as Error,
  );

describe('redirects', () => {
  it('follows redirects by hand, relative ones included, sending no credential on any hop', async () => {
    const storage = await serve((_, res) => res.end(ZIP));
    const edge = await serve((req, res) => {
      const to = req.url!.startsWith('/first') ? `/second?${SIGNATURE}` : `${storage.url}/export.zip?${SIGNATURE}`;
      res.writeHead(req.url!.startsWith('/first') ? 302 : 307, { location: to }).end();
    });
    const file = join(dir, 'a.zip');
    const result = await downloadExport(`${edge.url}/first?${SIGNATURE}`, file, options());
    expect(result).toEqual({ bytes: ZIP.length, sha256: sha256(ZIP) });
    expect(sha256(await readFile(file))).toBe(sha256(ZIP));
    expect(edge.requests.map((h) => h[':path'])).toEqual([`/first?${SIGNATURE}`, `/second?${SIGNATURE}`]);
    for (const headers of [...edge.requests, ...storage.requests]) {
      expect(headers.authorization).toBeUndefined();
      expect(headers.cookie).toBeUndefined();
      expect(headers['accept-encoding']).toBe('identity');
    }
  });

  it('is never handed a Mixpanel credential: its options have no place for one', () => {
    expectTypeOf<keyof DownloadOptions>().toEqualTypeOf<
      'fetch' | 'maxBytes' | 'timeoutMs' | 'idleTimeoutMs' | 'signal'
    >();
  });

  it('refuses a hop to plain http off loopback, naming only the host, and leaves no file', async () => {
    const edge = await serve((_, res) =>
      res.writeHead(302, { location: `http://example.invalid/export.zip?${SIGNATURE}` }).end(),
    );
    const error = await failure(downloadExport(`${edge.url}/x?${SIGNATURE}`, join(dir, 'a.zip'), options()));
    expect(error.message).toBe(
      `refusing to download the export from http://example.invalid (redirected from ${edge.host}): only https (or http on loopback) is allowed`,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it(`gives up after ${MAX_EXPORT_REDIRECTS} redirects`, async () => {
    const loop = await serve((_, res) => res.writeHead(302, { location: `/again?${SIGNATURE}` }).end());
    const error = await failure(downloadExport(`${loop.url}/x?${SIGNATURE}`, join(dir, 'a.zip'), options()));
    expect(error.message).toBe(`the export on ${loop.host} redirected more than ${MAX_EXPORT_REDIRECTS} times`);
    expect(loop.requests).toHaveLength(MAX_EXPORT_REDIRECTS + 1);
  });

  it('fails on a redirect without a Location, naming the host only', async () => {
    const edge = await serve((_, res) => res.writeHead(303).end());
    const error = await failure(downloadExport(`${edge.url}/x?${SIGNATURE}`, join(dir, 'a.zip'), options()));
    expect(error.message).toBe(`the export host ${edge.host} answered 303 without a Location`);
  });

  it('names only the host when the connection fails', async () => {
    const gone = await serve((req) => req.socket.destroy());
    const error = await failure(downloadExport(`${gone.url}/x?${SIGNATURE}`, join(dir, 'a.zip'), options()));
    expect(error.message).toMatch(new RegExp(`^downloading the export from ${gone.host} failed`));
    expect(error.message).not.toContain('SECRET');
  });
});

describe('stalls and timeouts', () => {
  it('aborts a download that stalls after its headers and a few bytes, naming the host and the idle time', async () => {
    const stalling = await serve((_, res) => {
      res.writeHead(200, { 'content-length': String(ZIP.length) });
      res.write(ZIP.subarray(0, 100));
    });
    const started = Date.now();
    const error = await failure(
      downloadExport(`${stalling.url}/x?${SIGNATURE}`, join(dir, 'a.zip'), options({ idleTimeoutMs: 50 })),
    );
    expect(error.message).toBe(
      `the export download from ${stalling.host} stalled: no data for 50 ms (exportIdleTimeoutMs)`,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await readdir(dir)).toEqual([]);
  });

  it('aborts a download whose headers never come', async () => {
    const silent = await serve(() => {});
    const error = await failure(downloadExport(`${silent.url}/x`, join(dir, 'a.zip'), options({ idleTimeoutMs: 50 })));
    expect(error.message).toBe(
      `the export download from ${silent.host} stalled: no data for 50 ms (exportIdleTimeoutMs)`,
    );
  });

  it('keeps a slow but moving download alive, and still bounds the whole of it by timeoutMs', async () => {
    const trickle = await serve((_, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('x'), 10);
      res.on('close', () => clearInterval(timer));
    });
    const error = await failure(
      downloadExport(`${trickle.url}/x`, join(dir, 'a.zip'), options({ idleTimeoutMs: 200, timeoutMs: 400 })),
    );
    expect(error.message).toBe(`the export download from ${trickle.host} took longer than 400 ms (exportTimeoutMs)`);
  });
});

describe('encodings', () => {
  it('stores a gzipped export decoded, as the ZIP it is, without calling it cut short', async () => {
    const gzipped = gzipSync(ZIP);
    const storage = await serve((_, res) =>
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(gzipped.length) }).end(gzipped),
    );
    const file = join(dir, 'a.zip');
    await expect(downloadExport(`${storage.url}/x`, file, options())).resolves.toEqual({
      bytes: ZIP.length,
      sha256: sha256(ZIP),
    });
    expect(sha256(await readFile(file))).toBe(sha256(ZIP));
  });

  it('still bounds a gzipped export by its decoded size', async () => {
    const bomb = gzipSync(Buffer.alloc(8_000_000));
    const storage = await serve((_, res) =>
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(bomb.length) }).end(bomb),
    );
    const error = await failure(
      downloadExport(`${storage.url}/x`, join(dir, 'a.zip'), options({ maxBytes: 1_000_000 })),
    );
    expect(error.message).toBe(`the export on ${storage.host} exceeds maxExportBytes (1000000)`);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('exportIdleTimeoutMs', () => {
  it('defaults to a minute and is validated, naming the option and the value', () => {
    expect(WORKFLOW_DEFAULTS.exportIdleTimeoutMs).toBe(60_000);
    expect(resolveWorkflowOptions({}).exportIdleTimeoutMs).toBe(60_000);
    for (const bad of [0, 1.5, 2 ** 31]) {
      expect(() => resolveWorkflowOptions({ exportIdleTimeoutMs: bad })).toThrow(ValidationError);
      expect(() => resolveWorkflowOptions({ exportIdleTimeoutMs: bad })).toThrow(
        `exportIdleTimeoutMs must be an integer from 1 to 2147483647 (got ${bad})`,
      );
    }
  });

  it('refuses an exportTimeoutMs past the longest timer (24.8 days), which would fire at once', () => {
    expect(() => resolveWorkflowOptions({ exportTimeoutMs: 30 * 24 * 3_600_000 })).toThrow(
      'exportTimeoutMs must be an integer from 1 to 2147483647 (got 2592000000)',
    );
  });

  it('reaches the download of a finished retrieval, whose failure is recorded with the reason', async () => {
    const stalling = await serve((_, res) => res.writeHead(200).write('PK'));
    const link = `${stalling.url}/export.zip?${SIGNATURE}`;
    const status = async (taskId: string) => ({
      taskId,
      status: 'SUCCESS' as const,
      rawStatus: 'SUCCESS',
      downloadUrl: link,
    });
    const client = {
      createDeletion: async () => ({ taskId: 'never' }),
      createRetrieval: async () => ({ taskId: 't1' }),
      getDeletionStatus: status,
      getRetrievalStatus: status,
      cancelDeletion: async (taskId: string) => ({ taskId, cancelled: true as const }),
    };
    const ledger = new MemoryLedger();
    const workflow = createWorkflow({
      client,
      ledger,
      exportDir: dir,
      ratePerSecond: 1000,
      pollMinDelayMs: 1,
      pollMaxDelayMs: 5,
      exportIdleTimeoutMs: 50,
      maxExportLinkRefreshes: 0,
      sleep: async () => {},
    });
    const jobId = await workflow.createJob({ kind: 'retrieval', complianceType: 'GDPR', ids: ['u1'] });
    const summary = await workflow.run(jobId, { wait: true });
    expect(summary.exports).toMatchObject({ downloaded: 0, failed: 1 });
    expect(ledger.records.find((r) => r.type === 'export.failed')).toMatchObject({
      error: `the export download from ${stalling.host} stalled: no data for 50 ms (exportIdleTimeoutMs)`,
    });
    expect(JSON.stringify(ledger.records)).not.toContain('SECRETSIGNATURE');
  });
});

/**
 * A `fetch` that answers from a list, one answer per call, and records the
 * URLs asked for: the size, truncation and https rules need no server.
 */
function fakeFetch(...answers: (() => Response)[]) {
  const urls: string[] = [];
  const fetch = (async (input: URL | RequestInfo) => {
    urls.push(String(input));
    const answer = answers.shift();
    if (!answer) throw new Error('fetch called more often than expected');
    return answer();
  }) as typeof globalThis.fetch;
  return { fetch, urls };
}

/** A body of `chunks`, as a server would send it in several reads; `fail` ends it with a reset instead. */
function body(chunks: Uint8Array[], fail?: Error): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!);
      else if (fail) controller.error(fail);
      else controller.close();
    },
  });
}

const zipOf = (bytes: number) => Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(bytes - 4, 1)]);
const LINK = `https://storage.example/export.zip?${SIGNATURE}`;

describe('size cap (injected fetch)', () => {
  it('refuses a declared Content-Length over maxBytes before writing anything', async () => {
    let pulled = 0;
    const stream = new ReadableStream({ pull: (c) => void (pulled++, c.enqueue(new Uint8Array(1000))) });
    const { fetch } = fakeFetch(() => new Response(stream, { headers: { 'content-length': '2000' } }));
    const error = await failure(downloadExport(LINK, join(dir, 'a.zip'), options({ fetch, maxBytes: 1999 })));
    expect(error.message).toBe('the export on storage.example is 2000 bytes, over maxExportBytes (1999)');
    expect(await readdir(dir)).toEqual([]);
    // At most what the stream buffers on its own: the body was never read through.
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('stops a body without Content-Length at the first byte past maxBytes, and removes the partial file', async () => {
    const data = zipOf(3000);
    const { fetch } = fakeFetch(() => new Response(body([data.subarray(0, 1500), data.subarray(1500)])));
    const error = await failure(downloadExport(LINK, join(dir, 'a.zip'), options({ fetch, maxBytes: 2999 })));
    expect(error.message).toBe('the export on storage.example exceeds maxExportBytes (2999)');
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops a body longer than its (understated) Content-Length when it passes maxBytes', async () => {
    const { fetch } = fakeFetch(
      () => new Response(body([zipOf(1000), zipOf(1000)]), { headers: { 'content-length': '1000' } }),
    );
    const error = await failure(downloadExport(LINK, join(dir, 'a.zip'), options({ fetch, maxBytes: 1500 })));
    expect(error.message).toBe('the export on storage.example exceeds maxExportBytes (1500)');
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    ['an oversized Content-Length', 200, { 'content-length': '5000' }],
    ['an expired link', 410, {}],
    ['a server error', 503, {}],
  ])('lets go of the body of a refused answer (%s), so its connection is not held', async (_, status, headers) => {
    let cancelled = false;
    const stream = new ReadableStream({
      pull: (c) => c.enqueue(new Uint8Array(10)),
      cancel: () => void (cancelled = true),
    });
    const { fetch } = fakeFetch(() => new Response(stream, { status, headers }));
    await failure(downloadExport(LINK, join(dir, 'a.zip'), options({ fetch, maxBytes: 1000 })));
    expect(cancelled).toBe(true);
  });

  it('keeps an export of exactly maxBytes', async () => {
    const data = zipOf(3000);
    const { fetch } = fakeFetch(
      () =>
        new Response(body([data.subarray(0, 1000), data.subarray(1000)]), { headers: { 'content-length': '3000' } }),
    );
    const file = join(dir, 'a.zip');
    await expect(downloadExport(LINK, file, options({ fetch, maxBytes: 3000 }))).resolves.toEqual({
      bytes: 3000,
      sha256: sha256(data),
    });
    expect(await readdir(dir)).toEqual(['a.zip']);
  });
});

describe('truncation (injected fetch)', () => {
  it('calls a body shorter than its Content-Length cut short, naming both sizes, and keeps no file', async () => {
    const { fetch } = fakeFetch(() => new Response(body([zipOf(600)]), { headers: { 'content-length': '1000' } }));
    const error = await failure(downloadExport(LINK, join(dir, 'a.zip'), options({ fetch })));
    expect(error.message).toBe('the export on storage.example was cut short: 600 of 1000 bytes');
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps no file when the body breaks off with an error', async () => {
    const { fetch } = fakeFetch(() => new Response(body([zipOf(500)], new TypeError('terminated'))));
    const error = await failure(downloadExport(LINK, join(dir, 'a.zip'), options({ fetch })));
    expect(error.message).toBe('terminated');
    expect(await readdir(dir)).toEqual([]);
  });

  it('does not compare an encoded body with its Content-Length (fetch has decoded it; the length counts encoded bytes)', async () => {
    const data = zipOf(5000);
    const { fetch } = fakeFetch(
      () => new Response(body([data]), { headers: { 'content-length': '1200', 'content-encoding': 'gzip' } }),
    );
    await expect(downloadExport(LINK, join(dir, 'a.zip'), options({ fetch }))).resolves.toEqual({
      bytes: 5000,
      sha256: sha256(data),
    });
  });

  it('still compares when the encoding is identity', async () => {
    const { fetch } = fakeFetch(
      () =>
        new Response(body([zipOf(600)]), { headers: { 'content-length': '1000', 'content-encoding': ' Identity ' } }),
    );
    await expect(downloadExport(LINK, join(dir, 'a.zip'), options({ fetch }))).rejects.toThrow(
      'was cut short: 600 of 1000 bytes',
    );
  });
});

describe('https only (injected fetch)', () => {
  it('fetches an https link, asking for no credential and no compression, and not following redirects itself', async () => {
    let init: RequestInit | undefined;
    const fetch = (async (_: URL | RequestInfo, given?: RequestInit) => (
      (init = given), new Response(body([zipOf(100)]))
    )) as typeof globalThis.fetch;
    await expect(downloadExport(LINK, join(dir, 'a.zip'), options({ fetch }))).resolves.toMatchObject({ bytes: 100 });
    expect(init).toMatchObject({ redirect: 'manual', credentials: 'omit', headers: { 'accept-encoding': 'identity' } });
    expect(Object.keys(init!.headers as object).map((k) => k.toLowerCase())).not.toContain('authorization');
  });

  it.each([
    [
      'plain http off loopback',
      `http://storage.example/export.zip?${SIGNATURE}`,
      'refusing to download the export from http://storage.example: only https (or http on loopback) is allowed',
    ],
    [
      'ftp',
      `ftp://storage.example/export.zip?${SIGNATURE}`,
      'refusing to download the export from ftp://storage.example: only https (or http on loopback) is allowed',
    ],
    [
      'a user name and password',
      `https://user:SECRETPASS@storage.example/export.zip?${SIGNATURE}`,
      'refusing to download the export from storage.example: the link carries a user name or password',
    ],
    ['not a URL', `storage.example/export.zip?${SIGNATURE}`, 'the export link is not a valid URL'],
  ])('refuses %s before any request, naming only the host', async (_, link, message) => {
    const { fetch, urls } = fakeFetch();
    const error = await failure(downloadExport(link, join(dir, 'a.zip'), options({ fetch })));
    expect(error.message).toBe(message);
    expect(error.message).not.toMatch(/SECRET/);
    expect(urls).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it.each(['http://127.0.0.1:9/x.zip', 'http://localhost:9/x.zip', 'http://[::1]:9/x.zip'])(
    'allows plain http on loopback (%s), as for a local fake',
    async (link) => {
      const { fetch, urls } = fakeFetch(() => new Response(body([zipOf(10)])));
      await expect(downloadExport(link, join(dir, 'a.zip'), options({ fetch }))).resolves.toMatchObject({ bytes: 10 });
      expect(urls).toEqual([link]);
    },
  );

  it('refuses an https link that redirects to plain http, without fetching the second hop', async () => {
    const { fetch, urls } = fakeFetch(
      () => new Response(null, { status: 302, headers: { location: `http://cdn.example/export.zip?${SIGNATURE}` } }),
    );
    const error = await failure(downloadExport(LINK, join(dir, 'a.zip'), options({ fetch })));
    expect(error.message).toBe(
      'refusing to download the export from http://cdn.example (redirected from storage.example): only https (or http on loopback) is allowed',
    );
    expect(urls).toEqual([LINK]);
  });

  it('follows an https redirect to another https host', async () => {
    const next = `https://cdn.example/export.zip?${SIGNATURE}`;
    const { fetch, urls } = fakeFetch(
      () => new Response(null, { status: 301, headers: { location: next } }),
      () => new Response(body([zipOf(50)])),
    );
    await expect(downloadExport(LINK, join(dir, 'a.zip'), options({ fetch }))).resolves.toMatchObject({ bytes: 50 });
    expect(urls).toEqual([LINK, next]);
  });
});
