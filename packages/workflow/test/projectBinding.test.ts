import { PassThrough } from 'node:stream';
import { AuthenticationError } from '@mixpanel-gdpr/client';
import { describe, expect, it } from 'vitest';
import {
  createWorkflow,
  createWorkflowClient,
  MemoryLedger,
  type ProgressEvent,
  ProjectMismatchError,
  projectIdentity,
} from '../src/index.js';
import { ids } from './helpers/harness.js';
import { requestSummary, scriptedClient } from './helpers/scriptedClient.js';

const projectA = projectIdentity({
  projectToken: 'token-of-project-A',
  region: 'eu',
  baseUrl: 'https://eu.mixpanel.com/api/app',
});
const projectB = projectIdentity({
  projectToken: 'token-of-project-B',
  region: 'eu',
  baseUrl: 'https://eu.mixpanel.com/api/app',
});

describe('a job is bound to the project it was created for', () => {
  it('records region, API origin and a token fingerprint, never the token', async () => {
    const ledger = new MemoryLedger();
    const client = createWorkflowClient({
      oauthToken: 'oauth-secret',
      projectToken: 'token-of-project-A',
      region: 'eu',
    });
    const workflow = createWorkflow({ client, ledger });
    const jobId = await workflow.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ids(3) });
    expect(workflow.summary(jobId).project).toEqual(projectA);
    let markdown = '';
    const out = new PassThrough().on('data', (d) => (markdown += d));
    await workflow.report(jobId, 'md', out);
    expect(markdown).toContain(
      `- Project: region eu, https://eu.mixpanel.com/api/app, project token sha256:${projectA.tokenFingerprint}…`,
    );
    const created = ledger.records.find((r) => r.type === 'job.created')!;
    expect(created).toMatchObject({
      project: {
        region: 'eu',
        apiOrigin: 'https://eu.mixpanel.com/api/app',
        tokenFingerprint: projectA.tokenFingerprint,
      },
    });
    expect(projectA.tokenFingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(JSON.stringify(ledger.records)).not.toContain('token-of-project-A');
  });

  it.each([
    ['run', (w: ReturnType<typeof createWorkflow>, id: string) => w.run(id)],
    ['run with wait', (w: ReturnType<typeof createWorkflow>, id: string) => w.run(id, { wait: true })],
    ['submit', (w: ReturnType<typeof createWorkflow>, id: string) => w.submit(id)],
    ['poll', (w: ReturnType<typeof createWorkflow>, id: string) => w.poll(id)],
    ['cancel', (w: ReturnType<typeof createWorkflow>, id: string) => w.cancel(id)],
  ])('%s refuses another project, naming both fingerprints, and sends nothing', async (_, act) => {
    const ledger = new MemoryLedger();
    // A's credentials are refused after the first batch: two batches are left to send, and must never reach B.
    const first = scriptedClient({
      project: projectA,
      create: (_, n) =>
        n === 1
          ? 't1'
          : new AuthenticationError({
              status: 401,
              mixpanelMessage: 'expired',
              request: requestSummary,
              message: 'expired',
            }),
    });
    const workflowA = createWorkflow({ client: first.client, ledger, ratePerSecond: 1000, deletionBatchSize: 2 });
    const jobId = await workflowA.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ids(5) });
    await expect(workflowA.submit(jobId)).rejects.toBeInstanceOf(AuthenticationError);
    expect(workflowA.progress(jobId).batchesWaiting).toBe(2);
    const other = scriptedClient({ project: projectB });
    const workflow = createWorkflow({ client: other.client, ledger, ratePerSecond: 1000 });
    const error = await act(workflow, jobId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProjectMismatchError);
    const message = (error as Error).message;
    expect(message).toContain(projectA.tokenFingerprint);
    expect(message).toContain(projectB.tokenFingerprint);
    expect(message).toContain('project token');
    expect(message).not.toMatch(/token-of-project/);
    expect(other.calls).toEqual([]);
  });

  it('refuses another region or base URL for the same token', async () => {
    const ledger = new MemoryLedger();
    const first = scriptedClient({ project: projectA });
    const jobId = await createWorkflow({ client: first.client, ledger }).createJob({
      kind: 'deletion',
      complianceType: 'GDPR',
      ids: ids(2),
    });
    const us = scriptedClient({ project: { ...projectA, region: 'us', apiOrigin: 'https://mixpanel.com/api/app' } });
    const error = await createWorkflow({ client: us.client, ledger })
      .run(jobId)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/region eu.*region us.*\(region, API URL differ\)/);
    expect(us.calls).toEqual([]);
  });

  it('lets a job recorded before binding existed go on, with a warning', async () => {
    const ledger = new MemoryLedger();
    const legacy = scriptedClient({});
    const jobId = await createWorkflow({ client: legacy.client, ledger }).createJob({
      kind: 'deletion',
      complianceType: 'GDPR',
      ids: ids(2),
    });
    const events: ProgressEvent[] = [];
    const now = scriptedClient({ project: projectA });
    await createWorkflow({ client: now.client, ledger, onProgress: (e) => events.push(e) }).run(jobId);
    expect(events.some((e) => e.type === 'warning' && /did not record its project/.test(e.message))).toBe(true);
    // Once per command, not once per stage it passes through.
    expect(events.filter((e) => e.type === 'warning')).toHaveLength(1);
    expect(now.calls.map((c) => c.op)).toEqual(['create']);
  });
});
