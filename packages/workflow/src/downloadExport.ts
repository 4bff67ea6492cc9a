import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MixpanelGdprError } from '@mixpanel-gdpr/client';
import { WORKFLOW_DEFAULTS } from './defaults.js';
import { exportUrl, openExport } from './openExport.js';
import { startIdleTimer } from './startIdleTimer.js';

/** The export link has expired or was revoked (403, 404, 410): ask Mixpanel for a fresh one. */
export class ExpiredLinkError extends MixpanelGdprError {
  override name = 'ExpiredLinkError';
}

export interface DownloadOptions {
  fetch: typeof fetch;
  maxBytes: number;
  /** The whole download, redirects included, in ms. */
  timeoutMs: number;
  /**
   * Longest wait for the next bytes (headers or body), in ms: a stalled
   * download is aborted after this rather than after `timeoutMs`.
   * @default WORKFLOW_DEFAULTS.exportIdleTimeoutMs (60_000)
   */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface Downloaded {
  bytes: number;
  sha256: string;
}

/**
 * Streams an export (a signed storage URL) to `file`, never holding it in
 * memory. No request carries a credential (see `openExport`): the Mixpanel
 * bearer token is never given to this function. The link itself is never
 * put in an error message (it is a bearer credential for the export); only
 * its host. The file is written 0600 under a temporary name and renamed when
 * complete.
 */
export async function downloadExport(link: string, file: string, options: DownloadOptions): Promise<Downloaded> {
  let url = exportUrl(link);
  const idleMs = options.idleTimeoutMs ?? WORKFLOW_DEFAULTS.exportIdleTimeoutMs;
  const idle = startIdleTimer(idleMs);
  const whole = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([whole, idle.signal, ...(options.signal ? [options.signal] : [])]);
  try {
    const opened = await openExport(url, options.fetch, signal, idle.touch);
    url = opened.url;
    return await save(opened.response, url, file, options.maxBytes, signal, idle.touch);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    if (idle.signal.aborted)
      throw new MixpanelGdprError(
        `the export download from ${url.host} stalled: no data for ${idleMs} ms (exportIdleTimeoutMs)`,
      );
    if (whole.aborted)
      throw new MixpanelGdprError(
        `the export download from ${url.host} took longer than ${options.timeoutMs} ms (exportTimeoutMs)`,
      );
    throw error;
  } finally {
    idle.stop();
  }
}

/** Checks the answer, then writes its body to `file`, counting and hashing the bytes as they pass. */
async function save(
  response: Response,
  url: URL,
  file: string,
  maxBytes: number,
  signal: AbortSignal,
  onData: () => void,
): Promise<Downloaded> {
  // A body left unread holds its connection until garbage collection: let it go before any refusal.
  const refuse = async (error: Error) => {
    await response.body?.cancel().catch(() => {});
    return error;
  };
  if ([403, 404, 410].includes(response.status))
    throw await refuse(new ExpiredLinkError(`the export link on ${url.host} has expired (${response.status})`));
  if (!response.ok || !response.body)
    throw await refuse(new MixpanelGdprError(`downloading the export from ${url.host} failed with ${response.status}`));
  // fetch undoes a Content-Encoding (gzip, br…), and Content-Length then counts the encoded
  // bytes, not the ones received: compare with it only when nothing was encoded.
  const encoding = response.headers.get('content-encoding')?.trim().toLowerCase();
  const declared =
    !encoding || encoding === 'identity' ? Number(response.headers.get('content-length') ?? Number.NaN) : Number.NaN;
  if (declared > maxBytes)
    throw await refuse(
      new MixpanelGdprError(`the export on ${url.host} is ${declared} bytes, over maxExportBytes (${maxBytes})`),
    );

  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.partial`;
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _, done) {
      onData();
      bytes += chunk.length;
      if (bytes > maxBytes)
        return done(new MixpanelGdprError(`the export on ${url.host} exceeds maxExportBytes (${maxBytes})`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
      meter,
      createWriteStream(partial, { mode: 0o600 }),
      { signal },
    );
    if (Number.isFinite(declared) && bytes !== declared)
      throw new MixpanelGdprError(`the export on ${url.host} was cut short: ${bytes} of ${declared} bytes`);
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { bytes, sha256: hash.digest('hex') };
}
