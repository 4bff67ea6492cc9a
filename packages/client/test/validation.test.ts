import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMixpanelGdprClient } from '../src/createMixpanelGdprClient.js';
import { ValidationError } from '../src/errors.js';
import { CLIENT_DEFAULTS } from '../src/options.js';
import { created, fakeFetch, SECRETS, testOptions } from './helpers/fakeFetch.js';

function client() {
  const f = fakeFetch(created());
  return { f, client: createMixpanelGdprClient(testOptions(f).options) };
}

async function rejected(promise: Promise<unknown>): Promise<ValidationError> {
  const error: unknown = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('input validation happens before any request', () => {
  it.each([
    [
      'empty ids',
      { distinctIds: [], complianceType: 'GDPR' },
      'distinctIds',
      'must be a non-empty array of strings (got an array of 0)',
    ],
    [
      'ids as a string',
      { distinctIds: 'u1', complianceType: 'GDPR' },
      'distinctIds',
      'must be a non-empty array of strings (got "u1")',
    ],
    ['an empty id', { distinctIds: ['ok', ''], complianceType: 'GDPR' }, 'distinctIds[1]', 'is empty (got "")'],
    ['a blank id', { distinctIds: ['   '], complianceType: 'GDPR' }, 'distinctIds[0]', 'only whitespace'],
    ['a number', { distinctIds: [42], complianceType: 'GDPR' }, 'distinctIds[0]', 'not a string (got 42)'],
    [
      'a newline',
      { distinctIds: ['a\nb'], complianceType: 'GDPR' },
      'distinctIds[0]',
      'control characters (got "a\\nb")',
    ],
    [
      'a long id',
      { distinctIds: ['x'.repeat(256)], complianceType: 'GDPR' },
      'distinctIds[0]',
      'longer than 255 characters (got "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"… (256 characters))',
    ],
    [
      'an unknown regulation',
      { distinctIds: ['u1'], complianceType: 'HIPAA' },
      'complianceType',
      'must be one of GDPR, CCPA (got "HIPAA")',
    ],
    [
      '2000 ids',
      { distinctIds: Array.from({ length: 2000 }, (_, i) => `u${i}`), complianceType: 'GDPR' },
      'distinctIds',
      'hold at most 1999 ids per request: split into batches (got an array of 2000)',
    ],
  ])('createDeletion with %s', async (_, input, field, message) => {
    const { f, client: c } = client();
    const error = await rejected(c.createDeletion(input as never));
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
    expect(f.requests).toHaveLength(0);
  });

  it('allows 2000 ids per retrieval but not 2001', async () => {
    const { f, client: c } = client();
    const ids = Array.from({ length: 2001 }, (_, i) => `u${i}`);
    await expect(c.createRetrieval({ distinctIds: ids.slice(0, 2000), complianceType: 'GDPR' })).resolves.toEqual({
      taskId: 'task-1',
    });
    await rejected(c.createRetrieval({ distinctIds: ids, complianceType: 'GDPR' }));
    expect(f.requests).toHaveLength(1);
  });

  it('accepts disclosureType for CCPA only, in any casing, and sends the canonical form', async () => {
    const { f, client: c } = client();
    await c.createRetrieval({
      distinctIds: ['u1'],
      complianceType: 'ccpa' as never,
      disclosureType: 'SOURCES' as never,
    });
    expect(JSON.parse(f.bodies[0]!)).toEqual({
      distinct_ids: ['u1'],
      compliance_type: 'CCPA',
      disclosure_type: 'Sources',
    });
    const gdpr = await rejected(
      c.createRetrieval({ distinctIds: ['u1'], complianceType: 'GDPR', disclosureType: 'Data' }),
    );
    expect(gdpr.field).toBe('disclosureType');
    expect(gdpr.message).toContain('CCPA retrievals only, not GDPR (got "Data")');
    const bad = await rejected(
      c.createRetrieval({ distinctIds: ['u1'], complianceType: 'CCPA', disclosureType: 'Everything' as never }),
    );
    expect(bad.message).toContain('got "Everything"');
    expect(f.requests).toHaveLength(1);
  });

  it.each([
    '..',
    '.',
    '',
    'a/b',
    '../admin',
    'a?b=1',
    'a#b',
    '%2e%2e',
    'a b',
    'a\\b',
    '.hidden',
    'x'.repeat(201),
    'tâche',
  ])('rejects the task id %j before any request, on every operation', async (taskId) => {
    const { f, client: c } = client();
    for (const op of [c.getDeletionStatus, c.getRetrievalStatus, c.cancelDeletion]) {
      const error = await rejected(op(taskId));
      expect(error.field).toBe('taskId');
    }
    expect(f.requests).toHaveLength(0);
  });

  it('rejects a path-changing task id on the raw client too', async () => {
    const { f, client: c } = client();
    await rejected(c.raw.GET('/data-deletions/v3.0/{taskId}', { params: { path: { taskId: '..' } } }));
    expect(f.requests).toHaveLength(0);
  });

  it('accepts uuids, numbers and dotted ids', async () => {
    const { client: c } = client();
    for (const id of ['8ab1c0d2-3f4e-4a5b-9c6d-7e8f9a0b1c2d', '12345', 'a.b_c-d']) {
      await expect(c.getDeletionStatus(id)).rejects.not.toBeInstanceOf(ValidationError);
    }
  });
});

describe('option validation', () => {
  const base = { ...SECRETS, fetch: fakeFetch(created()).fetch };
  it.each([
    [{ region: 'uk' }, 'region', 'got "uk"'],
    [{ baseUrl: 'http://api.example.com' }, 'baseUrl', 'plain http is allowed only on loopback'],
    [{ baseUrl: 'ftp://127.0.0.1' }, 'baseUrl', 'absolute http(s) URL (got "ftp://127.0.0.1")'],
    [{ baseUrl: 'not a url' }, 'baseUrl', 'absolute http(s) URL (got "not a url")'],
    [{ baseUrl: 'https://user:pw@mixpanel.com/api/app' }, 'baseUrl', 'credentials'],
    [{ timeoutMs: 0 }, 'timeoutMs', 'got 0'],
    [{ timeoutMs: 1.5 }, 'timeoutMs', 'got 1.5'],
    [{ timeoutMs: 2 ** 31 }, 'timeoutMs', 'from 1 to 2147483647 (got 2147483648)'],
    [{ maxResponseBytes: 0 }, 'maxResponseBytes', 'must be an integer >= 1 (got 0)'],
    [{ maxResponseBytes: '1MiB' }, 'maxResponseBytes', 'got "1MiB"'],
    [{ maxRetries: -1 }, 'maxRetries', 'got -1'],
    [{ maxDeletionIds: 2001 }, 'maxDeletionIds', 'from 1 to 2000 (got 2001)'],
    [{ maxRetryDelayMs: 10, minRetryDelayMs: 100 }, 'maxRetryDelayMs', 'got 10'],
    [{ oauthToken: '' }, 'oauthToken', 'must be a non-empty string'],
    [{ projectToken: null }, 'projectToken', '(got null)'],
  ])('%j fails on %s', (extra, field, message) => {
    let error: unknown;
    try {
      createMixpanelGdprClient({ ...base, ...extra } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect((error as ValidationError).message).toContain(message);
  });

  describe('without a fetch option', () => {
    afterEach(() => vi.unstubAllGlobals());

    it('uses the global fetch as it is when the client is created, not when the defaults were loaded', async () => {
      const f = fakeFetch(created('t-global'));
      vi.stubGlobal('fetch', f.fetch);
      expect(CLIENT_DEFAULTS.fetch).toBe(f.fetch);
      const { taskId } = await createMixpanelGdprClient({ ...SECRETS, maxRetries: 0 }).createDeletion({
        distinctIds: ['u1'],
        complianceType: 'GDPR',
      });
      expect(taskId).toBe('t-global');
    });

    it('fails on fetch when there is no global fetch either', () => {
      vi.stubGlobal('fetch', undefined);
      expect(() => createMixpanelGdprClient({ ...SECRETS })).toThrow(
        'fetch must be a function (none given, and no global fetch)',
      );
    });
  });

  it('never echoes a malformed token', () => {
    const bad = 'tok with spaces SECRETISH';
    expect(() => createMixpanelGdprClient({ ...base, oauthToken: bad })).toThrow(
      /oauthToken must be a non-empty string without whitespace or control characters \(got value hidden\)/,
    );
    try {
      createMixpanelGdprClient({ ...base, oauthToken: bad });
    } catch (e) {
      expect(JSON.stringify(e) + String(e)).not.toContain('SECRETISH');
    }
  });

  it('allows http on loopback and picks the region URL otherwise', () => {
    expect(createMixpanelGdprClient({ ...base, baseUrl: 'http://127.0.0.1:4010/' }).baseUrl).toBe(
      'http://127.0.0.1:4010',
    );
    expect(createMixpanelGdprClient({ ...base, baseUrl: 'http://localhost:1' }).baseUrl).toBe('http://localhost:1');
    expect(createMixpanelGdprClient({ ...base, baseUrl: 'http://[::1]:1' }).baseUrl).toBe('http://[::1]:1');
    expect(createMixpanelGdprClient({ ...base, region: 'in' }).baseUrl).toBe('https://in.mixpanel.com/api/app');
    expect(createMixpanelGdprClient({ ...base, region: 'eu' }).baseUrl).toBe('https://eu.mixpanel.com/api/app');
    expect(createMixpanelGdprClient(base).baseUrl).toBe('https://mixpanel.com/api/app');
  });
});
