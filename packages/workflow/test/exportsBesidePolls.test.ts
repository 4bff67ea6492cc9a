import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkflow, MemoryLedger, type ProgressEvent } from '../src/index.js';
import { ids } from './helpers/harness.js';
import { scriptedClient } from './helpers/scriptedClient.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('export downloads run beside the polls', () => {
  it('keeps polling other tasks, and fetches their exports, while one download is stalled', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mpgdpr-exports-'));
    // t1 is ready at once, but its storage host never sends a byte; t2 needs a few polls, then its export works.
    const { client, calls } = scriptedClient({
      status: (taskId, n) =>
        taskId === 't1' || n >= 4
          ? {
              taskId,
              status: 'SUCCESS',
              rawStatus: 'SUCCESS',
              downloadUrl: `http://127.0.0.1/${taskId}.zip?signature=s3cret`,
            }
          : { taskId, status: 'PENDING', rawStatus: 'PENDING' },
    });
    const stalledSignals: AbortSignal[] = [];
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).includes('/t1.zip')) {
        stalledSignals.push(init!.signal!);
        return new Promise<Response>((_, reject) =>
          init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason), { once: true }),
        );
      }
      return new Response('PK-export-bytes', { headers: { 'content-length': '15' } });
    }) as typeof globalThis.fetch;
    const events: ProgressEvent[] = [];
    const stop = new AbortController();
    const workflow = createWorkflow({
      client,
      ledger: new MemoryLedger(),
      fetch,
      exportDir: dir,
      retrievalBatchSize: 1,
      ratePerSecond: 1000,
      pollMinDelayMs: 1,
      pollMaxDelayMs: 2,
      onProgress: (e) => {
        events.push(e);
        if (e.type === 'export' && e.taskId === 't2' && e.file) stop.abort(new Error('seen enough'));
      },
    });
    const jobId = await workflow.createJob({ kind: 'retrieval', complianceType: 'GDPR', ids: ids(2) });
    await expect(workflow.run(jobId, { wait: true, signal: stop.signal })).rejects.toThrow('seen enough');
    const t2Polls = calls.filter((c) => c.op === 'status' && c.taskId === 't2').length;
    expect(t2Polls).toBeGreaterThanOrEqual(4);
    expect(events).toContainEqual(expect.objectContaining({ type: 'export', taskId: 't2', bytes: 15 }));
    expect(workflow.jobs()[0]!.tasks.get('t1')!.export).toBeUndefined();
    // The stalled download was stopped with the run, not left behind.
    expect(stalledSignals).toHaveLength(1);
    expect(stalledSignals[0]!.aborted).toBe(true);
  });
});
