import { createPrivateKey, type KeyObject, sign, X509Certificate } from 'node:crypto';

export interface OpendsrSignerOptions {
  /** The processor's RSA private key, PEM, unencrypted (the `--opendsr-key-file`). */
  privateKeyPem: string | Uint8Array;
  /** Its X.509 certificate, PEM, with the chain after it if there is one (the `--opendsr-cert-file`). */
  certificatePem: string | Uint8Array;
  /**
   * The processor domain sent in `X-OpenCompliance-Processor-Domain`: the
   * protocol wants the domain the certificate is issued for, on which the
   * requests are received.
   * @default the certificate's first DNS subject alternative name, else its common name
   */
  domain?: string | undefined;
}

/** Signs OpenDSR answers and callbacks with the processor's key. */
export interface OpendsrSigner {
  readonly domain: string;
  /** Served at `/opendsr/v1/certificate.pem` (discovery's `processor_certificate`). */
  readonly certificatePem: string;
  /** The protocol forbids self-signed certificates (section 4.1): fine for a test, to be refused by an operator. */
  readonly selfSigned: boolean;
  /** When the certificate expires, epoch ms: controllers refuse signatures after it. */
  readonly validToMs: number;
  /** The processor-domain and signature headers for `body`, under each name of the protocol's history. */
  sign(body: string | Uint8Array): Record<string, string>;
}

/**
 * The header prefixes a controller may read: `X-OpenCompliance-` (the
 * current specification), `X-OpenDSR-` (what mParticle's OpenDSR API and its
 * callers use) and `X-OpenGDPR-` (the prior name, which section 10.1 says
 * must still be honoured). The same values go under each, so a controller
 * of any vintage finds its own.
 */
export const OPENDSR_HEADER_PREFIXES = ['X-OpenCompliance', 'X-OpenDSR', 'X-OpenGDPR'] as const;

const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/**
 * The processor's signer (sections 4.2, 7.3, 8.3, 8.6): a base64 RSA
 * signature, PKCS#1 v1.5 over the SHA-256 digest of the exact bytes sent,
 * which a controller checks with the public key of the certificate that
 * discovery publishes. The key must be the certificate's: a mismatch would
 * make every signature fail at the controller, so it is refused here.
 * Messages never hold key material.
 */
export function createOpendsrSigner(options: OpendsrSignerOptions): OpendsrSigner {
  const key = privateKeyOf(options.privateKeyPem);
  const certificatePem = textOf(options.certificatePem);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch {
    throw new TypeError('opendsr.certificatePem is not a PEM X.509 certificate');
  }
  if (!certificate.checkPrivateKey(key))
    throw new TypeError('opendsr.privateKeyPem is not the key of opendsr.certificatePem: their public keys differ');
  const domain = (options.domain ?? domainOf(certificate))?.toLowerCase();
  if (!domain || !DOMAIN.test(domain))
    throw new TypeError(
      options.domain === undefined
        ? 'opendsr.domain is needed: the certificate names no DNS name (subject alternative name or common name)'
        : `opendsr.domain must be a host name, got ${JSON.stringify(options.domain)}`,
    );
  return {
    domain,
    certificatePem,
    selfSigned: certificate.issuer === certificate.subject && certificate.verify(certificate.publicKey),
    validToMs: Date.parse(certificate.validTo),
    sign(body) {
      const signature = sign('sha256', typeof body === 'string' ? Buffer.from(body, 'utf8') : body, key).toString(
        'base64',
      );
      const headers: Record<string, string> = {};
      for (const prefix of OPENDSR_HEADER_PREFIXES) {
        headers[`${prefix}-Processor-Domain`] = domain;
        headers[`${prefix}-Signature`] = signature;
      }
      return headers;
    },
  };
}

function textOf(pem: string | Uint8Array): string {
  return typeof pem === 'string' ? pem : Buffer.from(pem).toString('utf8');
}

function privateKeyOf(pem: string | Uint8Array): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: textOf(pem), format: 'pem' });
  } catch (error) {
    // The library's message names the failure, never the key's bytes; an encrypted key needs a passphrase we do not take.
    const code = (error as { code?: string }).code;
    throw new TypeError(`opendsr.privateKeyPem is not an unencrypted PEM private key${code ? ` (${code})` : ''}`);
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw new TypeError(
      `opendsr.privateKeyPem must be an RSA key (controllers verify SHA256withRSA), got ${key.asymmetricKeyType}`,
    );
  return key;
}

/** The first DNS name the certificate is issued for: a wildcard names no one host, so it is skipped. */
function domainOf(certificate: X509Certificate): string | undefined {
  const names = (certificate.subjectAltName ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.startsWith('DNS:') && !n.includes('*'))
    .map((n) => n.slice(4));
  if (names[0]) return names[0];
  return /^CN=([^\n*]+)$/m.exec(certificate.subject)?.[1]?.trim();
}
