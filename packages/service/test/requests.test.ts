import type { NewServiceRequest } from '@mixpanel-gdpr/service-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { problemOf } from './helpers/problemOf.js';
import { NOW, startTestService, type TestService } from './helpers/startTestService.js';

let t: TestService;
beforeEach(async () => {
  t = await startTestService();
});
afterEach(() => t.close());

const erasure = (ticket: string, overrides: Partial<NewServiceRequest> = {}): NewServiceRequest => ({
  ticket,
  kind: 'erasure',
  regulation: 'GDPR',
  receivedAt: new Date(NOW - 3_600_000).toISOString(),
  distinctIds: ['user-1', 'user-1@devices'],
  projects: ['web', 'mobile'],
  ...overrides,
});

describe('the service: requests', () => {
  it('files a request once: 201 with its due date, 200 for the same again, 409 for the same ticket with other ids', async () => {
    const submit = await t.client('submit', 'read');
    const first = await submit.createRequest(erasure('DSR-1'));
    expect(first.created).toBe(true);
    expect(first.value).toMatchObject({
      ticket: 'DSR-1',
      state: 'not_submitted',
      idCount: 2,
      deadline: { dueDate: '2026-12-30', originalDueDate: '2026-12-30', overdue: false },
    });
    const again = await submit.createRequest(erasure('DSR-1'));
    expect(again).toEqual({ created: false, value: first.value });
    const other = await problemOf(submit.createRequest(erasure('DSR-1', { distinctIds: ['someone-else'] })));
    expect(other.status).toBe(409);
    expect(other.problem!.type).toBe('urn:mixpanel-gdpr:problem:ticket-conflict');
    expect(t.ledger.state.requests.size).toBe(1);
  });

  it('answers a retried POST with the same Idempotency-Key from the first, and refuses that key with another body', async () => {
    const submit = await t.client('submit');
    const first = await submit.createRequest(erasure('DSR-2'), { idempotencyKey: 'k-1' });
    const retry = await submit.createRequest(erasure('DSR-2'), { idempotencyKey: 'k-1' });
    expect(retry.value.requestId).toBe(first.value.requestId);
    expect(retry.created).toBe(true);
    const reused = await problemOf(submit.createRequest(erasure('DSR-3'), { idempotencyKey: 'k-1' }));
    expect(reused.status).toBe(409);
    expect(reused.problem!.type).toBe('urn:mixpanel-gdpr:problem:idempotency-key-reused');
    expect(t.ledger.state.requests.size).toBe(1);
    // The raw key is never stored: only its keyed hash.
    expect(JSON.stringify([...t.ledger.state.requests.values()])).not.toContain('k-1');
  });

  it('refuses bad input with 400 naming the field, and records nothing', async () => {
    const submit = await t.client('submit');
    const cases: Array<[Partial<NewServiceRequest> & Record<string, unknown>, string]> = [
      // JSON Pointers into the body, as the spec's FieldError says.
      [{ distinctIds: ['ok', ''] }, '/distinctIds/1'],
      [{ receivedAt: 'yesterday' }, '/receivedAt'],
      [{ projects: ['web', 'billing'] }, '/projects/1'],
      [{ regulation: 'LGPD' as never }, '/regulation'],
      [{ surprise: true }, '/surprise'],
      [{ receivedAt: new Date(NOW + 86_400_000).toISOString() }, '/receivedAt'],
      [{ callbackUrl: 'http://10.0.0.1/hook' }, '/callbackUrl'],
      [{ disclosureType: 'Data' }, '/disclosureType'],
    ];
    for (const [overrides, field] of cases) {
      const problem = await problemOf(submit.createRequest(erasure('BAD', overrides)));
      expect(problem.status, field).toBe(400);
      expect(problem.problem!.type).toBe('urn:mixpanel-gdpr:problem:validation');
      expect(problem.fieldErrors.map((e) => e.field)).toContain(field);
    }
    expect(t.ledger.state.requests.size).toBe(0);
  });

  it('needs a key with the right scope: none 401, read-only 403 to file, revoked or mistyped 401; the key is never logged', async () => {
    const anonymous = await fetch(`${t.baseUrl}/v1/requests`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const readKey = await t.key('read');
    const reader = await fetch(`${t.baseUrl}/v1/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(erasure('DSR-9')),
    });
    expect(reader.status).toBe(403);
    expect(((await reader.json()) as { detail: string }).detail).toMatch(/lacks the submit scope/);
    const mistyped = await fetch(`${t.baseUrl}/v1/requests`, {
      headers: { authorization: `Bearer ${readKey.slice(0, -1)}x` },
    });
    expect(mistyped.status).toBe(401);
    expect(t.ledger.state.requests.size).toBe(0);
    expect(t.logs.join('')).not.toContain(readKey.slice('mgdpr_0123456789abcdef_'.length));
    const health = await fetch(`${t.baseUrl}/healthz`);
    expect(await health.json()).toMatchObject({ status: 'ok', version: '0.0.0-test' });
  });

  it('lists earliest due first, a page at a time, filtered; a cursor only with its own filters', async () => {
    const submit = await t.client('submit', 'read');
    for (let i = 0; i < 7; i++)
      await submit.createRequest(
        erasure(`L-${i}`, {
          receivedAt: new Date(NOW - (i + 1) * 86_400_000).toISOString(),
          ...(i % 2 === 1 && { regulation: 'CCPA' }),
        }),
      );
    const seen: string[] = [];
    let page = await submit.listRequests({ limit: 3 });
    for (;;) {
      seen.push(...page.items.map((r) => r.ticket));
      if (!page.nextCursor) break;
      page = await submit.listRequests({ limit: 3, cursor: page.nextCursor });
    }
    // GDPR: a month; CCPA: 45 days. Oldest GDPR first, then the CCPA ones.
    expect(seen).toEqual(['L-6', 'L-4', 'L-2', 'L-0', 'L-5', 'L-3', 'L-1']);
    const ccpa = await submit.listRequests({ regulation: 'CCPA', limit: 2 });
    expect(ccpa.items.map((r) => r.ticket)).toEqual(['L-5', 'L-3']);
    const misuse = await problemOf(submit.listRequests({ regulation: 'GDPR', cursor: ccpa.nextCursor! }));
    expect(misuse.fieldErrors[0]?.field).toBe('query.cursor');
    expect((await submit.listRequests({ ticket: 'l-4' })).items.map((r) => r.ticket)).toEqual(['L-4']);
  });

  it('shows one request with its projects, extends it once, cancels it once, and gives its evidence', async () => {
    const submit = await t.client('submit', 'read');
    const { value } = await submit.createRequest(erasure('DSR-5'));
    const detail = await submit.getRequest(value.requestId);
    expect(detail.projects.map((p) => [p.project, p.state, p.tasks])).toEqual([
      ['web', 'not_submitted', []],
      ['mobile', 'not_submitted', []],
    ]);
    const extended = await submit.extendRequest(value.requestId, 'complex: many systems');
    expect(extended.deadline.extension).toMatchObject({ reason: 'complex: many systems', dueDate: '2027-02-28' });
    expect((await problemOf(submit.extendRequest(value.requestId, 'again'))).status).toBe(409);
    // Withdrawing a legal request takes the admin scope: a submit key (an intake form) cannot.
    expect((await problemOf(submit.cancelRequest(value.requestId, 'withdrawn by the subject'))).status).toBe(403);
    const admin = await t.client('admin');
    const cancelled = await admin.cancelRequest(value.requestId, 'withdrawn by the subject');
    expect(cancelled.state).toBe('cancelled');
    expect((await problemOf(admin.cancelRequest(value.requestId, 'again'))).problem!.type).toBe(
      'urn:mixpanel-gdpr:problem:already-done',
    );
    const pack = await submit.getEvidence(value.requestId);
    expect(pack).toMatchObject({ format: 'mixpanel-gdpr-evidence', request: { ticket: 'DSR-5' } });
    expect(await submit.getEvidenceMarkdown(value.requestId)).toMatch(/^# Evidence: erasure request DSR-5/);
    expect((await problemOf(submit.getRequest('req-20260101-000000-00000000'))).status).toBe(404);
    // Not even a request id: refused by the spec's pattern before anything is looked up.
    expect((await problemOf(submit.getRequest('..%2Fkeys'))).status).toBe(400);
  });

  it('slows one key down past its intake limit with 429 and Retry-After, before storing anything', async () => {
    await t.close();
    t = await startTestService({ intakePerMinute: 2 });
    const submit = await t.client('submit');
    await submit.createRequest(erasure('R-1'));
    await submit.createRequest(erasure('R-2'));
    const limited = await problemOf(submit.createRequest(erasure('R-3')));
    expect(limited.status).toBe(429);
    expect(limited.retryAfterMs).toBe(30_000);
    expect(t.ledger.state.requests.size).toBe(2);
    t.clock.ms += 30_000;
    await submit.createRequest(erasure('R-3'));
    expect(t.ledger.state.requests.size).toBe(3);
  });

  it('serves metrics to an admin key only', async () => {
    const admin = await t.client('admin');
    const reader = await t.client('read');
    await (await t.client('submit')).createRequest(erasure('M-1'));
    expect(await admin.metrics()).toMatch(/mixpanel_gdpr_requests\{state="not_submitted"\} 1/);
    expect((await problemOf(reader.metrics())).status).toBe(403);
  });
});

describe('FieldError.field', () => {
  it('is a JSON Pointer into the body, or the place and name of a parameter', async () => {
    const { fieldErrorsOf, bodyPointer } = await import('../src/fieldErrorsOf.js');
    const error = (instancePath: string, keyword = 'pattern', params = {}) => ({
      instancePath,
      keyword,
      params,
      message: 'must match',
    });
    expect(fieldErrorsOf([error('/labels/a~1b')], 'body')).toEqual([
      { field: '/labels/a~1b', message: 'labels.a/b must match' },
    ]);
    expect(fieldErrorsOf([error('', 'required', { missingProperty: 'ticket' })], 'body')[0]!.field).toBe('/ticket');
    expect(fieldErrorsOf([error('/limit')], 'querystring')[0]!.field).toBe('query.limit');
    expect(fieldErrorsOf([error('/requestId')], 'params')[0]!.field).toBe('path.requestId');
    expect(bodyPointer('distinctIds[3]')).toBe('/distinctIds/3');
    expect(bodyPointer('labels.source')).toBe('/labels/source');
  });
});
