import { describe, expect, it } from 'vitest';
import { createMixpanelGdprClient } from '../src/createMixpanelGdprClient.js';
import { created, fakeFetch, json, SECRETS, testOptions } from './helpers/fakeFetch.js';

describe('auth and request shape', () => {
  it('sends the bearer token, the project token, JSON and a user agent to the region URL', async () => {
    const f = fakeFetch(created());
    await createMixpanelGdprClient(testOptions(f, { region: 'eu' }).options).createDeletion({
      distinctIds: ['u1'],
      complianceType: 'GDPR',
    });
    const [request] = f.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe(`https://eu.mixpanel.com/api/app/data-deletions/v3.0?token=${SECRETS.projectToken}`);
    expect(request!.headers.get('authorization')).toBe(`Bearer ${SECRETS.oauthToken}`);
    expect(request!.headers.get('content-type')).toBe('application/json');
    expect(request!.headers.get('user-agent')).toMatch(/^mixpanel-gdpr-client/);
  });

  it('uses the India host for region "in"', async () => {
    const f = fakeFetch(json({ status: 'ok', results: { status: 'PENDING' } }));
    await createMixpanelGdprClient(testOptions(f, { region: 'in' }).options).getRetrievalStatus('t1');
    expect(f.requests[0]!.url).toBe(
      `https://in.mixpanel.com/api/app/data-retrievals/v3.0/t1?token=${SECRETS.projectToken}`,
    );
  });

  it('fills in the project token on raw calls', async () => {
    const f = fakeFetch(json({ status: 'ok', results: { status: 'PENDING' } }));
    const { data } = await createMixpanelGdprClient(testOptions(f).options).raw.GET('/data-deletions/v3.0/{taskId}', {
      params: { path: { taskId: 't1' } },
    });
    expect(data).toEqual({ status: 'ok', results: { status: 'PENDING' } });
    expect(new URL(f.requests[0]!.url).searchParams.get('token')).toBe(SECRETS.projectToken);
    expect(f.requests[0]!.headers.get('authorization')).toBe(`Bearer ${SECRETS.oauthToken}`);
  });

  it('keeps the raw body when it adds the token to a raw POST', async () => {
    const f = fakeFetch(created());
    const { data } = await createMixpanelGdprClient(testOptions(f).options).raw.POST('/data-deletions/v3.0', {
      body: { distinct_ids: ['u1'], compliance_type: 'GDPR' },
    });
    expect(data).toEqual({ status: 'ok', results: { task_id: 'task-1' } });
    expect(JSON.parse(f.bodies[0]!)).toEqual({ distinct_ids: ['u1'], compliance_type: 'GDPR' });
  });

  it('never sends the bearer token or the project token to another host', async () => {
    const f = fakeFetch(json({ status: 'ok', results: { status: 'PENDING' } }));
    await createMixpanelGdprClient(testOptions(f).options).raw.GET('/data-deletions/v3.0/{taskId}', {
      baseUrl: 'https://evil.example.com/api/app',
      params: { path: { taskId: 't1' } },
    });
    expect(f.requests[0]!.headers.get('authorization')).toBeNull();
    expect(f.requests[0]!.url).not.toContain(SECRETS.projectToken);
  });

  it('returns openapi-fetch { data, error, response } from raw calls without throwing on HTTP errors', async () => {
    const f = fakeFetch(json({ status: 'error', error: 'Task not found' }, 404));
    const result = await createMixpanelGdprClient(testOptions(f).options).raw.GET('/data-retrievals/v3.0/{taskId}', {
      params: { path: { taskId: 't1' } },
    });
    expect(result.response.status).toBe(404);
    expect(result.error).toEqual({ status: 'error', error: 'Task not found' });
    expect(result.data).toBeUndefined();
  });
});
