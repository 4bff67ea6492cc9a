import type { LookupAddress } from 'node:dns';
import { ValidationError } from '@mixpanel-gdpr/client';
import { MemoryLedger } from '@mixpanel-gdpr/workflow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertCallbackUrl } from '../../src/callbacks/assertCallbackUrl.js';
import type { CallbackUrlPolicy } from '../../src/callbacks/CallbackUrlPolicy.js';
import { validateCallbackUrlPolicy } from '../../src/callbacks/CallbackUrlPolicy.js';
import { callbackGuard, type ResolveHost } from '../../src/callbacks/callbackGuard.js';
import { deliverDueCallbacks } from '../../src/callbacks/deliverDueCallbacks.js';
import { httpCallbackTransport } from '../../src/callbacks/httpCallbackTransport.js';
import { queueCallbacks } from '../../src/callbacks/queueCallbacks.js';
import { showUrl } from '../../src/callbacks/showUrl.js';
import { describedAs, fakeSources, received, SECRET, T0 } from './helpers/fixtures.js';
import { Receiver } from './helpers/receiver.js';

const TOKEN = 's3cr3t-receiver-token';
const STRICT: CallbackUrlPolicy = {};

function refusal(url: string, policy: CallbackUrlPolicy = STRICT): ValidationError {
  try {
    assertCallbackUrl(url, policy);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error(`${url} was accepted`);
}

/** A resolver that answers from a table, as DNS would (rebinding included). */
function resolver(table: Record<string, string[]>): ResolveHost {
  return async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

function lookupOnce(policy: CallbackUrlPolicy, resolve: ResolveHost, hostname: string, all: boolean) {
  return new Promise<{ error: Error | null; result: unknown }>((done) =>
    callbackGuard(policy, resolve)(hostname, { all }, (error, address, family) =>
      done({ error, result: all ? address : { address, family } }),
    ),
  );
}

describe('assertCallbackUrl (intake)', () => {
  it.each([
    ['https://10.0.0.1/hook', 'private'],
    ['https://169.254.169.254/latest/meta-data', 'linkLocal'],
    ['https://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['https://[::ffff:a00:1]/hook', 'private'],
    ['https://127.0.0.1/hook', 'loopback'],
    ['https://2130706433/hook', 'loopback'],
    ['https://0x7f.1/hook', 'loopback'],
    ['https://[::1]/hook', 'loopback'],
    ['https://0.0.0.0/hook', 'unspecified'],
    ['https://[::]/hook', 'unspecified'],
    ['https://100.64.1.1/hook', 'carrierGradeNat'],
    ['https://192.168.1.10/hook', 'private'],
    ['https://172.16.0.1/hook', 'private'],
    ['https://[fc00::1]/hook', 'uniqueLocal'],
    ['https://[fe80::1]/hook', 'linkLocal'],
    ['https://224.0.0.1/hook', 'multicast'],
    ['https://[ff02::1]/hook', 'multicast'],
    ['https://[64:ff9b::a00:1]/hook', 'rfc6052'],
    ['https://localhost/hook', 'loopback host'],
    ['https://api.localhost/hook', 'loopback host'],
  ])('refuses %s (%s), naming callbackUrl, without the query string', (url, why) => {
    const error = refusal(`${url}?token=${TOKEN}`);
    expect(error.field).toBe('callbackUrl');
    expect(error.message).toContain('callbackUrl');
    expect(error.message).toContain(why);
    expect(error.message).not.toContain(TOKEN);
  });

  it('refuses http (to anything but loopback, and then only when allowed), userinfo, other schemes', () => {
    expect(refusal(`http://169.254.169.254/latest?token=${TOKEN}`).message).toMatch(/must use https/);
    expect(refusal('http://169.254.169.254/', { allowHttp: 'loopback', allowPrivate: true }).message).toMatch(
      /only to loopback/,
    );
    expect(refusal('http://hooks.example.com/', { allowHttp: 'loopback' }).message).toMatch(/only to loopback/);
    const userinfo = refusal(`https://user:${TOKEN}@hooks.example.com/?token=${TOKEN}`);
    expect(userinfo.message).toMatch(/credentials in the URL/);
    expect(userinfo.message).not.toContain(TOKEN);
    expect(refusal('ftp://hooks.example.com/').message).toMatch(/https, not ftp/);
    expect(refusal('/relative/path').message).toBe('callbackUrl is not an absolute URL');
    // Loopback over http needs allowPrivate as well.
    expect(refusal('http://127.0.0.1:8080/', { allowHttp: 'loopback' }).message).toMatch(/loopback/);
  });

  it('accepts public https hosts and addresses, and what the policy allows', () => {
    for (const url of [
      `https://hooks.example.com/dsr?token=${TOKEN}`,
      'https://8.8.8.8/hook',
      'https://[2001:4860:4860::8888]/hook',
      'https://[::ffff:8.8.8.8]/hook',
    ])
      expect(assertCallbackUrl(url, STRICT).href).toBe(new URL(url).href);
    expect(() => assertCallbackUrl('https://10.0.0.1/', { allowPrivate: true })).not.toThrow();
    expect(() =>
      assertCallbackUrl('http://127.0.0.1:8080/', { allowPrivate: true, allowHttp: 'loopback' }),
    ).not.toThrow();
    expect(() =>
      assertCallbackUrl('http://localhost:8080/', { allowPrivate: true, allowHttp: 'loopback' }),
    ).not.toThrow();
  });

  it('restricts hosts to allowHosts (exact, or *.domain for its subdomains only)', () => {
    const policy = { allowHosts: ['hooks.example.com', '*.tickets.example.org'] };
    expect(() => assertCallbackUrl('https://hooks.example.com/x', policy)).not.toThrow();
    expect(() => assertCallbackUrl('https://eu.tickets.example.org/x', policy)).not.toThrow();
    expect(refusal('https://tickets.example.org/x', policy).message).toMatch(/not one the service may call back/);
    expect(refusal('https://evilhooks.example.com/x', policy).message).toMatch(/not one/);
    expect(refusal('https://hooks.example.com.evil.net/x', policy).message).toMatch(/not one/);
  });

  it('validates the policy from configuration, naming the option', () => {
    expect(() => validateCallbackUrlPolicy({ allowHosts: ['Bad Host'] })).toThrow(/callbacks.allowHosts\[0\]/);
    expect(() => validateCallbackUrlPolicy({ allowHttp: true as never })).toThrow(/callbacks.allowHttp/);
  });

  it('shows a URL without its query string, fragment or userinfo', () => {
    expect(showUrl(`https://u:p@hooks.example.com:8443/a/b?token=${TOKEN}#frag`)).toBe(
      'https://hooks.example.com:8443/a/b',
    );
  });
});

describe('callbackGuard (send time: the address actually connected to)', () => {
  it('refuses a name resolving to a forbidden address, even one among public ones', async () => {
    const resolve = resolver({
      'rebind.test': ['127.0.0.1'],
      'mixed.test': ['8.8.8.8', '10.0.0.1'],
      'v6.test': ['::ffff:169.254.169.254'],
    });
    for (const host of ['rebind.test', 'mixed.test', 'v6.test'])
      for (const all of [true, false]) {
        const { error } = await lookupOnce(STRICT, resolve, host, all);
        expect(error?.name).toBe('CallbackAddressError');
      }
  });

  it('passes public addresses on in the form Node asked for', async () => {
    const resolve = resolver({ 'ok.test': ['8.8.8.8', '2001:4860:4860::8888'] });
    expect(await lookupOnce(STRICT, resolve, 'ok.test', false)).toEqual({
      error: null,
      result: { address: '8.8.8.8', family: 4 },
    });
    expect((await lookupOnce(STRICT, resolve, 'ok.test', true)).result).toEqual([
      { address: '8.8.8.8', family: 4 },
      { address: '2001:4860:4860::8888', family: 6 },
    ]);
  });
});

describe('sending refuses forbidden addresses (real sockets on loopback)', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await Receiver.start();
  });
  afterEach(() => receiver.down());

  const post = (policy: CallbackUrlPolicy, resolve: ResolveHost, url: string) =>
    httpCallbackTransport({ policy, resolve })({ url, headers: {}, body: '{}', timeoutMs: 5_000 });

  it('a host that resolves to 127.0.0.1 now (DNS rebinding) is refused before connecting, its token unsaid', async () => {
    const ledger = new MemoryLedger();
    const sources = fakeSources();
    // At intake the name passes: it is not an IP literal, and names are not resolved then.
    const url = `https://rebind.test:${receiver.port}/hook?token=${TOKEN}`;
    assertCallbackUrl(url, STRICT);
    const request = received(1, { callbackUrl: url });
    await ledger.append(request);
    sources.described.set(request.requestId, describedAs('submitted'));
    await queueCallbacks({ ledger, now: () => T0, ...sources });
    const logged: string[] = [];
    const log = (fields: object, message: string) => logged.push(JSON.stringify({ fields, message }));
    const round = await deliverDueCallbacks({
      ledger,
      now: () => T0,
      secret: SECRET,
      resolve: resolver({ 'rebind.test': ['127.0.0.1'] }),
      logger: { info: log, warn: log, error: log },
    });
    expect(round.outcomes).toMatchObject([{ result: 'failed' }]);
    expect(round.outcomes[0]!.error).toMatch(/rebind.test resolves to 127.0.0.1 \(loopback\)/);
    expect(receiver.received).toHaveLength(0);
    const callback = [...ledger.state.callbacks.values()][0]!;
    expect(callback.lastError).not.toContain(TOKEN);
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) expect(line).not.toContain(TOKEN);
  });

  it('IP literals, which skip lookup, are checked by the sender itself', async () => {
    for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]'])
      await expect(post(STRICT, resolver({}), `https://${host}:${receiver.port}/?token=${TOKEN}`)).rejects.toThrow(
        /is loopback, not a public address/,
      );
    await expect(post({ allowHttp: 'loopback' }, resolver({}), `http://localhost:${receiver.port}/`)).rejects.toThrow(
      /loopback host/,
    );
    expect(receiver.received).toHaveLength(0);
  });

  it('connects through the guard when the policy allows the address', async () => {
    const answer = await post(
      { allowPrivate: true, allowHttp: 'loopback' },
      resolver({ localhost: ['127.0.0.1'] }),
      `http://localhost:${receiver.port}/hook`,
    );
    expect(answer).toEqual({ status: 200 });
    expect(receiver.received).toHaveLength(1);
  });
});
