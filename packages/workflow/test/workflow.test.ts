import { readFile, stat } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkflow, MemoryLedger, WatchDeadlineError } from '../src/index.js';
import { type Harness, harness, ids } from './helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a deletion job against the fake Mixpanel', () => {
  it('submits in batches of 1999, waits for every task and reports every id', async () => {
    h = await harness();
    const jobId = await h.workflow.createJob({
      kind: 'deletion',
      complianceType: 'GDPR',
      ids: [...ids(5000), ' user-1 ', '', 'bad\u0001id'],
    });
    const summary = await h.workflow.run(jobId, { wait: true });
    const creates = h.fake.requests.filter((r) => r.operation === 'createDeletion');
    expect(creates.map((r) => r.ids!.length)).toEqual([1999, 1999, 1002]);
    expect(summary.complete).toBe(true);
    expect(summary.ids).toMatchObject({
      read: 5002,
      valid: 5000,
      duplicates: 1,
      invalid: 1,
      byOutcome: { SUCCESS: 5000 },
    });
    expect(summary.tasks.byStatus).toEqual({ SUCCESS: 3 });
    expect(summary.notes.join(' ')).toContain('warehouses');
    expect(h.workflow.progress(jobId)).toEqual({
      idsTotal: 5000,
      idsSubmitted: 5000,
      batchesWaiting: 0,
      tasksTotal: 3,
      tasksDone: 3,
      submitEtaMs: 0,
    });
  });

  it('reports progress counts and a submission ETA from the rate limit before anything is sent', async () => {
    h = await harness({}, { ratePerSecond: 2 });
    const jobId = await h.workflow.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ids(5000) });
    expect(h.workflow.progress(jobId)).toEqual({
      idsTotal: 5000,
      idsSubmitted: 0,
      batchesWaiting: 3,
      tasksTotal: 0,
      tasksDone: 0,
      submitEtaMs: 1500,
    });
  });

  it('records ids covered by a running deletion (409) and resubmits only the rest', async () => {
    h = await harness({ timings: { pendingMs: 5_000, stagingMs: 100, startedMs: 100 } });
    const first = await h.workflow.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ids(10) });
    await h.workflow.run(first);
    const second = await h.workflow.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ids(15) });
    await h.workflow.run(second);
    const creates = h.fake.requests.filter((r) => r.operation === 'createDeletion');
    expect(creates.map((r) => [r.status, r.ids!.length])).toEqual([
      [expect.any(Number), 10],
      [409, 15],
      [expect.any(Number), 5],
    ]);
    const summary = h.workflow.summary(second);
    expect(summary.tasks).toMatchObject({ total: 2, fromConflicts: 1 });
    expect(summary.batches.byPhase).toEqual({ conflict: 1, submitted: 1 });
  });

  it('halves a batch that Mixpanel says is too large', async () => {
    h = await harness({ maxIdsPerRequest: 600 });
    const jobId = await h.workflow.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ids(2000) });
    const summary = await h.workflow.run(jobId, { wait: true });
    const sizes = h.fake.requests
      .filter((r) => r.operation === 'createDeletion')
      .map((r) => [r.status, r.ids?.length ?? 0]);
    expect(sizes.filter(([s]) => s === 400).length).toBeGreaterThan(0);
    expect(summary.ids.byOutcome).toEqual({ SUCCESS: 2000 });
  });

  it('cancels outstanding deletions: 204 recorded as cancelled, 405 as too late', async () => {
    h = await harness({ timings: { pendingMs: 60_000, stagingMs: 100, startedMs: 100 } });
    const jobId = await h.workflow.createJob({ kind: 'deletion', complianceType: 'CCPA', ids: ids(3000) });
    await h.workflow.run(jobId);
    // Make one task look started: the fake answers 405 for it.
    const [firstTask] = [...h.fake.tasks.values()];
    firstTask!.createdAt -= 60_000 + 150;
    expect(await h.workflow.cancel(jobId)).toEqual({ cancelled: 1, tooLate: 1, nothingToCancel: false });
    const summary = h.workflow.summary(jobId);
    expect(summary.tasks).toMatchObject({ cancelled: 1, tooLateToCancel: 1 });
    expect(summary.cancelledAt).toBeDefined();
  });
});

describe('a retrieval job', () => {
  it('downloads each export owner-only, never sending the bearer token to the export host', async () => {
    h = await harness();
    const jobId = await h.workflow.createJob({
      kind: 'retrieval',
      complianceType: 'CCPA',
      disclosureType: 'Categories',
      ids: ids(2500),
    });
    const summary = await h.workflow.run(jobId, { wait: true });
    expect(summary.complete).toBe(true);
    expect(summary.exports).toMatchObject({ downloaded: 2, failed: 0, bytes: 8192 });
    expect(h.fake.exportRequests.every((r) => r.authorization === undefined)).toBe(true);
    const job = h.workflow.jobs()[0]!;
    for (const task of job.tasks.values()) {
      const file = (task.export as { file: string }).file;
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await readFile(file)).subarray(0, 2).toString()).toBe('PK');
    }
  });

  it('asks for a fresh link when the export link has expired', async () => {
    h = await harness({ exportLinkTtlMs: -1 });
    const jobId = await h.workflow.createJob({ kind: 'retrieval', complianceType: 'GDPR', ids: ids(3) });
    const summary = await h.workflow.run(jobId, { wait: true });
    expect(summary.exports).toMatchObject({ downloaded: 0, failed: 1 });
    expect(h.fake.exportRequests.map((r) => r.status)).toEqual([410, 410, 410, 410, 410, 410]);
  });
});

describe('watch deadline', () => {
  it('gives up after watchDeadlineMs, saying how many polls and what it last saw, and keeps the tasks', async () => {
    h = await harness({ timings: { pendingMs: 60_000 } }, { watchDeadlineMs: 1_000 });
    const jobId = await h.workflow.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ids(10) });
    const error = await h.workflow.run(jobId, { wait: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatchDeadlineError);
    expect((error as WatchDeadlineError).lastStatuses).toEqual({ PENDING: 1 });
    expect((error as WatchDeadlineError).polls).toBeGreaterThan(0);
    expect((error as Error).message).toMatch(/after 1000 ms and \d+ polls .*last seen: PENDING 1/);
    expect(h.workflow.summary(jobId).tasks.total).toBe(1);
  });
});

describe('run with wait', () => {
  it('stops polling when submitting fails, leaving nothing running after run() rejects', async () => {
    const { AuthenticationError } = await import('@mixpanel-gdpr/client');
    const calls: string[] = [];
    let task = 0;
    const client = {
      createDeletion: async () => {
        calls.push('create');
        if (task === 3)
          throw new AuthenticationError({
            status: 401,
            mixpanelMessage: 'expired',
            request: { method: 'POST', url: 'x' },
            message: 'expired',
          });
        return { taskId: `t${++task}` };
      },
      createRetrieval: async () => ({ taskId: 'never' }),
      getDeletionStatus: async (taskId: string) => {
        calls.push('status');
        return { taskId, status: 'PENDING' as const, rawStatus: 'PENDING' };
      },
      getRetrievalStatus: async (taskId: string) => ({ taskId, status: 'PENDING' as const, rawStatus: 'PENDING' }),
      cancelDeletion: async (taskId: string) => ({ taskId, cancelled: true as const }),
    };
    const workflow = createWorkflow({
      client,
      ledger: new MemoryLedger(),
      ratePerSecond: 100,
      deletionBatchSize: 1,
      pollMinDelayMs: 1,
      pollMaxDelayMs: 5,
    });
    const jobId = await workflow.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ids(10) });
    await expect(workflow.run(jobId, { wait: true })).rejects.toBeInstanceOf(AuthenticationError);
    const settled = calls.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(calls.length).toBe(settled);
  });
});
