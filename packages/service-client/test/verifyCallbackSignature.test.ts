import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CallbackSignatureError, signCallback, verifyCallbackSignature } from '../src/index.js';

const SECRET = 'whsec_test_3f9a';
const NOW = 1_741_000_000_000;
const BODY = JSON.stringify({ id: 'evt-1', type: 'request.state_changed', createdAt: '2025-03-03T10:02:11.500Z' });

/** The oracle: Node's own HMAC over `t.body`, as the spec describes it. */
function nodeSignature(body: string, secret: string, t: number): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

const verify = (signature: string | undefined, extra: Partial<Parameters<typeof verifyCallbackSignature>[0]> = {}) =>
  verifyCallbackSignature({ body: BODY, signature, secret: SECRET, now: () => NOW, ...extra });

describe('callback signatures', () => {
  it('signs as the spec says: hex HMAC-SHA256 of "t.body", t in seconds', async () => {
    expect(await signCallback(BODY, SECRET, NOW + 999)).toBe(nodeSignature(BODY, SECRET, NOW / 1000));
  });

  it('accepts a signature made by another implementation, and returns the parsed event', async () => {
    const event = await verify(nodeSignature(BODY, SECRET, NOW / 1000 - 60));
    expect(event).toMatchObject({ id: 'evt-1', type: 'request.state_changed' });
    const bytes = new TextEncoder().encode(BODY);
    await expect(verify(nodeSignature(BODY, SECRET, NOW / 1000), { body: bytes })).resolves.toMatchObject({
      id: 'evt-1',
    });
  });

  it('accepts any matching v1 (two are sent while the secret is rotated)', async () => {
    const t = NOW / 1000;
    const old = nodeSignature(BODY, 'old-secret', t).split(',')[1];
    await expect(verify(`t=${t},${old},${nodeSignature(BODY, SECRET, t).split(',')[1]}`)).resolves.toBeDefined();
  });

  it('refuses a changed body, a wrong secret, a missing or malformed header', async () => {
    const t = NOW / 1000;
    const good = nodeSignature(BODY, SECRET, t);
    await expect(verify(good, { body: BODY.replace('evt-1', 'evt-2') })).rejects.toThrow(/no v1 signature matches/);
    await expect(verify(good, { secret: 'other' })).rejects.toThrow(CallbackSignatureError);
    await expect(verify(undefined)).rejects.toThrow(/header is missing/);
    await expect(verify(`t=${t}`)).rejects.toThrow(/not t=<seconds>,v1=/);
    await expect(verify(good.toUpperCase())).rejects.toThrow(/not t=<seconds>,v1=/);
  });

  it('refuses a signature older (or newer) than the tolerance: a replay', async () => {
    const t = NOW / 1000;
    await expect(verify(nodeSignature(BODY, SECRET, t - 301))).rejects.toThrow(/more than 300000 ms from now/);
    await expect(verify(nodeSignature(BODY, SECRET, t + 301))).rejects.toThrow(/replay/);
    await expect(verify(nodeSignature(BODY, SECRET, t - 301), { toleranceMs: 600_000 })).resolves.toBeDefined();
  });
});
