import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpendsrSigner, type OpendsrSigner } from '../../src/opendsr/createOpendsrSigner.js';
import { NOW, startTestService, type TestService } from '../helpers/startTestService.js';
import { call, expectSigned } from './helpers/http.js';
import { type ProcessorKeys, processorKeys } from './helpers/processorKeys.js';
import { progress } from './helpers/progress.js';

const DOMAIN = 'processor.test';
const ID = 'a7551968-d5d6-44b2-9831-815ac9017798';
const CREATE = '/opendsr/v1/opencompliance_requests';

let keys: ProcessorKeys;
let signer: OpendsrSigner;
beforeAll(() => {
  keys = processorKeys(DOMAIN);
  signer = createOpendsrSigner(keys);
});

let t: TestService;
let submitKey: string;
beforeEach(async () => {
  t = await startTestService({ opendsr: { signer, publicUrl: 'https://gdpr.example.com' } });
  submitKey = await t.key('submit', 'read');
});
afterEach(() => t.close());

const opendsrRequest = (overrides: Record<string, unknown> = {}) => ({
  subject_request_id: ID,
  subject_request_type: 'erasure',
  regulation: 'gdpr',
  submitted_time: new Date(NOW - 3_600_000).toISOString(),
  subject_identities: [
    { identity_type: 'controller_customer_id', identity_value: 'user-8812', identity_format: 'raw' },
    { identity_type: 'controller_customer_id', identity_value: ' user-9913 ', identity_format: 'raw' },
  ],
  api_version: '1.0',
  ...overrides,
});

describe('OpenDSR endpoints over HTTP', () => {
  it('publishes discovery and the certificate without a key, signed', async () => {
    const discovery = await call(t.baseUrl, 'GET', '/opendsr/v1/discovery');
    expect(discovery.status).toBe(200);
    expect(discovery.json).toEqual({
      api_version: '1.0',
      supported_identities: [{ identity_type: 'controller_customer_id', identity_format: 'raw' }],
      supported_subject_request_types: ['erasure', 'access', 'portability'],
      processor_certificate: 'https://gdpr.example.com/opendsr/v1/certificate.pem',
    });
    expectSigned(discovery.headers, discovery.raw, keys.certificatePem, DOMAIN);
    const cert = await call(t.baseUrl, 'GET', '/opendsr/v1/certificate.pem');
    expect(cert.status).toBe(200);
    expect(cert.headers.get('content-type')).toMatch(/^application\/x-pem-file/);
    expect(cert.raw.toString('utf8')).toBe(keys.certificatePem);
  });

  it('creates a request: 201 signed, the exact request bytes encoded, recorded as an OpenDSR erasure', async () => {
    const sent = JSON.stringify(opendsrRequest());
    const created = await call(t.baseUrl, 'POST', CREATE, { key: submitKey, rawBody: sent });
    expect(created.status).toBe(201);
    expectSigned(created.headers, created.raw, keys.certificatePem, DOMAIN);
    const request = [...t.ledger.state.requests.values()][0]!;
    expect(created.json).toEqual({
      controller_id: 'test submit+read',
      expected_completion_time: new Date(request.dueAt).toISOString(),
      received_time: new Date(NOW).toISOString(),
      encoded_request: Buffer.from(sent).toString('base64'),
      subject_request_id: ID,
    });
    expect(request).toMatchObject({
      ticket: ID,
      kind: 'erasure',
      regulation: 'GDPR',
      receivedAt: NOW - 3_600_000,
      ids: ['user-8812', 'user-9913'],
      projects: ['web', 'mobile'],
      intake: {
        via: 'opendsr',
        opendsr: {
          subjectRequestId: ID,
          statusCallbackUrls: [],
          controllerId: 'test submit+read',
          requestType: 'erasure',
        },
      },
    });
  });

  it('answers a repeated POST with the first receipt and records nothing; other content under the id is a 400', async () => {
    const first = await call(t.baseUrl, 'POST', CREATE, { key: submitKey, body: opendsrRequest() });
    t.clock.ms += 60_000;
    const again = await call(t.baseUrl, 'POST', CREATE, { key: submitKey, body: opendsrRequest() });
    expect(again.status).toBe(201);
    expect(again.json.received_time).toBe(first.json.received_time);
    expect(t.ledger.state.requests.size).toBe(1);

    const otherIds = await call(t.baseUrl, 'POST', CREATE, {
      key: submitKey,
      body: opendsrRequest({ subject_identities: [first_identity('someone-else')] }),
    });
    expect(otherIds.status).toBe(400);
    expect(otherIds.json.error).toMatchObject({
      code: 400,
      errors: [{ domain: 'validation', reason: 'subject_request_id' }],
    });
    expect(otherIds.json.error.message).toMatch(/another set of distinct ids/);
    expect(otherIds.raw.toString()).not.toContain('someone-else');
    expectSigned(otherIds.headers, otherIds.raw, keys.certificatePem, DOMAIN);

    const otherType = await call(t.baseUrl, 'POST', CREATE, {
      key: submitKey,
      body: opendsrRequest({ subject_request_type: 'access' }),
    });
    expect(otherType.status).toBe(400);
    expect(otherType.json.error.message).toMatch(/another subject_request_type \(erasure\)/);
    expect(t.ledger.state.requests.size).toBe(1);
  });

  it('refuses an identity type it does not take, naming the field, never echoing an identity, storing nothing', async () => {
    const answer = await call(t.baseUrl, 'POST', CREATE, {
      key: submitKey,
      body: opendsrRequest({
        subject_identities: [
          first_identity('user-1'),
          { identity_type: 'email', identity_value: 'jane@example.com', identity_format: 'raw' },
        ],
      }),
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.json.error.code).toBe(400);
    expect(answer.json.error.errors).toEqual([
      { domain: 'validation', reason: 'subject_identities[1].identity_type', message: expect.stringMatching(/email/) },
    ]);
    expect(answer.raw.toString()).not.toMatch(/jane|user-1/);
    expectSigned(answer.headers, answer.raw, keys.certificatePem, DOMAIN);

    const hashed = await call(t.baseUrl, 'POST', CREATE, {
      key: submitKey,
      body: opendsrRequest({
        subject_identities: [
          { identity_type: 'controller_customer_id', identity_value: 'ab12', identity_format: 'sha256' },
        ],
      }),
    });
    expect(hashed.json.error.errors[0].reason).toBe('subject_identities[0].identity_format');
    expect(t.ledger.state.requests.size).toBe(0);
  });

  it('answers a body the schema refuses with the protocol error object naming the field', async () => {
    const { subject_request_id: _, ...missing } = opendsrRequest();
    const answer = await call(t.baseUrl, 'POST', CREATE, { key: submitKey, body: missing });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error: {
        code: 400,
        message: 'subject_request_id is required',
        errors: [{ domain: 'validation', reason: 'subject_request_id', message: 'subject_request_id is required' }],
      },
    });
    expectSigned(answer.headers, answer.raw, keys.certificatePem, DOMAIN);
  });

  it('needs an API key with the right scope: 401 and 403 as protocol errors, signed', async () => {
    const none = await call(t.baseUrl, 'POST', CREATE, { body: opendsrRequest() });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.json.error).toMatchObject({ code: 401, message: expect.stringMatching(/API key/) });
    expectSigned(none.headers, none.raw, keys.certificatePem, DOMAIN);
    const readOnly = await call(t.baseUrl, 'POST', CREATE, { key: await t.key('read'), body: opendsrRequest() });
    expect(readOnly.status).toBe(403);
    expect(readOnly.json.error.message).toMatch(/submit scope/);
    const get = await call(t.baseUrl, 'GET', `${CREATE}/${ID}`);
    expect(get.status).toBe(401);
    expect(t.ledger.state.requests.size).toBe(0);
  });

  it('reports pending, in_progress, completed as the request moves, under both resource names', async () => {
    await call(t.baseUrl, 'POST', CREATE, { key: submitKey, body: opendsrRequest() });
    const request = [...t.ledger.state.requests.values()][0]!;
    const status = async (resource = 'opencompliance_requests') => {
      const answer = await call(t.baseUrl, 'GET', `/opendsr/v1/${resource}/${ID}`, { key: submitKey });
      expect(answer.status).toBe(200);
      expectSigned(answer.headers, answer.raw, keys.certificatePem, DOMAIN);
      return answer.json;
    };
    expect(await status()).toEqual({
      controller_id: 'test submit+read',
      expected_completion_time: new Date(request.dueAt).toISOString(),
      subject_request_id: ID,
      request_status: 'pending',
      api_version: '1.0',
    });
    await progress(t.ledger, request, 'submitted', NOW + 1000);
    expect((await status('opengdpr_requests')).request_status).toBe('in_progress');
    await progress(t.ledger, request, 'done', NOW + 2000);
    expect((await status()).request_status).toBe('completed');
    const unknown = await call(t.baseUrl, 'GET', `${CREATE}/b7551968-d5d6-44b2-9831-815ac9017798`, { key: submitKey });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe(404);
  });

  it('gives a completed access request a results_url at its exports', async () => {
    await call(t.baseUrl, 'POST', CREATE, {
      key: submitKey,
      body: opendsrRequest({ subject_request_type: 'portability' }),
    });
    const request = [...t.ledger.state.requests.values()][0]!;
    expect(request.kind).toBe('access');
    await progress(t.ledger, request, 'submitted', NOW + 1000);
    await progress(t.ledger, request, 'done', NOW + 2000);
    const answer = await call(t.baseUrl, 'GET', `${CREATE}/${ID}`, { key: submitKey });
    expect(answer.json).toMatchObject({
      request_status: 'completed',
      results_url: `https://gdpr.example.com/v1/requests/${request.requestId}/exports`,
    });
  });

  it('cancels a pending request (202, again 202 with the first time), and refuses once it is in progress', async () => {
    await call(t.baseUrl, 'POST', CREATE, { key: submitKey, body: opendsrRequest() });
    t.clock.ms += 5_000;
    const cancelled = await call(t.baseUrl, 'DELETE', `${CREATE}/${ID}`, { key: submitKey });
    expect(cancelled.status).toBe(202);
    expectSigned(cancelled.headers, cancelled.raw, keys.certificatePem, DOMAIN);
    expect(cancelled.json).toEqual({
      controller_id: 'test submit+read',
      received_time: new Date(NOW + 5_000).toISOString(),
      subject_request_id: ID,
      api_version: '1.0',
    });
    t.clock.ms += 5_000;
    const again = await call(t.baseUrl, 'DELETE', `/opendsr/v1/opengdpr_requests/${ID}`, { key: submitKey });
    expect(again.status).toBe(202);
    expect(again.json.received_time).toBe(cancelled.json.received_time);
    expect((await call(t.baseUrl, 'GET', `${CREATE}/${ID}`, { key: submitKey })).json.request_status).toBe('cancelled');

    const other = 'c7551968-d5d6-44b2-9831-815ac9017798';
    await call(t.baseUrl, 'POST', CREATE, { key: submitKey, body: opendsrRequest({ subject_request_id: other }) });
    const request = t.ledger.state.requests.get(
      [...t.ledger.state.requests.values()].find((r) => r.ticket === other)!.requestId,
    )!;
    await progress(t.ledger, request, 'submitted', t.clock.ms);
    const late = await call(t.baseUrl, 'DELETE', `${CREATE}/${other}`, { key: submitKey });
    expect(late.status).toBe(400);
    expect(late.json.error).toEqual({
      code: 400,
      message: 'the request is in_progress; only a pending request can be cancelled',
      errors: [
        {
          domain: 'state',
          reason: 'request_status',
          message: 'the request is in_progress; only a pending request can be cancelled',
        },
      ],
    });
    expect(request.cancelled).toBeUndefined();
  });

  it('takes an OpenGDPR-era request without regulation as GDPR on the prior resource name', async () => {
    const { regulation: _, ...old } = opendsrRequest({ regulation: undefined, api_version: '0.1' });
    const legacy = await call(t.baseUrl, 'POST', '/opendsr/v1/opengdpr_requests', { key: submitKey, body: old });
    expect(legacy.status).toBe(201);
    expect([...t.ledger.state.requests.values()][0]!.regulation).toBe('GDPR');
    const current = await call(t.baseUrl, 'POST', CREATE, {
      key: submitKey,
      body: { ...old, subject_request_id: 'd7551968-d5d6-44b2-9831-815ac9017798' },
    });
    expect(current.status).toBe(400);
    expect(current.json.error.errors[0].reason).toBe('regulation');
  });

  it("reads its own extension: projects and distinct ids; refuses unknown keys and projects; ignores others'", async () => {
    const ext = (mine: Record<string, unknown>) => ({ [DOMAIN]: mine, 'other.example': { anything: 1 } });
    const answer = await call(t.baseUrl, 'POST', CREATE, {
      key: submitKey,
      body: opendsrRequest({
        subject_identities: undefined,
        regulation: 'ccpa',
        extensions: ext({ projects: ['web'], distinct_ids: ['d-1', 'd-2'] }),
      }),
    });
    expect(answer.status).toBe(201);
    expect([...t.ledger.state.requests.values()][0]).toMatchObject({
      regulation: 'CCPA',
      projects: ['web'],
      ids: ['d-1', 'd-2'],
    });
    const misspelt = await call(t.baseUrl, 'POST', CREATE, {
      key: submitKey,
      body: opendsrRequest({
        subject_request_id: 'e7551968-d5d6-44b2-9831-815ac9017798',
        extensions: ext({ project: ['web'] }),
      }),
    });
    expect(misspelt.json.error.errors[0].reason).toBe(`extensions["${DOMAIN}"].project`);
    const unknownProject = await call(t.baseUrl, 'POST', CREATE, {
      key: submitKey,
      body: opendsrRequest({
        subject_request_id: 'e7551968-d5d6-44b2-9831-815ac9017798',
        extensions: ext({ projects: ['tv'] }),
      }),
    });
    expect(unknownProject.json.error.errors[0].reason).toBe(`extensions["${DOMAIN}"].projects[0]`);
    const noIds = await call(t.baseUrl, 'POST', CREATE, {
      key: submitKey,
      body: opendsrRequest({
        subject_request_id: 'e7551968-d5d6-44b2-9831-815ac9017798',
        subject_identities: undefined,
      }),
    });
    expect(noIds.json.error.errors[0].reason).toBe('subject_identities');
    expect(t.ledger.state.requests.size).toBe(1);
  });

  it('refuses a status callback URL the callback guard refuses, naming status_callback_urls[i]', async () => {
    const answer = await call(t.baseUrl, 'POST', CREATE, {
      key: submitKey,
      body: opendsrRequest({
        status_callback_urls: ['https://dsr.example.com/cb', 'https://10.0.0.8/cb?token=s3cret'],
      }),
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.errors[0].reason).toBe('status_callback_urls[1]');
    expect(answer.json.error.message).not.toContain('s3cret');
    expect(t.ledger.state.requests.size).toBe(0);
  });
});

describe('OpenDSR endpoints without a signing key', () => {
  let off: TestService;
  beforeAll(async () => {
    off = await startTestService();
  });
  afterAll(() => off.close());

  it('answer 503 "OpenDSR is not configured" as a problem, after the key check', async () => {
    const discovery = await call(off.baseUrl, 'GET', '/opendsr/v1/discovery');
    expect(discovery.status).toBe(503);
    expect(discovery.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(discovery.json).toMatchObject({ type: 'urn:mixpanel-gdpr:problem:not-configured', status: 503 });
    expect(discovery.json.detail).toMatch(/OpenDSR is not configured/);
    expect(discovery.headers.get('x-opencompliance-signature')).toBeNull();
    const create = await call(off.baseUrl, 'POST', CREATE, { key: await off.key('submit'), body: opendsrRequest() });
    expect(create.status).toBe(503);
    const anonymous = await call(off.baseUrl, 'POST', CREATE, { body: opendsrRequest() });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error.code).toBe(401);
  });
});

function first_identity(value: string) {
  return { identity_type: 'controller_customer_id', identity_value: value, identity_format: 'raw' };
}
