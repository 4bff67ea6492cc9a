import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProcessorKeys {
  privateKeyPem: string;
  certificatePem: string;
}

/**
 * A throwaway RSA key and a self-signed certificate for `domain`, made by
 * the `openssl` CLI (node:crypto makes keys but cannot issue X.509
 * certificates). Self-signed is what the protocol forbids in production and
 * what a test needs.
 */
export function processorKeys(domain = 'processor.test', bits = 2048): ProcessorKeys {
  const dir = mkdtempSync(join(tmpdir(), 'mpgdpr-opendsr-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        `rsa:${bits}`,
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        `/CN=${domain}`,
        '-addext',
        `subjectAltName=DNS:${domain}`,
      ],
      { stdio: 'pipe' },
    );
    return { privateKeyPem: readFileSync(key, 'utf8'), certificatePem: readFileSync(cert, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
