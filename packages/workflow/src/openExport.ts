import { isLoopbackHost, MixpanelGdprError } from '@mixpanel-gdpr/client';

/** Statuses that send the download elsewhere; anything else is the answer. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Most redirects followed for one export link: a storage link takes one or two at most. */
export const MAX_EXPORT_REDIRECTS = 5;

/**
 * The export's response, redirects followed by hand: `fetch` would follow
 * them without applying our rule to each hop. Every hop must be https (or
 * http on loopback) and is sent with no credential at all. `onResponse` is
 * called as each hop's headers arrive. Messages name hosts only: the link,
 * its query above all, is a bearer credential for the export.
 */
export async function openExport(
  link: URL,
  fetchImpl: typeof fetch,
  signal: AbortSignal,
  onResponse: () => void,
): Promise<{ response: Response; url: URL }> {
  let url = link;
  for (let hops = 0; ; hops++) {
    const response = await fetchHop(url, fetchImpl, signal);
    onResponse();
    if (!REDIRECTS.has(response.status)) return { response, url };
    await response.body?.cancel();
    if (hops === MAX_EXPORT_REDIRECTS)
      throw new MixpanelGdprError(`the export on ${url.host} redirected more than ${MAX_EXPORT_REDIRECTS} times`);
    const location = response.headers.get('location');
    if (!location)
      throw new MixpanelGdprError(`the export host ${url.host} answered ${response.status} without a Location`);
    url = exportUrl(location, url);
  }
}

async function fetchHop(url: URL, fetchImpl: typeof fetch, signal: AbortSignal): Promise<Response> {
  try {
    return await fetchImpl(url, {
      signal,
      redirect: 'manual',
      credentials: 'omit',
      // Asked for as stored, so that the file holds the bytes as served; a server that compresses anyway is handled.
      headers: { accept: 'application/zip, application/octet-stream, */*', 'accept-encoding': 'identity' },
    });
  } catch (error) {
    if (signal.aborted) throw error;
    // A fetch's own message may quote the URL: keep the host and the error code only.
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    throw new MixpanelGdprError(
      `downloading the export from ${url.host} failed${typeof code === 'string' ? ` (${code})` : ''}`,
    );
  }
}

/** `link` (resolved against the hop it came from, if any) when it is https, or http on loopback, and carries no user name or password. */
export function exportUrl(link: string, from?: URL): URL {
  const via = from ? ` (redirected from ${from.host})` : '';
  if (!URL.canParse(link, from)) throw new MixpanelGdprError(`the export link${via} is not a valid URL`);
  const url = new URL(link, from);
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)))) {
    throw new MixpanelGdprError(
      `refusing to download the export from ${url.protocol}//${url.host}${via}: only https (or http on loopback) is allowed`,
    );
  }
  if (url.username || url.password)
    throw new MixpanelGdprError(
      `refusing to download the export from ${url.host}${via}: the link carries a user name or password`,
    );
  return url;
}
