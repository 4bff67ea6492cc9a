import { verify, X509Certificate } from 'node:crypto';
import { expect } from 'vitest';

export interface Answer {
  status: number;
  headers: Headers;
  /** The body's exact bytes, as signed. */
  raw: Buffer;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the answer's fields by the protocol's names; a wrong one fails its assertion.
  json: any;
}

/** One HTTP call to the service, its answer kept as bytes (a signature covers the bytes, not the parsed JSON). */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; rawBody?: string } = {},
): Promise<Answer> {
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(options.key && { authorization: `Bearer ${options.key}` }),
    },
    ...(body !== undefined && { body }),
  });
  const raw = Buffer.from(await response.arrayBuffer());
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, raw, json };
}

/**
 * Checks an answer (or a callback) as a controller must (section 8.8): the
 * signature over the raw bytes, with the public key of the processor's
 * certificate, under each header name, all carrying the same values.
 */
export function expectSigned(
  headers: Headers | Record<string, string | string[] | undefined>,
  raw: Buffer | string,
  certificatePem: string,
  domain: string,
): void {
  const get = (name: string) =>
    headers instanceof Headers ? headers.get(name) : (headers[name.toLowerCase()] as string | undefined);
  const signature = get('x-opencompliance-signature');
  expect(signature, 'X-OpenCompliance-Signature').toBeTruthy();
  for (const prefix of ['x-opendsr', 'x-opengdpr']) {
    expect(get(`${prefix}-signature`)).toBe(signature);
    expect(get(`${prefix}-processor-domain`)).toBe(domain);
  }
  expect(get('x-opencompliance-processor-domain')).toBe(domain);
  const publicKey = new X509Certificate(certificatePem).publicKey;
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  expect(verify('sha256', bytes, publicKey, Buffer.from(signature!, 'base64')), 'signature verifies').toBe(true);
  // And not over other bytes: the check can fail.
  expect(verify('sha256', Buffer.concat([bytes, Buffer.from(' ')]), publicKey, Buffer.from(signature!, 'base64'))).toBe(
    false,
  );
}
