import type { OpendsrSigner } from './createOpendsrSigner.js';

/**
 * The service's public base URL, without a trailing slash: the one given,
 * or `https://<processor domain>` (the protocol wants the endpoints on the
 * domain the certificate names). Refused unless it is an absolute http(s)
 * URL without a query, which links are built on.
 */
export function publicUrlOf(signer: Pick<OpendsrSigner, 'domain'>, given: string | undefined): string {
  const url = given ?? `https://${signer.domain}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`opendsr.publicUrl must be an absolute URL, got ${JSON.stringify(url)}`);
  }
  if (!/^https?:$/.test(parsed.protocol) || parsed.search || parsed.hash || parsed.username || parsed.password)
    throw new TypeError(
      `opendsr.publicUrl must be an http(s) URL without query, fragment or credentials, got ${JSON.stringify(url)}`,
    );
  return parsed.href.replace(/\/+$/, '');
}
