/**
 * A URL as it may appear in logs, errors and answers: scheme, host, port and
 * path only. The query string may hold the receiver's token and userinfo a
 * password; the fragment is never sent anyway.
 */
export function showUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return '(not a URL)';
  }
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
