import { createWorkflow, MemoryLedger, type ProgressEvent, type WorkflowOptions } from '../../src/index.js';
import { fakeClock, ids } from './harness.js';
import { type StatusAnswer, scriptedClient } from './scriptedClient.js';

/**
 * A deletion job of `tasks` tasks (one id each), submitted on a fake clock
 * (no test waits in real time); status polls answer `status`. The calls made
 * while submitting are cleared, so `calls` holds only what the test does.
 */
export async function submittedJob(
  status: (taskId: string, n: number) => StatusAnswer,
  tasks: number,
  options: Partial<WorkflowOptions> = {},
) {
  const clock = fakeClock();
  const ledger = new MemoryLedger();
  const events: ProgressEvent[] = [];
  const { client, calls } = scriptedClient({ status });
  const workflow = createWorkflow({
    client,
    ledger,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0,
    deletionBatchSize: 1,
    ratePerSecond: 1000,
    onProgress: (e) => events.push(e),
    ...options,
  });
  const jobId = await workflow.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ids(tasks) });
  await workflow.submit(jobId);
  calls.length = 0;
  const task = (taskId: string) => workflow.jobs()[0]!.tasks.get(taskId)!;
  return { clock, ledger, workflow, jobId, calls, events, task };
}
