import { RedirectError } from '@mixpanel-gdpr/client';
import { describe, expect, it } from 'vitest';
import { createWorkflow, createWorkflowClient, MemoryLedger } from '../src/index.js';
import { ids } from './helpers/harness.js';

/** Creates after which the scripted server answers 401, so that a resend loop shows up as a count instead of hanging the test. */
const LOOP_GUARD = 5;

/** A workflow whose real client talks to a scripted server; counts the creates it receives. */
function workflowAnswering(answer: () => Response) {
  const creates: string[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.method !== 'POST') return new Response('{"status":"ok","results":{"status":"PENDING"}}');
    creates.push(request.url);
    return creates.length > LOOP_GUARD ? new Response('{"error":"stop"}', { status: 401 }) : answer();
  };
  const client = createWorkflowClient({
    oauthToken: 'oauth-token',
    projectToken: 'project-token',
    baseUrl: 'https://mixpanel.example/api/app',
    fetch,
  });
  const ledger = new MemoryLedger();
  const workflow = createWorkflow({ client, ledger, ratePerSecond: 1000, sleep: async () => {} });
  return { workflow, ledger, creates };
}

describe('creates answered by a hostile or misconfigured server', () => {
  it('stops the job on a redirect, recording the batch as refused (nothing was created), and sends it once', async () => {
    const { workflow, ledger, creates } = workflowAnswering(
      () => new Response(null, { status: 307, headers: { location: 'https://elsewhere.example/x' } }),
    );
    const jobId = await workflow.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ids(3) });
    await expect(workflow.run(jobId)).rejects.toBeInstanceOf(RedirectError);
    expect(creates).toHaveLength(1);
    expect(ledger.records.find((r) => r.type === 'batch.rejected')).toMatchObject({
      status: 307,
      error: expect.stringContaining('A redirect to elsewhere.example'),
    });
    expect(ledger.records.some((r) => r.type === 'batch.unknown')).toBe(false);
  });

  it('fails a batch whose create answered an unusable task id, without resending it', async () => {
    const { workflow, ledger, creates } = workflowAnswering(
      () => new Response('{"status":"ok","results":{"task_id":"../../x"}}'),
    );
    const jobId = await workflow.createJob({ kind: 'retrieval', complianceType: 'GDPR', ids: ids(3) });
    const summary = await workflow.run(jobId);
    expect(creates).toHaveLength(1);
    expect(summary.batches.byPhase).toEqual({ failed: 1 });
    const failed = ledger.records.find((r) => r.type === 'batch.failed');
    expect(failed).toMatchObject({ status: 200, error: expect.stringContaining('with an unusable task id "../../x"') });
  });

  it('fails a batch whose create answered 2xx with an oversized body, without resending it', async () => {
    const { workflow, ledger, creates } = workflowAnswering(() => new Response(' '.repeat(2 * 1024 * 1024)));
    const jobId = await workflow.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ids(3) });
    const summary = await workflow.run(jobId);
    expect(creates).toHaveLength(1);
    expect(summary.batches.byPhase).toEqual({ failed: 1 });
    expect(ledger.records.find((r) => r.type === 'batch.failed')).toMatchObject({
      error: expect.stringContaining('over maxResponseBytes'),
    });
  });
});

describe('a server that never gives a usable answer to a create', () => {
  it('fails the batch after maxUnknownOutcomes unknown outcomes instead of sending it for ever', async () => {
    const creates: number[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      creates.push(Date.now());
      // 2xx, but no task id: Mixpanel may have made a task, so the outcome is unknown.
      return new Request(input, init).method === 'POST'
        ? new Response('{"status":"ok","results":{}}')
        : new Response('{}');
    };
    const client = createWorkflowClient({
      oauthToken: 'oauth-token',
      projectToken: 'project-token',
      baseUrl: 'https://mixpanel.example/api/app',
      fetch,
    });
    const ledger = new MemoryLedger();
    const workflow = createWorkflow({
      client,
      ledger,
      ratePerSecond: 1000,
      sleep: async () => {},
      maxUnknownOutcomes: 4,
    });
    const jobId = await workflow.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ids(3) });
    const summary = await workflow.run(jobId);
    expect(creates).toHaveLength(4);
    expect(ledger.records.filter((r) => r.type === 'batch.unknown')).toHaveLength(4);
    expect(summary.batches.byPhase).toEqual({ failed: 1 });
    expect(ledger.records.find((r) => r.type === 'batch.failed')).toMatchObject({
      error: expect.stringMatching(/^sent 4 times without a usable answer \(last: .*no task id/),
    });
  });
});
