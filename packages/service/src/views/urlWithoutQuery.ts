/** A URL as it may be shown: without its query string or fragment (a receiver's token may be in them) or userinfo. */
export function urlWithoutQuery(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}
