import { AuthenticationError } from '@mixpanel-gdpr/client';
import { describe, expect, it } from 'vitest';
import { createWorkflow, MemoryLedger } from '../src/index.js';
import { ids } from './helpers/harness.js';

const PENDING = { status: 'PENDING' as const, rawStatus: 'PENDING' };

/** A workflow sending batches of one id to a scripted create; `onCreate` sees the ledger as it is at each send. */
function workflowWith(onCreate: (n: number, ledger: MemoryLedger) => Promise<void>) {
  const ledger = new MemoryLedger();
  let n = 0;
  const client = {
    createDeletion: async () => {
      await onCreate(++n, ledger);
      return { taskId: `t${n}` };
    },
    createRetrieval: async () => ({ taskId: 'never' }),
    getDeletionStatus: async (taskId: string) => ({ taskId, ...PENDING }),
    getRetrievalStatus: async (taskId: string) => ({ taskId, ...PENDING }),
    cancelDeletion: async (taskId: string) => ({ taskId, cancelled: true as const }),
  };
  const workflow = createWorkflow({ client, ledger, ratePerSecond: 1000, deletionBatchSize: 1 });
  return { workflow, ledger };
}

const recorded = (ledger: MemoryLedger, type: string, batchId: string) =>
  ledger.records.some((r) => r.type === type && 'batchId' in r && r.batchId === batchId);

const batchIds = (ledger: MemoryLedger) =>
  ledger.records.flatMap((r) => (r.type === 'batch.planned' ? [r.batchId] : []));

describe('submitBatches', () => {
  it('records the next batch as sending while one is in flight, yet sends none before its record or before the answer before it is recorded', async () => {
    const seenAhead: boolean[] = [];
    const { workflow, ledger } = workflowWith(async (n, l) => {
      const batches = batchIds(l);
      expect(recorded(l, 'batch.sending', batches[n - 1]!)).toBe(true);
      if (n > 1) expect(recorded(l, 'batch.submitted', batches[n - 2]!)).toBe(true);
      // In flight: the next batch's record is written meanwhile (a few turns of the event loop).
      let ahead = false;
      for (let turn = 0; turn < 50 && !ahead; turn++) {
        await new Promise((r) => setImmediate(r));
        ahead = recorded(l, 'batch.sending', batches[n] ?? '');
      }
      seenAhead.push(ahead);
    });
    const jobId = await workflow.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ids(4) });
    await workflow.run(jobId);
    expect(seenAhead).toEqual([true, true, true, false]);
    expect(ledger.records.filter((r) => r.type === 'batch.submitted')).toHaveLength(4);
  });

  it('defers the batch recorded ahead when the job stops, instead of leaving it sending (an unknown outcome)', async () => {
    const expired = new AuthenticationError({ status: 401, request: { method: 'POST', url: 'x' }, message: 'expired' });
    const { workflow, ledger } = workflowWith(async (n) => {
      // Long enough in flight for the next batch to be recorded ahead.
      for (let turn = 0; turn < 20; turn++) await new Promise((r) => setImmediate(r));
      if (n === 2) throw expired;
    });
    const jobId = await workflow.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ids(4) });
    await expect(workflow.run(jobId)).rejects.toBe(expired);
    const third = batchIds(ledger)[2]!;
    expect(recorded(ledger, 'batch.sending', third)).toBe(true);
    const last = ledger.records.filter((r) => 'batchId' in r && r.batchId === third).at(-1);
    expect(last).toMatchObject({ type: 'batch.deferred', reason: 'not sent: the job stopped before its turn' });
    expect([...ledger.state.jobs.get(jobId)!.batches.values()].map((b) => b.phase)).not.toContain('sending');
  });
});
