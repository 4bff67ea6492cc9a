/**
 * The client against a real Prism mock of spec/service.openapi.yml, started
 * here as a process on a free loopback port: every documented success
 * example of every operation comes back through the client exactly as the
 * spec has it, no request the client sends breaks the spec, and a request
 * Prism refuses surfaces as a ServiceProblemError naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_SPEC_PATH, startPrism } from '../../../scripts/prism.mjs';
import {
  createServiceClient,
  type NewServiceRequest,
  type OpenDsrRequest,
  type ServiceClient,
  ServiceProblemError,
  signIn,
} from '../src/index.js';
import { specOperations, successExamples } from './helpers/spec.js';

let prism: Awaited<ReturnType<typeof startPrism>>;
/** Prism's `sl-violations` per request: what it found wrong with what the client sent. */
const violations: string[] = [];

beforeAll(async () => {
  prism = await startPrism({ spec: SERVICE_SPEC_PATH, args: ['--errors'] });
});
afterAll(async () => {
  await prism?.stop();
});

/** A fetch that asks Prism for one example (and sends the dashboard's cookie, which Node's fetch does not keep). */
function fetchPreferring(prefer?: string): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    if (prefer) request.headers.set('Prefer', prefer);
    request.headers.set('Cookie', 'mgdpr_session=contract-test-session');
    const response = await fetch(request);
    const violation = response.headers.get('sl-violations');
    if (violation) violations.push(`${request.method} ${new URL(request.url).pathname}: ${violation}`);
    return response;
  };
}

function clientPreferring(prefer?: string): ServiceClient {
  return createServiceClient({ baseUrl: prism.url, apiKey: 'contract-test-key', fetch: fetchPreferring(prefer) });
}

const CSRF = 'c'.repeat(43);

const REQUEST_ID = 'req-20250302-091500-1a2b3c4d';
const SUBJECT = 'a7551968-d5d6-44b2-9831-815ac9017798';
const OPENDSR_REQUEST: OpenDsrRequest = {
  subject_request_id: SUBJECT,
  subject_request_type: 'erasure',
  regulation: 'gdpr',
  submitted_time: '2025-03-02T09:12:00Z',
  subject_identities: [
    { identity_type: 'controller_customer_id', identity_value: 'user-8812', identity_format: 'raw' },
  ],
  status_callback_urls: ['https://dsr.example.com/opendsr/callbacks'],
};

/** The data of a raw call, or its error thrown (so a failure shows what came back). */
async function dataOf(send: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<unknown> {
  const { data, error, response } = await send;
  if (!response.ok) throw new Error(`${response.status}: ${JSON.stringify(error)}`);
  return data;
}

const ndjson = () =>
  new Blob(['{"distinct_id":"user-1"}\n{"distinct_id":"user-2"}\n']).stream() as ReadableStream<Uint8Array>;

/** One call per operation (and media type where there are several), through the client's own method. */
const calls: Record<string, (c: ServiceClient, mediaType: string) => Promise<unknown>> = {
  getHealth: (c) => c.health(),
  getReadiness: (c) => c.readiness(),
  getMetrics: (c) => c.metrics(),
  createRequest: async (c) =>
    (
      await c.createRequest(
        {
          ticket: 'DSR-1042',
          kind: 'erasure',
          regulation: 'GDPR',
          receivedAt: '2025-03-02T09:12:00Z',
          distinctIds: ['user-8812', '8812@devices'],
          projects: ['web', 'mobile'],
          labels: { source: 'zendesk' },
          callbackUrl: 'https://tickets.example.com/hooks/dsr',
        },
        { idempotencyKey: '5d3c0f0e-1f7a-4b52-9a9e-3c1f7d0b2a61' },
      )
    ).value,
  listRequests: (c) => c.listRequests({ state: ['submitted', 'failed'], atRisk: true, project: 'web', limit: 10 }),
  createBulkRequest: async (c) =>
    (
      await c.uploadRequest(
        {
          ticket: 'ERASE-2025-03',
          kind: 'erasure',
          regulation: 'GDPR',
          receivedAt: '2025-03-01T08:00:00Z',
          project: ['web'],
          labels: { source: 'warehouse' },
          field: 'distinct_id',
        },
        ndjson(),
        { format: 'ndjson', idempotencyKey: 'bulk-1' },
      )
    ).value,
  getRequest: (c) => c.getRequest(REQUEST_ID),
  extendRequest: (c) => c.extendRequest(REQUEST_ID, 'Complex request: 14 linked accounts'),
  cancelRequest: (c) => c.cancelRequest(REQUEST_ID, 'Withdrawn by the data subject'),
  getEvidence: (c, mediaType) =>
    mediaType === 'text/markdown' ? c.getEvidenceMarkdown(REQUEST_ID) : c.getEvidence(REQUEST_ID),
  listExports: (c) => c.listExports(REQUEST_ID),
  downloadExport: async (c) => new Response((await c.downloadExport(REQUEST_ID, 'web')).body).text(),
  listProjects: (c) => c.listProjects(),
  getDeadlines: (c) => c.getDeadlines({ days: 45 }),
  listSubjects: (c) => c.listSubjects(REQUEST_ID, { limit: 100 }),
  // The session operations, as the dashboard calls them: signIn with a key, then a session client.
  signIn: (c) =>
    signIn({ baseUrl: c.baseUrl, apiKey: 'mgdpr_0123456789abcdef_key', fetch: (c as Preferring).preferring }),
  getSession: (c) => sessionClient(c).getSession(),
  signOut: (c) => sessionClient(c).signOut(),
  opendsrDiscovery: (c) => dataOf(c.raw.GET('/opendsr/v1/discovery')),
  opendsrCertificate: (c) =>
    dataOf(
      c.raw.GET('/opendsr/v1/certificate.pem', { parseAs: 'text', headers: { Accept: 'application/x-pem-file' } }),
    ),
  opendsrCreateRequest: (c) => dataOf(c.raw.POST('/opendsr/v1/opencompliance_requests', { body: OPENDSR_REQUEST })),
  opendsrGetRequest: (c) =>
    dataOf(
      c.raw.GET('/opendsr/v1/opencompliance_requests/{subject_request_id}', {
        params: { path: { subject_request_id: SUBJECT } },
      }),
    ),
  opendsrCancelRequest: (c) =>
    dataOf(
      c.raw.DELETE('/opendsr/v1/opencompliance_requests/{subject_request_id}', {
        params: { path: { subject_request_id: SUBJECT } },
      }),
    ),
  opendsrCreateRequestLegacy: (c) => dataOf(c.raw.POST('/opendsr/v1/opengdpr_requests', { body: OPENDSR_REQUEST })),
  opendsrGetRequestLegacy: (c) =>
    dataOf(
      c.raw.GET('/opendsr/v1/opengdpr_requests/{subject_request_id}', {
        params: { path: { subject_request_id: SUBJECT } },
      }),
    ),
  opendsrCancelRequestLegacy: (c) =>
    dataOf(
      c.raw.DELETE('/opendsr/v1/opengdpr_requests/{subject_request_id}', {
        params: { path: { subject_request_id: SUBJECT } },
      }),
    ),
};

type Preferring = ServiceClient & { preferring: typeof fetch };

function sessionClient(c: ServiceClient): ServiceClient {
  return createServiceClient({ baseUrl: c.baseUrl, session: { csrfToken: CSRF }, fetch: (c as Preferring).preferring });
}

describe('the client against the Prism mock of the service spec', () => {
  it('has a call for every operation of the spec, and every operation has a success example', () => {
    const operations = specOperations().map(({ op }) => op.operationId);
    expect(Object.keys(calls).sort()).toEqual([...operations].sort());
    const withExamples = new Set(successExamples().map((e) => e.operationId));
    // A 204 (sign-out) has no body to exemplify.
    const withBodies = specOperations()
      .filter(({ op }) => Object.keys(op.responses).some((status) => /^2\d\d$/.test(status) && status !== '204'))
      .map(({ op }) => op.operationId);
    expect(withBodies.filter((id) => !withExamples.has(id))).toEqual([]);
  });

  it.each(successExamples().map((e) => [`${e.operationId} ${e.status} ${e.mediaType} ${e.name}`, e] as const))(
    '%s comes back through the client as documented',
    async (_, example) => {
      const before = violations.length;
      const prefer = `code=${example.status}, example=${example.name}`;
      const client = Object.assign(clientPreferring(prefer), { preferring: fetchPreferring(prefer) });
      const data = await calls[example.operationId]!(client, example.mediaType);
      expect(data).toEqual(example.value);
      expect(violations.slice(before)).toEqual([]);
    },
  );

  it('signs out through a session client as documented (204, no body)', async () => {
    const before = violations.length;
    const prefer = 'code=204';
    await expect(
      sessionClient(Object.assign(clientPreferring(prefer), { preferring: fetchPreferring(prefer) })).signOut(),
    ).resolves.toBeUndefined();
    expect(violations.slice(before)).toEqual([]);
  });

  it('tells a create answered 201 from one answered 200 (already recorded)', async () => {
    const input: NewServiceRequest = {
      ticket: 'DSR-1042',
      kind: 'erasure',
      regulation: 'GDPR',
      receivedAt: '2025-03-02T09:12:00Z',
      distinctIds: ['user-8812'],
      projects: ['web'],
    };
    expect((await clientPreferring('code=201').createRequest(input)).created).toBe(true);
    expect((await clientPreferring('code=200').createRequest(input)).created).toBe(false);
  });

  it('surfaces a body Prism refuses as a ServiceProblemError naming the bad field', async () => {
    const before = violations.length;
    const error = await clientPreferring()
      .createRequest({
        ticket: 'DSR-1042',
        kind: 'erasure',
        regulation: 'GDPR',
        receivedAt: '2025-03-02T09:12:00Z',
        distinctIds: ['user-8812', 'user\u0007'],
        projects: ['web'],
      })
      .catch((e: unknown) => e);
    // Prism itself found the control character in distinctIds[1]...
    expect(violations.slice(before).join()).toContain('"location":["request","body","distinctIds","1"]');
    // ...and answered with the spec's 400, which the client turns into an error naming the field.
    expect(error).toBeInstanceOf(ServiceProblemError);
    const problem = error as ServiceProblemError;
    expect(problem.status).toBe(400);
    expect(problem.type).toBe('urn:mixpanel-gdpr:problem:validation');
    expect(problem.field).toBe('/distinctIds/1');
    expect(problem.fieldErrors.map((e) => e.field)).toEqual(['/distinctIds/1']);
    expect(problem.message).toContain('POST /v1/requests answered 400 Invalid request');
    expect(problem.message).toContain('/distinctIds/1: must not contain control characters');
  });

  it('surfaces a query Prism refuses as a ServiceProblemError naming the parameter', async () => {
    const before = violations.length;
    const error = await clientPreferring()
      .listRequests({ limit: 5000 })
      .catch((e: unknown) => e);
    expect(violations.slice(before).join()).toContain('"location":["request","query","limit"]');
    expect(error).toBeInstanceOf(ServiceProblemError);
    expect((error as ServiceProblemError).fieldErrors[0]?.field).toBe('query.limit');
  });

  it('gets the 401 problem when the key is missing (Prism checks the security scheme)', async () => {
    const response = await fetch(`${prism.url}/v1/requests`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(((await response.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe('header.Authorization');
  });
});
