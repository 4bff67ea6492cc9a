import { createSimulatedClock, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkflow, createWorkflowClient, MemoryLedger } from '../src/index.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A workflow on the default poll schedule, the fake and the workflow in simulated time; each task takes 20 h. */
async function simulated() {
  const clock = createSimulatedClock(T0);
  const fake = await startFakeMixpanel({ now: clock.now, timings: { pendingMs: H, stagingMs: H, startedMs: 18 * H } });
  closers.push(() => fake.close());
  const fetchAt = clock.wrapFetch();
  const sim = { now: clock.now, sleep: clock.sleep, random: () => 0 };
  const client = createWorkflowClient({
    oauthToken: 'fake-oauth-token',
    projectToken: 'fake-project-token',
    baseUrl: fake.url,
    fetch: fetchAt,
    ...sim,
  });
  const ledger = new MemoryLedger();
  const workflow = () => createWorkflow({ client, ledger, fetch: fetchAt, ...sim });
  /** Runs `work` with simulated time moving until it settles. */
  const drive = async <T>(work: Promise<T>): Promise<T> => {
    let settled = false;
    const done = work.finally(() => (settled = true));
    await clock.run({ until: () => settled });
    return done;
  };
  const polls = () => fake.requests.filter((r) => r.operation === 'getDeletionStatus').map((r) => r.at - T0);
  return { clock, fake, ledger, workflow, drive, polls };
}

describe('a run that leaves a job idle (leaveIdleAfterMs)', () => {
  it('returns once nothing is due soon, with the next poll, and runs taken up again keep the schedule', async () => {
    const { clock, ledger, workflow, drive, polls } = await simulated();
    const first = workflow();
    const jobId = await first.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ['a', 'b'] });
    const options = { wait: true, leaveIdleAfterMs: 60_000 };
    const left = await drive(first.run(jobId, options));
    expect(left.complete).toBe(false);
    expect(left.nextPollAt).toBe(new Date(T0 + 6 * H).toISOString());
    expect(polls()).toEqual([]);
    // Taken up again an hour later (a new process): nothing is due, it leaves again without polling.
    await drive(clock.sleep(H));
    expect((await drive(workflow().run(jobId, options))).nextPollAt).toBe(new Date(T0 + 6 * H).toISOString());
    expect(polls()).toEqual([]);
    // Then each run at its due time polls once, until the task (20 h) has ended: polls at 6, 12, 18 and 24 h.
    for (let runs = 0; ; runs++) {
      expect(runs).toBeLessThan(10);
      const summary = await drive(workflow().run(jobId, options));
      if (!summary.nextPollAt) {
        expect(summary.complete).toBe(true);
        break;
      }
      if (runs === 2) {
        // At 12 h the poll found STARTED again, which is not recorded: the ledger's last poll says 6 h. A second
        // worker taking the job up an hour later finds the next poll in `job.waiting` (18 h) and does not poll.
        await drive(clock.sleep(H));
        const early = await drive(workflow().run(jobId, options));
        expect([early.nextPollAt, polls()]).toEqual([new Date(T0 + 18 * H).toISOString(), [6 * H, 12 * H]]);
      }
      await drive(clock.sleep(Date.parse(summary.nextPollAt) - clock.now()));
    }
    expect(polls()).toEqual([6 * H, 12 * H, 18 * H, 24 * H]);
    expect(ledger.state.jobs.get(jobId)!.nextPollAt).toBe(T0 + 24 * H);
  });

  it('without it, one run watches to the end on the same schedule, sleeping between polls', async () => {
    const { workflow, drive, polls } = await simulated();
    const wf = workflow();
    const jobId = await wf.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ['a'] });
    const summary = await drive(wf.run(jobId, { wait: true }));
    expect(summary.complete).toBe(true);
    expect(summary.nextPollAt).toBeUndefined();
    expect(polls()).toEqual([6 * H, 12 * H, 18 * H, 24 * H]);
  });

  it('refuses a negative or non-numeric leaveIdleAfterMs, naming it, before anything is sent', async () => {
    const { fake, workflow } = await simulated();
    const wf = workflow();
    const jobId = await wf.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: ['a'] });
    for (const bad of [-1, Number.NaN])
      await expect(wf.run(jobId, { wait: true, leaveIdleAfterMs: bad })).rejects.toThrow(/leaveIdleAfterMs must be/);
    expect(fake.requests).toEqual([]);
  });
});
