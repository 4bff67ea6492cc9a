/**
 * Contract tests: the client against a Prism mock of spec/, started here on
 * loopback with --errors so that any request that violates the spec fails.
 * Every operation, every documented response code, every named example.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrism } from '../../../scripts/prism.mjs';
import {
  type ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from '../src/errors.js';
import { createMixpanelGdprClient, type MixpanelGdprClient } from '../src/index.js';
import { specOperations } from './helpers/spec.js';

let prism: Awaited<ReturnType<typeof startPrism>>;
const violations: string[] = [];

beforeAll(async () => {
  prism = await startPrism({ args: ['--errors'] });
});
afterAll(async () => {
  await prism?.stop();
});

/** A client whose every request carries `Prefer`, recording any spec violation Prism reports. */
function clientPreferring(prefer?: string): MixpanelGdprClient {
  return createMixpanelGdprClient({
    oauthToken: 'contract-oauth-token',
    projectToken: 'contract-project-token',
    baseUrl: prism.url,
    maxRetries: 0,
    fetch: async (request: RequestInfo | URL) => {
      const req = request as Request;
      if (prefer) req.headers.set('Prefer', prefer);
      const response = await fetch(req);
      const violation = response.headers.get('sl-violations');
      if (violation) violations.push(`${req.method} ${new URL(req.url).pathname}: ${violation}`);
      return response;
    },
  });
}

const TASK = '8ab1c0d2-3f4e-4a5b-9c6d-7e8f9a0b1c2d';
const calls: Record<string, (c: MixpanelGdprClient) => Promise<unknown>> = {
  createRetrievalRequest: (c) =>
    c.createRetrieval({ distinctIds: ['u1', 'u2'], complianceType: 'CCPA', disclosureType: 'Categories' }),
  checkRetrievalStatus: (c) => c.getRetrievalStatus(TASK),
  createDeletionRequest: (c) => c.createDeletion({ distinctIds: ['u1', 'u2'], complianceType: 'GDPR' }),
  checkDeletionStatus: (c) => c.getDeletionStatus(TASK),
  cancelDeletionRequest: (c) => c.cancelDeletion(TASK),
};

const errorTypes: Record<string, typeof ApiError> = {
  '400': BadRequestError,
  '401': AuthenticationError,
  '403': PermissionDeniedError,
  '404': NotFoundError,
  '409': ConflictError,
  '429': RateLimitError,
  '500': InternalServerError,
};

const operations = specOperations();

describe('the client covers every operation of the spec', () => {
  it('has a friendly method for each operationId', () => {
    expect(operations.map((o) => o.op.operationId).sort()).toEqual(Object.keys(calls).sort());
  });
});

describe.each(operations)('$method $path ($op.operationId)', ({ op }) => {
  const call = calls[op.operationId]!;

  it.each(Object.keys(op.responses))('handles documented response %s', async (code) => {
    const outcome = await call(clientPreferring(`code=${code}`)).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    const status = Number(code);
    if (status < 300) {
      expect(outcome).toHaveProperty('value');
      if (op.operationId.startsWith('create')) expect((outcome as { value: unknown }).value).toEqual({ taskId: TASK });
      if (op.operationId === 'cancelDeletionRequest')
        expect((outcome as { value: unknown }).value).toEqual({ taskId: TASK, cancelled: true });
    } else if (status === 405) {
      expect((outcome as { value: unknown }).value).toMatchObject({ taskId: TASK, cancelled: false });
    } else {
      const { error } = outcome as { error: ApiError };
      expect(error).toBeInstanceOf(errorTypes[code]!);
      expect(error.status).toBe(status);
      expect(error.mixpanelMessage).toBeTruthy();
      if (status === 409) expect((error as ConflictError).conflictingDistinctIds).toEqual(['user-1']);
      if (status === 429) expect((error as RateLimitError).retryAfterMs).toBe(1000);
    }
    expect(violations).toEqual([]);
  });

  const examples = Object.keys(op.responses['200']?.content?.['application/json']?.examples ?? {});
  it.runIf(examples.length > 0).each(examples)('parses the named example %s', async (name) => {
    const status = (await call(clientPreferring(`example=${name}`))) as { status: string; downloadUrl?: string };
    expect(status.status).toBe(
      name.split('_')[0] === 'NOT' ? 'NOT_FOUND' : name.replace(/_(results|download_url)$/, ''),
    );
    if (op.operationId === 'checkRetrievalStatus' && name.startsWith('SUCCESS'))
      expect(status.downloadUrl).toMatch(/^https:\/\//);
    expect(violations).toEqual([]);
  });
});

describe('Prism enforces the spec on what the client sends', () => {
  it('rejects a request without the bearer token (so the client must be sending it)', async () => {
    const response = await fetch(`${prism.url}/data-deletions/v3.0/${TASK}?token=x`);
    expect(response.status).toBe(401);
  });

  it('reports a violation for a body the client would refuse to send (so the violation check can fail)', async () => {
    const before = violations.length;
    const { response } = await clientPreferring().raw.POST('/data-deletions/v3.0', {
      body: { distinct_ids: [], compliance_type: 'GDPR' },
    });
    expect(response.status).toBe(400);
    expect(violations.slice(before).join()).toContain('distinct_ids must NOT have fewer than 1 items');
    violations.length = before;
  });
});
