import { ConflictError, ValidationError } from '@mixpanel-gdpr/client';
import { describe, expect, it } from 'vitest';
import { createWorkflow, MemoryLedger } from '../src/index.js';
import { ids } from './helpers/harness.js';
import { requestSummary, scriptedClient } from './helpers/scriptedClient.js';

describe('a job needs at least one valid id', () => {
  it.each([
    ['an empty input', [], /no id in ids\.txt: the input is empty/],
    ['blank lines only', ['', '  ', '\t'], /no id in ids\.txt: the input is empty/],
    [
      'only invalid ids',
      ['ok\u0000no', 'x'.repeat(300)],
      /no valid id in ids\.txt: 2 read, 2 invalid; first at position 1: contains control characters/,
    ],
  ])('%s is a ValidationError, and nothing is recorded', async (_, input, message) => {
    const ledger = new MemoryLedger();
    const { client, calls } = scriptedClient({});
    const workflow = createWorkflow({ client, ledger });
    const error = await workflow
      .createJob({ kind: 'deletion', complianceType: 'GDPR', ids: input, source: 'ids.txt' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('ids');
    expect((error as Error).message).toMatch(message);
    expect(ledger.records).toEqual([]);
    expect(workflow.jobs()).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('records a job with valid and invalid ids, counting the invalid ones with their position', async () => {
    const ledger = new MemoryLedger();
    const workflow = createWorkflow({ client: scriptedClient({}).client, ledger });
    const jobId = await workflow.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ['a', 'b\u0007', 'c'] });
    expect(ledger.records[0]).toMatchObject({ type: 'job.created', jobId });
    expect(workflow.summary(jobId).ids).toMatchObject({ valid: 2, invalid: 1 });
    expect(workflow.jobs()[0]!.ingested!.invalid).toEqual([
      expect.objectContaining({ position: 2, reason: 'contains control characters' }),
    ]);
  });
});

describe('a 409 on a retrieval', () => {
  it("fails the batch with Mixpanel's message: it is not a deletion conflict, and no export is pretended", async () => {
    const conflict = new ConflictError({
      status: 409,
      mixpanelMessage: 'retrieval already queued for these users',
      request: requestSummary,
      conflictingDistinctIds: ['user-0'],
      conflictingTaskIds: ['someone-elses-task'],
    });
    const { client } = scriptedClient({ create: () => conflict });
    const workflow = createWorkflow({ client, ledger: new MemoryLedger(), ratePerSecond: 1000 });
    const jobId = await workflow.createJob({ kind: 'retrieval', complianceType: 'GDPR', ids: ids(2) });
    const summary = await workflow.run(jobId);
    expect(summary.batches.byPhase).toEqual({ failed: 1 });
    expect(summary.ids.byOutcome).toEqual({ NOT_SUBMITTED: 2 });
    expect(summary.tasks.total).toBe(0);
    const batch = [...workflow.jobs()[0]!.batches.values()][0]!;
    expect(batch.error).toBe('Mixpanel answered 409 to the retrieval: retrieval already queued for these users');
  });
});
