import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOpendsrSigner } from '../../src/opendsr/createOpendsrSigner.js';
import { opendsrStatusOf } from '../../src/opendsr/opendsrStatusOf.js';
import { publicUrlOf } from '../../src/opendsr/publicUrlOf.js';
import { expectSigned } from './helpers/http.js';
import { type ProcessorKeys, processorKeys } from './helpers/processorKeys.js';

let keys: ProcessorKeys;
beforeAll(() => {
  keys = processorKeys('dsr.processor.test');
});

describe('createOpendsrSigner', () => {
  it('signs bytes with the certificate key under all three header names, the domain taken from the certificate', () => {
    const signer = createOpendsrSigner(keys);
    expect(signer.domain).toBe('dsr.processor.test');
    expect(signer.selfSigned).toBe(true);
    expect(signer.validToMs).toBeGreaterThan(Date.now());
    const body = '{"request_status":"pending","note":"é"}';
    const headers = signer.sign(body);
    expect(Object.keys(headers).sort()).toEqual([
      'X-OpenCompliance-Processor-Domain',
      'X-OpenCompliance-Signature',
      'X-OpenDSR-Processor-Domain',
      'X-OpenDSR-Signature',
      'X-OpenGDPR-Processor-Domain',
      'X-OpenGDPR-Signature',
    ]);
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expectSigned(lower, body, keys.certificatePem, 'dsr.processor.test');
    expect(signer.sign(Buffer.from(body))).toEqual(headers);
  });

  it('refuses a key that is not the certificate’s, a non-RSA key and garbage, never echoing key material', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(() => createOpendsrSigner({ ...keys, privateKeyPem: other as string })).toThrow(
      /privateKeyPem is not the key of opendsr.certificatePem/,
    );
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => createOpendsrSigner({ ...keys, privateKeyPem: ec as string })).toThrow(
      /must be an RSA key .*, got ec$/,
    );
    const garbage = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END PRIVATE KEY-----\n';
    let message = '';
    try {
      createOpendsrSigner({ ...keys, privateKeyPem: garbage });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/not an unencrypted PEM private key/);
    expect(message).not.toContain('c2VjcmV0');
    expect(() => createOpendsrSigner({ ...keys, certificatePem: 'nope' })).toThrow(/not a PEM X.509 certificate/);
    expect(() => createOpendsrSigner({ ...keys, domain: 'Not A Host' })).toThrow(/opendsr.domain must be a host name/);
    expect(createOpendsrSigner({ ...keys, domain: 'Other.Example' }).domain).toBe('other.example');
  });
});

describe('OpenDSR settings and mappings', () => {
  it('maps every service state to the protocol status, refusing an unknown one', () => {
    expect(['not_submitted', 'submitted', 'failed', 'done', 'cancelled'].map(opendsrStatusOf)).toEqual([
      'pending',
      'in_progress',
      'in_progress',
      'completed',
      'cancelled',
    ]);
    expect(() => opendsrStatusOf('lost')).toThrow(/"lost"/);
  });

  it('takes the public URL given or https on the processor domain; refuses one with a query', () => {
    expect(publicUrlOf({ domain: 'p.test' }, undefined)).toBe('https://p.test');
    expect(publicUrlOf({ domain: 'p.test' }, 'https://gdpr.example.com/base/')).toBe('https://gdpr.example.com/base');
    expect(() => publicUrlOf({ domain: 'p.test' }, 'https://x.test/?k=1')).toThrow(/opendsr.publicUrl/);
    expect(() => publicUrlOf({ domain: 'p.test' }, 'x.test')).toThrow(/absolute URL/);
  });
});
