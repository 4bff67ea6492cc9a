/**
 * The running service behind `prism proxy --errors spec/service.openapi.yml`:
 * Prism checks every request and every answer against the spec, and turns
 * any answer that breaks it into an error carrying `sl-violations`. Each
 * operation is called for its documented statuses.
 */
import { join } from 'node:path';
import type { FakeMixpanel } from '@mixpanel-gdpr/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPrism, SERVICE_SPEC_PATH, startPrism } from '../../../scripts/prism.mjs';
import { fakeWorkflows } from './helpers/fakeWorkflows.js';
import { NOW, startTestService, type TestService } from './helpers/startTestService.js';

let t: TestService;
let prism: RunningPrism;
const fakes: FakeMixpanel[] = [];
const keys: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestService({ workflows: fakeWorkflows(fakes), intakePerMinute: 1_000 });
  for (const scope of ['read', 'submit', 'admin'] as const) keys[scope] = await t.key(scope);
  keys.all = await t.key('read', 'submit', 'admin');
  prism = await startPrism({ mode: 'proxy', spec: SERVICE_SPEC_PATH, upstream: t.baseUrl, args: ['--errors'] });
}, 90_000);

afterAll(async () => {
  await prism?.stop();
  await t?.close();
  await Promise.all(fakes.map((f) => f.close()));
});

interface Call {
  method?: string;
  path: string;
  key?: keyof typeof keys;
  json?: unknown;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Calls the service through Prism; fails the test on any spec violation Prism reports. */
async function call(c: Call, status: number): Promise<Response> {
  const headers: Record<string, string> = { ...c.headers };
  if (c.key) headers.authorization = `Bearer ${keys[c.key]}`;
  if (c.json !== undefined) headers['content-type'] = 'application/json';
  if (c.contentType) headers['content-type'] = c.contentType;
  const response = await fetch(`${prism.url}${c.path}`, {
    method: c.method ?? 'GET',
    headers,
    ...(c.json !== undefined ? { body: JSON.stringify(c.json) } : c.body !== undefined ? { body: c.body } : {}),
  });
  const violations = response.headers.get('sl-violations');
  const text = await response.clone().text();
  expect(violations, `${c.method ?? 'GET'} ${c.path}: ${text.slice(0, 300)}`).toBeNull();
  expect(response.status, `${c.method ?? 'GET'} ${c.path}: ${text.slice(0, 300)}`).toBe(status);
  return response;
}

const receivedAt = new Date(NOW - 3_600_000).toISOString();
const erasure = (ticket: string, extra: Record<string, unknown> = {}) => ({
  ticket,
  kind: 'erasure',
  regulation: 'GDPR',
  receivedAt,
  distinctIds: ['c-1', 'c-2'],
  projects: ['web', 'mobile'],
  ...extra,
});

describe('the service through prism proxy --errors', () => {
  it('answers health, readiness and metrics as documented', async () => {
    await call({ path: '/healthz' }, 200);
    await call({ path: '/readyz' }, 200);
    await call({ path: '/metrics', key: 'admin' }, 200);
    await call({ path: '/metrics', key: 'read' }, 403);
    await call({ path: '/metrics' }, 401);
  });

  it('files, lists, shows, extends, cancels and documents requests, and refuses as documented', async () => {
    const created = (await (
      await call({ method: 'POST', path: '/v1/requests', key: 'submit', json: erasure('C-1') }, 201)
    ).json()) as {
      requestId: string;
    };
    await call({ method: 'POST', path: '/v1/requests', key: 'submit', json: erasure('C-1') }, 200);
    await call(
      { method: 'POST', path: '/v1/requests', key: 'submit', json: erasure('C-1', { distinctIds: ['other'] }) },
      409,
    );
    await call(
      { method: 'POST', path: '/v1/requests', key: 'submit', json: erasure('C-2', { projects: ['billing'] }) },
      400,
    );
    await call({ method: 'POST', path: '/v1/requests', key: 'read', json: erasure('C-3') }, 403);
    await call({ method: 'POST', path: '/v1/requests', json: erasure('C-3') }, 401);
    await call({ path: '/v1/requests?limit=1', key: 'read' }, 200);
    await call({ path: '/v1/requests?cursor=bm90LWEtY3Vyc29y', key: 'read' }, 400);
    const id = created.requestId;
    await call({ path: `/v1/requests/${id}`, key: 'read' }, 200);
    await call({ path: '/v1/requests/req-20260101-000000-00000000', key: 'read' }, 404);
    await call({ path: `/v1/requests/${id}/evidence`, key: 'read' }, 200);
    await call({ path: `/v1/requests/${id}/evidence?format=markdown`, key: 'read' }, 200);
    await call(
      { method: 'POST', path: `/v1/requests/${id}/extension`, key: 'submit', json: { reason: 'complex' } },
      200,
    );
    await call({ method: 'POST', path: `/v1/requests/${id}/extension`, key: 'submit', json: { reason: 'again' } }, 409);
    await call(
      { method: 'POST', path: `/v1/requests/${id}/cancel`, key: 'submit', json: { reason: 'withdrawn' } },
      403,
    );
    await call({ method: 'POST', path: `/v1/requests/${id}/cancel`, key: 'admin', json: { reason: 'withdrawn' } }, 200);
    await call({ method: 'POST', path: `/v1/requests/${id}/cancel`, key: 'admin', json: { reason: 'again' } }, 409);
    await call({ path: `/v1/requests/${id}/subjects?limit=1`, key: 'read' }, 200);
    await call({ path: `/v1/requests/${id}/subjects?cursor=bm90LWEtY3Vyc29y`, key: 'read' }, 400);
    await call({ path: '/v1/projects', key: 'read' }, 200);
    await call({ path: '/v1/deadlines?days=10', key: 'read' }, 200);
  });

  it('takes bulk uploads as documented', async () => {
    const query = `ticket=CB-1&kind=erasure&regulation=GDPR&receivedAt=${encodeURIComponent(receivedAt)}&project=web`;
    const upload = {
      method: 'POST',
      path: `/v1/requests/bulk?${query}`,
      key: 'submit' as const,
      contentType: 'text/plain',
    };
    await call({ ...upload, body: 'b-1\nb-2\n' }, 201);
    await call({ ...upload, body: 'b-1\nb-2\n' }, 200);
    await call({ ...upload, body: 'b-3\n' }, 409);
    await call({ ...upload, path: upload.path.replace('CB-1', 'CB-2'), body: '\n' }, 400);
  });

  it('lists and serves an access export once fetched, to submit keys only', async () => {
    const created = (await (
      await call(
        {
          method: 'POST',
          path: '/v1/requests',
          key: 'submit',
          json: { ...erasure('CA-1'), kind: 'access', distinctIds: ['s-1'], projects: ['web'] },
        },
        201,
      )
    ).json()) as { requestId: string };
    const request = t.ledger.state.requests.get(created.requestId)!;
    const runs = await t.desk.run(await t.desk.plan([request], { exportDir: join(t.dir, 'exports') }), { wait: true });
    expect(runs.map((r) => r.error)).toEqual([undefined]);
    await call({ path: `/v1/requests/${created.requestId}/exports`, key: 'submit' }, 200);
    await call({ path: `/v1/requests/${created.requestId}/exports`, key: 'read' }, 403);
    const zip = await call({ path: `/v1/requests/${created.requestId}/exports/web`, key: 'submit' }, 200);
    expect(zip.headers.get('repr-digest')).toMatch(/^sha-256=:[A-Za-z0-9+/]+=*:$/);
    await call({ path: `/v1/requests/${created.requestId}/exports/mobile`, key: 'submit' }, 404);
  });
});
