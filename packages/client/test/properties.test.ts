import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMixpanelGdprClient } from '../src/createMixpanelGdprClient.js';
import { MixpanelGdprError, ValidationError } from '../src/errors.js';
import { fakeFetch, json, SECRETS, testOptions } from './helpers/fakeFetch.js';

const BASE = 'https://mixpanel.com/api/app';

describe('property: task ids never change the request path', () => {
  it('either refuses the id before sending, or requests exactly one path segment that decodes to it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.stringMatching(/^[./%?#\\a-z0-9-]{0,8}$/),
          fc.constantFrom('..', '.', '%2e%2e', 'a/../b'),
        ),
        async (taskId) => {
          const f = fakeFetch(json({ status: 'ok', results: { status: 'PENDING' } }));
          const client = createMixpanelGdprClient(testOptions(f).options);
          for (const op of [client.getDeletionStatus, client.getRetrievalStatus, client.cancelDeletion]) {
            const outcome = await op(taskId).then(
              () => 'sent',
              (e: unknown) => e,
            );
            if (outcome !== 'sent') expect(outcome).toBeInstanceOf(ValidationError);
          }
          for (const request of f.requests) {
            const url = new URL(request.url);
            const rest = url.pathname.replace(/^\/api\/app\/data-(deletions|retrievals)\/v3\.0\//, '');
            expect(url.origin).toBe(new URL(BASE).origin);
            expect(url.pathname).toMatch(/^\/api\/app\/data-(deletions|retrievals)\/v3\.0\/[^/]+$/);
            expect(rest).not.toContain('/');
            expect(decodeURIComponent(rest)).toBe(taskId);
            expect(url.search).toBe(`?token=${SECRETS.projectToken}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

const anyBody = fc.oneof(
  fc.json(),
  fc.string(),
  fc
    .record({
      status: fc.constantFrom('ok', 'error'),
      results: fc.oneof(
        fc.anything(),
        fc.record({
          status: fc.oneof(fc.string(), fc.constantFrom('SUCCESS', 'pending')),
          result: fc.anything(),
          task_id: fc.anything(),
        }),
        fc.array(fc.record({ tracking_id: fc.anything() })),
      ),
    })
    .map((v) => JSON.stringify(v)),
);

describe('property: any server response ends in a typed result or a typed error', () => {
  it('never crashes, hangs or throws anything outside the error tree', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(200, 201, 204, 400, 401, 403, 404, 405, 409, 418, 429, 500, 503),
        anyBody,
        fc.boolean(),
        async (status, body, withRetryAfter) => {
          const response = () =>
            new Response(status === 204 ? null : body, {
              status,
              headers: withRetryAfter ? { 'retry-after': '99999' } : {},
            });
          const client = createMixpanelGdprClient(testOptions(fakeFetch(response), { maxRetries: 1 }).options);
          const calls = [
            () => client.createDeletion({ distinctIds: ['u1'], complianceType: 'GDPR' }),
            () => client.createRetrieval({ distinctIds: ['u1'], complianceType: 'CCPA' }),
            () => client.getDeletionStatus('t1'),
            () => client.getRetrievalStatus('t1'),
            () => client.cancelDeletion('t1'),
          ];
          for (const call of calls) {
            const outcome = await call().then(
              (value) => ({ value }),
              (error: unknown) => ({ error }),
            );
            if ('error' in outcome) expect(outcome.error).toBeInstanceOf(MixpanelGdprError);
            else expect(outcome.value).toHaveProperty('taskId');
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('property: any options either build a client or fail with a ValidationError naming an option', () => {
  it('never throws anything else, and never echoes a token', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            oauthToken: fc.oneof(fc.string(), fc.constant(SECRETS.oauthToken)),
            projectToken: fc.oneof(fc.string(), fc.constant(SECRETS.projectToken)),
            region: fc.oneof(fc.constantFrom('us', 'eu', 'in'), fc.string(), fc.anything()),
            baseUrl: fc.oneof(fc.webUrl(), fc.string(), fc.constant('http://127.0.0.1:1')),
            timeoutMs: fc.oneof(fc.integer(), fc.double(), fc.anything()),
            maxRetries: fc.oneof(fc.integer({ min: -2, max: 10 }), fc.anything()),
          },
          { requiredKeys: [] },
        ),
        (options) => {
          try {
            createMixpanelGdprClient(options as never);
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
            const field = (error as ValidationError).field;
            expect(['oauthToken', 'projectToken', 'region', 'baseUrl', 'timeoutMs', 'maxRetries', 'options']).toContain(
              field,
            );
            if (field === 'oauthToken' || field === 'projectToken') {
              const value = (options as Record<string, unknown>)[field];
              if (typeof value === 'string' && value.length > 3) expect((error as Error).message).not.toContain(value);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
