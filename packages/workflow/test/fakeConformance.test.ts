/**
 * The fake must answer as the spec says. A whole workflow (every operation,
 * conflicts, cancels too late, 404s, injected 429s and 5xx) runs through
 * `prism proxy spec/… --errors` in front of it; any response that violates
 * the spec comes back from Prism as an error with `sl-violations`.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMixpanelGdprClient } from '@mixpanel-gdpr/client';
import { type FakeMixpanel, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrism } from '../../../scripts/prism.mjs';
import { createWorkflow, MemoryLedger } from '../src/index.js';

let fake: FakeMixpanel;
let prism: Awaited<ReturnType<typeof startPrism>>;
let dir: string;
const violations: string[] = [];
/** The fake's clock, held still while a cancel must find its task pending however busy the machine is. */
let frozenAt: number | undefined;
const realNow = () => performance.timeOrigin + performance.now();

beforeAll(async () => {
  fake = await startFakeMixpanel({
    timings: { pendingMs: 300, stagingMs: 100, startedMs: 100 },
    faults: { rate429: 0.15, rate5xx: 0.1, retryAfterSeconds: 0 },
    now: () => frozenAt ?? realNow(),
  });
  prism = await startPrism({ mode: 'proxy', upstream: fake.url, args: ['--errors'] });
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-conf-'));
});
afterAll(async () => {
  await prism?.stop();
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

const client = (maxRetries = 0) =>
  createMixpanelGdprClient({
    oauthToken: 'fake-oauth-token',
    projectToken: 'fake-project-token',
    baseUrl: prism.url,
    maxRetries,
    fetch: async (input: RequestInfo | URL) => {
      const response = await fetch(input as Request);
      // Violations come as an sl-violations header; a response Prism cannot even parse comes as its own problem+json error.
      const header =
        response.headers.get('sl-violations') ??
        (response.headers.get('content-type')?.includes('problem+json') ? await response.clone().text() : null);
      if (header)
        violations.push(
          `${(input as Request).method} ${new URL((input as Request).url).pathname} → ${response.status}: ${header}`,
        );
      return response;
    },
  });

describe('the fake Mixpanel, checked by prism proxy against the spec', () => {
  it('answers a full deletion and retrieval workflow without a single violation', async () => {
    const workflow = createWorkflow({
      client: client(),
      ledger: new MemoryLedger(),
      exportDir: dir,
      ratePerSecond: 40,
      pollMinDelayMs: 50,
      pollMaxDelayMs: 200,
      errorBackoffMs: 10,
      rateLimitBackoffMs: 10,
    });
    const deletion = await workflow.createJob({
      kind: 'deletion',
      complianceType: 'GDPR',
      ids: Array.from({ length: 30 }, (_, i) => `u${i}`),
    });
    frozenAt = realNow();
    await workflow.run(deletion);
    const again = await workflow.createJob({ kind: 'deletion', complianceType: 'CCPA', ids: ['u1', 'u2', 'new-1'] });
    await workflow.run(again); // 409 then the remainder
    await workflow.cancel(again);
    frozenAt = undefined;
    const retrieval = await workflow.createJob({
      kind: 'retrieval',
      complianceType: 'CCPA',
      disclosureType: 'Sources',
      ids: ['r1', 'r2'],
    });
    const summaries = [await workflow.run(deletion, { wait: true }), await workflow.run(retrieval, { wait: true })];
    expect(summaries.map((s) => s.complete)).toEqual([true, true]);
    expect(await workflow.cancel(deletion)).toEqual({ cancelled: 0, tooLate: 0, nothingToCancel: true });
    await expect(client(3).getRetrievalStatus('no-such-task')).rejects.toMatchObject({ status: 404 });
    // The random faults above depend on timing; these make sure each kind crosses the proxy at least once.
    const [task] = fake.tasks.keys();
    for (const [faults, status] of [
      [{ rate429: 1 }, 429],
      [{ rate5xx: 1 }, 500],
    ] as const) {
      fake.setFaults(faults);
      await expect(client().getDeletionStatus(task!)).rejects.toMatchObject({ status });
    }
    fake.setFaults({});
    const statuses = new Set(fake.requests.map((r) => r.status));
    for (const status of [200, 201, 204, 404, 409, 429, 500])
      expect(statuses, `status ${status} exercised`).toContain(status);
    expect(violations).toEqual([]);
  });

  it('reports a violation when the upstream breaks the spec (so the check above can fail)', async () => {
    fake.setFaults({ rateMalformed: 1 });
    await client()
      .getDeletionStatus('anything')
      .catch(() => undefined);
    fake.setFaults({});
    // A malformed body is not JSON: Prism refuses to pass it on.
    expect(violations.join('\n')).toContain('invalid json response body');
    violations.length = 0;
  });
});
