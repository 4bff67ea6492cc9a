import { NotFoundError } from '@mixpanel-gdpr/client';
import { describe, expect, it } from 'vitest';
import { TaskNotFoundError } from '../src/index.js';
import { requestSummary } from './helpers/scriptedClient.js';
import { submittedJob } from './helpers/submittedJob.js';

const HOUR = 3_600_000;
const notFound = () => new NotFoundError({ status: 404, mixpanelMessage: 'not found', request: requestSummary });
const pending = (taskId: string) => ({ taskId, status: 'PENDING' as const, rawStatus: 'PENDING' });

/** A deletion job of `tasks` tasks (one id each) on a fake clock; `gone` tasks answer 404. */
const setup = (tasks: number, gone: (taskId: string) => boolean) =>
  submittedJob((taskId) => (gone(taskId) ? notFound() : pending(taskId)), tasks);

describe('a 404 on a status poll is not proof that a task is gone', () => {
  it('stops the pass on a 404 nobody vouches for, blames the region or URL, and keeps every task outstanding', async () => {
    const { workflow, jobId, task, ledger } = await setup(3, () => true);
    const error = await workflow.poll(jobId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskNotFoundError);
    expect((error as Error).message).toMatch(/region or base URL is probably wrong.*stays outstanding/);
    for (const t of ['t1', 't2', 't3']) expect(task(t).status).toBeUndefined();
    expect(ledger.records.filter((r) => r.type === 'task.missing')).toEqual([
      expect.objectContaining({ taskId: 't1', witnessed: false }),
    ]);
    expect(workflow.summary(jobId).complete).toBe(false);
  });

  it('a status pass with the wrong URL, repeated for days, never ends a task', async () => {
    const { workflow, jobId, task, clock } = await setup(2, () => true);
    for (let day = 0; day < 5; day++) {
      await expect(workflow.poll(jobId)).rejects.toBeInstanceOf(TaskNotFoundError);
      clock.advance(24 * HOUR);
    }
    // Each pass stops at its first 404: five in all, none witnessed, nothing ended.
    expect(task('t1').missing!.total + task('t2').missing!.total).toBe(5);
    expect([task('t1').missing!.witnessed, task('t2').missing!.witnessed]).toEqual([0, 0]);
    expect([task('t1').status, task('t2').status]).toEqual([undefined, undefined]);
  });

  it('ends a task NOT_FOUND only after 3 witnessed 404s over at least a day', async () => {
    const { workflow, jobId, task, clock } = await setup(3, (t) => t === 't2');
    for (let pass = 1; pass <= 3; pass++) {
      const result = await workflow.poll(jobId);
      expect(result.polled).toBe(3);
      expect(task('t2').missing?.witnessed).toBe(pass);
      if (pass < 3) expect(task('t2').status).toBeUndefined();
      clock.advance(12 * HOUR);
    }
    expect(task('t2').status).toBe('NOT_FOUND');
    expect(task('t2').rawStatus).toMatch(/HTTP 404 on 3 polls over 24 h/);
    expect(task('t1').status).toBe('PENDING');
  });

  it('does not end a task on 404s bunched within a day, however many', async () => {
    const { workflow, jobId, task, clock } = await setup(2, (t) => t === 't2');
    for (let pass = 0; pass < 10; pass++) {
      await workflow.poll(jobId);
      clock.advance(HOUR);
    }
    expect(task('t2').missing?.witnessed).toBe(10);
    expect(task('t2').status).toBeUndefined();
  });

  it('polls tasks that answered 404 before last, so the others can vouch for the URL', async () => {
    const { workflow, jobId, task, calls } = await setup(3, (t) => t === 't1');
    // t1 is polled first and nobody has answered yet: the pass stops there.
    await expect(workflow.poll(jobId)).rejects.toBeInstanceOf(TaskNotFoundError);
    calls.length = 0;
    const result = await workflow.poll(jobId);
    expect(calls.map((c) => c.taskId)).toEqual(['t2', 't3', 't1']);
    expect(result.polled).toBe(3);
    expect(task('t1').missing).toMatchObject({ witnessed: 1, total: 2 });
  });

  it('with `dueOnly` (cron `status --due`), goes on from a 404 on schedule, and polls a witness with a due 404', async () => {
    const { workflow, jobId, task, calls, clock, ledger } = await setup(3, (t) => t === 't2');
    clock.advance(6 * HOUR);
    expect((await workflow.poll(jobId, { dueOnly: true })).polled).toBe(3);
    expect(task('t2').missing).toMatchObject({ witnessed: 1, total: 1 });
    // The 404 was an answer: ten minutes later nothing is due, t2 included (it would be polled alone, unwitnessed).
    clock.advance(10 * 60_000);
    calls.length = 0;
    expect(await workflow.poll(jobId, { dueOnly: true })).toMatchObject({ polled: 0, notDue: 3 });
    expect(calls).toEqual([]);
    // The others polled since: t2 comes due alone. One of them is polled first, to vouch for the URL.
    clock.advance(3 * HOUR);
    for (const taskId of ['t1', 't3']) await ledger.append({ type: 'task.polled', jobId, at: clock.now(), taskId });
    clock.advance(3.5 * HOUR);
    const pass = await workflow.poll(jobId, { dueOnly: true });
    expect(calls.map((c) => c.taskId)).toEqual(['t1', 't2']);
    expect(pass).toMatchObject({ polled: 2, notDue: 1, skipped: [] });
    expect(task('t2').missing).toMatchObject({ witnessed: 2, total: 2 });
  });
});
