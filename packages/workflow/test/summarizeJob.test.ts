import { ValidationError } from '@mixpanel-gdpr/client';
import { describe, expect, it } from 'vitest';
import { CANCELLED_NOTE, createWorkflow, type IdRow, idRows, MemoryLedger } from '../src/index.js';
import { type StatusAnswer, scriptedClient } from './helpers/scriptedClient.js';

/** A workflow over a scripted client: 4 ids in 2 batches (t1, t2); every poll answers `status`. */
async function twoBatches(
  status: (taskId: string) => string = () => 'PENDING',
  kind: 'deletion' | 'retrieval' = 'deletion',
) {
  const { client, calls } = scriptedClient({
    status: (taskId) => ({ taskId, status: status(taskId), rawStatus: status(taskId) }) as StatusAnswer,
  });
  const ledger = new MemoryLedger();
  const workflow = createWorkflow({ client, ledger, ratePerSecond: 1000, deletionBatchSize: 2, retrievalBatchSize: 2 });
  const jobId = await workflow.createJob({ kind, complianceType: 'GDPR', ids: ['a', 'b', 'c', 'd'] });
  return { workflow, ledger, jobId, calls };
}

describe('job states', () => {
  it('a job that has sent nothing is "not started", not "in progress"', async () => {
    const { workflow, jobId } = await twoBatches();
    expect(workflow.summary(jobId)).toMatchObject({ state: 'not started', complete: false });
  });

  it('is "in progress" once sent, "complete" when every id succeeded, "complete with failures" otherwise', async () => {
    let answer = 'PENDING';
    const { workflow, jobId } = await twoBatches((taskId) =>
      answer === 'mixed' ? (taskId === 't1' ? 'SUCCESS' : 'FAILURE') : answer,
    );
    await workflow.run(jobId);
    expect(workflow.summary(jobId).state).toBe('in progress');
    answer = 'mixed';
    await workflow.poll(jobId);
    expect(workflow.summary(jobId)).toMatchObject({ state: 'complete with failures', complete: true });
    const other = await twoBatches(() => 'SUCCESS');
    await other.workflow.run(other.jobId);
    await other.workflow.poll(other.jobId);
    expect(other.workflow.summary(other.jobId)).toMatchObject({ state: 'complete', complete: true });
  });
});

describe('a cancelled job', () => {
  it('marks ids never sent as CANCELLED (NOT deleted), not as failures, and says so in its notes', async () => {
    const { workflow, jobId } = await twoBatches();
    expect(await workflow.cancel(jobId)).toEqual({ cancelled: 0, tooLate: 0, nothingToCancel: false });
    const summary = workflow.summary(jobId);
    expect(summary).toMatchObject({ state: 'cancelled', complete: true, ids: { byOutcome: { CANCELLED: 4 } } });
    expect(summary.notes[0]).toBe(CANCELLED_NOTE);
    expect(workflow.progress(jobId).batchesWaiting).toBe(0);
  });

  it('marks the ids of revoked tasks CANCELLED, from the 204 on', async () => {
    let answer = 'PENDING';
    const { workflow, jobId, ledger } = await twoBatches(() => answer);
    await workflow.run(jobId);
    expect(await workflow.cancel(jobId)).toEqual({ cancelled: 2, tooLate: 0, nothingToCancel: false });
    expect(workflow.summary(jobId)).toMatchObject({
      state: 'cancelled',
      complete: false,
      ids: { byOutcome: { CANCELLED: 4 } },
    });
    answer = 'REVOKED';
    await workflow.poll(jobId);
    expect(workflow.summary(jobId)).toMatchObject({
      state: 'cancelled',
      complete: true,
      ids: { byOutcome: { CANCELLED: 4 } },
      tasks: { byStatus: { REVOKED: 2 } },
    });
    const rows: IdRow[] = [];
    for await (const row of idRows(ledger, workflow.job(jobId)!)) rows.push(row);
    expect(rows.every((r) => r.outcome === 'CANCELLED' && /NOT deleted/.test(r.note ?? ''))).toBe(true);
    expect(ledger.records.filter((r) => r.type === 'job.cancelled')).toHaveLength(1);
  });

  it('cancelling a finished job does nothing and records nothing', async () => {
    const { workflow, jobId, ledger, calls } = await twoBatches(() => 'SUCCESS');
    await workflow.run(jobId);
    await workflow.poll(jobId);
    expect(await workflow.cancel(jobId)).toEqual({ cancelled: 0, tooLate: 0, nothingToCancel: true });
    expect(ledger.records.some((r) => r.type === 'job.cancelled')).toBe(false);
    expect(calls.some((c) => c.op === 'cancel')).toBe(false);
    expect(workflow.summary(jobId).state).toBe('complete');
  });

  it('refuses to cancel a retrieval as bad input', async () => {
    const { workflow, jobId } = await twoBatches(undefined, 'retrieval');
    await expect(workflow.cancel(jobId)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('workflow.job', () => {
  it('finds a job by id, and nothing for an unknown id', async () => {
    const { workflow, jobId } = await twoBatches();
    expect(workflow.job(jobId)?.jobId).toBe(jobId);
    expect(workflow.job('job-nope')).toBeUndefined();
  });
});
