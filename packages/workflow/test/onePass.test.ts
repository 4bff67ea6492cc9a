import { InternalServerError, RateLimitError } from '@mixpanel-gdpr/client';
import { describe, expect, it } from 'vitest';
import { createWorkflow, createWorkflowClient, WatchDeadlineError } from '../src/index.js';
import { requestSummary, type StatusAnswer } from './helpers/scriptedClient.js';
import { submittedJob } from './helpers/submittedJob.js';

const HOUR = 3_600_000;
const serverError = () => new InternalServerError({ status: 503, mixpanelMessage: 'down', request: requestSummary });
const rateLimited = (retryAfterMs: number) =>
  new RateLimitError({ status: 429, mixpanelMessage: 'slow down', request: requestSummary, retryAfterMs });
const pending = (taskId: string) => ({ taskId, status: 'PENDING' as const, rawStatus: 'PENDING' });

const setup = (status: (taskId: string, n: number) => StatusAnswer, tasks = 3, options = {}) =>
  submittedJob(status, tasks, options);

describe('a one-pass poll (cron `status`) always ends', () => {
  it('skips a task whose poll keeps failing with 5xx, reports it, and polls the others', async () => {
    const { workflow, jobId, calls, events } = await setup((t) => (t === 't2' ? serverError() : pending(t)));
    const result = await workflow.poll(jobId);
    expect(result.polled).toBe(2);
    expect(result.skipped).toEqual([
      { taskId: 't2', reason: expect.stringMatching(/gave up after 3 failed attempts; last: Mixpanel answered 503/) },
    ]);
    expect(calls.filter((c) => c.taskId === 't2')).toHaveLength(3);
    expect(calls.at(-1)?.taskId).toBe('t3');
    expect(events).toContainEqual(expect.objectContaining({ type: 'skipped', taskId: 't2' }));
  });

  it('skips rather than wait out an hour-long Retry-After, and the pass ends at once', async () => {
    const { workflow, jobId, clock, calls } = await setup((t, n) =>
      t === 't1' && n === 1 ? rateLimited(HOUR) : pending(t),
    );
    const started = clock.now();
    const result = await workflow.poll(jobId);
    // The 429 holds the whole project back: every task after it is skipped too, for the next pass.
    expect(result.skipped.map((s) => s.taskId)).toEqual(['t1', 't2', 't3']);
    expect(result.skipped[0]!.reason).toMatch(/rather than wait 3600000 ms/);
    expect(clock.now() - started).toBeLessThan(60_000);
    expect(calls).toHaveLength(1);
  });

  it('skips a task id the ledger holds but the API must never see, and goes on', async () => {
    const { jobId, ledger } = await setup((t) => pending(t), 2);
    // As an older version could have recorded it from a hostile server's answer.
    await ledger.append(
      { type: 'batch.planned', jobId, at: 0, batchId: 'x', ids: ['u-x'] },
      { type: 'batch.submitted', jobId, at: 0, batchId: 'x', taskId: '../../evil' },
    );
    const sent: string[] = [];
    const fetch = async (input: RequestInfo | URL) => {
      sent.push(new URL((input as Request).url).pathname);
      return new Response(JSON.stringify({ status: 'ok', results: { status: 'PENDING' } }), {
        headers: { 'content-type': 'application/json' },
      });
    };
    const client = createWorkflowClient({
      oauthToken: 'o',
      projectToken: 'p',
      fetch: fetch as typeof globalThis.fetch,
    });
    const result = await createWorkflow({ client, ledger }).poll(jobId);
    expect(result.skipped).toEqual([{ taskId: '../../evil', reason: expect.stringMatching(/taskId must be/) }]);
    expect(result.polled).toBe(2);
    expect(sent).toEqual(['/api/app/data-deletions/v3.0/t1', '/api/app/data-deletions/v3.0/t2']);
  });
});

describe('--watch-deadline-ms bounds retries too', () => {
  it('stops a watch whose polls keep failing at the deadline', async () => {
    const { workflow, jobId, clock } = await setup(() => serverError(), 1, { watchDeadlineMs: 10 * 60_000 });
    const started = clock.now();
    const error = await workflow.run(jobId, { wait: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatchDeadlineError);
    expect(clock.now() - started).toBeLessThanOrEqual(10 * 60_000);
  });

  it('does not wait out a Retry-After that ends after the deadline', async () => {
    const { workflow, jobId, clock } = await setup(() => rateLimited(3 * HOUR), 1, {
      watchDeadlineMs: HOUR,
      // A first poll well before the deadline, to meet the Retry-After.
      pollMaxDelayMs: 5_000,
    });
    const started = clock.now();
    await expect(workflow.run(jobId, { wait: true })).rejects.toBeInstanceOf(WatchDeadlineError);
    expect(clock.now() - started).toBeLessThan(HOUR);
  });
});

describe('a cron pass with `dueOnly` (`status --due`) polls each task on its schedule', () => {
  it('leaves the tasks not due, says when the first is, and polls each once per lag target however often it runs', async () => {
    const { workflow, jobId, clock, calls, task } = await setup((t) => pending(t), 3);
    const submittedAt = task('t1').since;
    // Just submitted: a deletion is first due one lag target (6 h by default) after its submission.
    const first = await workflow.poll(jobId, { dueOnly: true });
    expect(first).toMatchObject({ polled: 0, notDue: 3, skipped: [] });
    // Jitter (10 % by default) only shortens the wait.
    expect(first.nextDueAt).toBeGreaterThanOrEqual(submittedAt + 0.9 * 6 * HOUR);
    expect(first.nextDueAt).toBeLessThanOrEqual(submittedAt + 6 * HOUR);
    expect(calls).toHaveLength(0);
    // A pass every 10 minutes for a day: each task is polled once per 5.4 to 6 h (the unchanged polls are recorded,
    // so the next pass knows, and the jitter is the same on every pass that asks), where a pass without `dueOnly`
    // polls all three every time.
    const pollsOf = new Map<string, number>();
    for (let pass = 0; pass < 144; pass++) {
      clock.advance(10 * 60_000);
      const before = calls.length;
      await workflow.poll(jobId, { dueOnly: true });
      for (const call of calls.slice(before)) pollsOf.set(call.taskId!, (pollsOf.get(call.taskId!) ?? 0) + 1);
    }
    expect([...pollsOf.keys()].sort()).toEqual(['t1', 't2', 't3']);
    for (const [taskId, n] of pollsOf) expect(n, taskId).toBe(4);
    expect((await workflow.poll(jobId)).polled).toBe(3);
  });
});
