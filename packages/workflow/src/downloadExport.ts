import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isLoopbackHost, MixpanelGdprError } from '@mixpanel-gdpr/client';

/** The export link has expired or was revoked (403, 404, 410): ask Mixpanel for a fresh one. */
export class ExpiredLinkError extends MixpanelGdprError {
  override name = 'ExpiredLinkError';
}

export interface DownloadOptions {
  fetch: typeof fetch;
  maxBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface Downloaded {
  bytes: number;
  sha256: string;
}

/**
 * Streams an export (a signed storage URL) to `file`, never holding it in
 * memory. The request carries no credentials: the Mixpanel bearer token
 * must never reach the storage host. The link itself is never put in an
 * error message (it is a bearer credential for the export); only its host.
 * The file is written 0600 under a temporary name and renamed when complete.
 */
export async function downloadExport(link: string, file: string, options: DownloadOptions): Promise<Downloaded> {
  const url = safeUrl(link);
  const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs);
  const response = await options.fetch(url, { signal, redirect: 'follow', headers: { accept: 'application/zip, application/octet-stream, */*' } });
  if ([403, 404, 410].includes(response.status)) throw new ExpiredLinkError(`the export link on ${url.host} has expired (${response.status})`);
  if (!response.ok || !response.body) throw new MixpanelGdprError(`downloading the export from ${url.host} failed with ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > options.maxBytes) throw new MixpanelGdprError(`the export on ${url.host} is ${declared} bytes, over maxExportBytes (${options.maxBytes})`);

  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.partial`;
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _, done) {
      bytes += chunk.length;
      if (bytes > options.maxBytes) return done(new MixpanelGdprError(`the export on ${url.host} exceeds maxExportBytes (${options.maxBytes})`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), meter, createWriteStream(partial, { mode: 0o600 }), { signal });
    if (Number.isFinite(declared) && bytes !== declared) throw new MixpanelGdprError(`the export on ${url.host} was cut short: ${bytes} of ${declared} bytes`);
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { bytes, sha256: hash.digest('hex') };
}

function safeUrl(link: string): URL {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new MixpanelGdprError('the export link is not a valid URL');
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return url;
  throw new MixpanelGdprError(`refusing to download the export from ${url.protocol}//${url.host}: only https (or http on loopback) is allowed`);
}
