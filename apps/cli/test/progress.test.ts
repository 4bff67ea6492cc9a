/** The progress view on a (fake) terminal and in pipes: no subprocess, fake timers. */
import type { JobProgress } from '@mixpanel-gdpr/workflow';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatDuration } from '../src/formatDuration.js';
import { haltProgress, ProgressView } from '../src/ProgressView.js';
import { counted } from '../src/plural.js';

const CLEAR = '\r\x1b[2K';

/** A stream that records what is written; a terminal of 120 columns unless `tty` is false. */
function fakeStream(tty = true) {
  const out = { text: '', isTTY: tty, columns: 120, write: (s: string) => ((out.text += s), true) };
  return out;
}

function view(tty = true, json = false) {
  const stdout = fakeStream(false);
  const stderr = fakeStream(tty);
  const v = new ProgressView({
    json,
    redact: (t) => t,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
  });
  /** What the bar shows now: the text after the last erase, if the line was not erased since. */
  const bar = () => stderr.text.split(CLEAR).at(-1)!;
  return { v, stdout, stderr, bar };
}

const progress = (p: Partial<JobProgress> = {}): JobProgress => ({
  idsTotal: 0,
  idsSubmitted: 0,
  batchesWaiting: 0,
  tasksTotal: 0,
  tasksDone: 0,
  submitEtaMs: 0,
  ...p,
});

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubEnv('NO_COLOR', '1');
});
afterEach(() => {
  haltProgress();
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('the progress bar', () => {
  it('shows the submission ETA with its unit, from the rate limit', () => {
    const { v, bar } = view();
    v.track('job-a', () =>
      progress({ idsTotal: 4000, idsSubmitted: 2000, batchesWaiting: 125, tasksTotal: 1, submitEtaMs: 125_000 }),
    );
    expect(bar()).toMatch(/^submitting [█░]+ 2000\/4000 ids \| 1 task \| ETA 2 min 5 s$/);
  });

  it('keeps moving after the last batch: it reads the counts every second, with no event', () => {
    const { v, bar } = view();
    const p = progress({ idsTotal: 3, idsSubmitted: 2, batchesWaiting: 1, tasksTotal: 1, submitEtaMs: 1000 });
    v.track('job-a', () => p);
    Object.assign(p, { idsSubmitted: 3, batchesWaiting: 0, tasksTotal: 2, tasksDone: 1, submitEtaMs: 0 });
    vi.advanceTimersByTime(1_000);
    expect(bar()).toMatch(/^waiting {4}[█░]+ 1\/2 tasks done \| 3 ids submitted \| elapsed 1 s$/);
    p.tasksDone = 2;
    vi.advanceTimersByTime(60_000);
    expect(bar()).toMatch(/ 2\/2 tasks done \| 3 ids submitted \| elapsed 1 min 1 s$/);
  });

  it('adds up the jobs it follows, and says how many', () => {
    const { v, bar } = view();
    v.track('job-a', () => progress({ idsTotal: 10, idsSubmitted: 10, tasksTotal: 1, tasksDone: 1 }));
    v.track('job-b', () => progress({ idsTotal: 5, idsSubmitted: 5, tasksTotal: 1 }));
    expect(bar()).toMatch(/ 1\/2 tasks done \| 15 ids submitted, 2 jobs \|/);
  });

  it('prints a message above the bar, then draws the bar again', () => {
    const { v, stderr } = view();
    v.track('job-a', () => progress({ tasksTotal: 1 }));
    v.info('hello');
    expect(stderr.text).toMatch(/\r\x1b\[2Khello\n\r\x1b\[2Kwaiting {4}[█░]+ 0\/1 task done/);
  });

  it('on Ctrl-C, leaves a clean line and draws nothing more', () => {
    const { v, stderr } = view();
    v.track('job-a', () => progress({ tasksTotal: 1 }));
    haltProgress();
    expect(stderr.text.endsWith(CLEAR)).toBe(true);
    const before = stderr.text;
    vi.advanceTimersByTime(5_000);
    v.track('job-b', () => progress({ tasksTotal: 1 }));
    v.onEvent({ type: 'task', jobId: 'job-b', taskId: 't', status: 'SUCCESS', rawStatus: 'SUCCESS' });
    expect(stderr.text).toBe(before);
    v.info('stopping');
    expect(stderr.text).toBe(`${before}stopping\n`);
  });
});

describe('without a terminal', () => {
  it('writes a line per job, naming it, when its counts change', () => {
    const { v, stderr } = view(false);
    const a = progress({ idsTotal: 2, idsSubmitted: 2, tasksTotal: 1 });
    v.track('job-a', () => a);
    v.track('job-b', () => progress({ idsTotal: 1, idsSubmitted: 0, batchesWaiting: 1, submitEtaMs: 1000 }));
    v.onEvent({ type: 'batch', jobId: 'job-b', batchId: 'b1', phase: 'sending', ids: 1 });
    a.tasksDone = 1;
    v.onEvent({ type: 'task', jobId: 'job-a', taskId: 't', status: 'SUCCESS', rawStatus: 'SUCCESS' });
    expect(stderr.text).toBe(
      'job job-b: submitting: 0/1 id (0 tasks)\njob job-a: waiting: 1/1 task done (2 ids submitted)\n',
    );
  });
});

describe('errors', () => {
  it('print one prefix on stderr and, with --json, an object with a code on stdout', () => {
    const { v, stdout, stderr } = view(false, true);
    v.error('deadline', 'stopped watching job-a', { jobId: 'job-a' });
    expect(stderr.text).toBe('mixpanel-gdpr: error: stopped watching job-a\n');
    expect(JSON.parse(stdout.text)).toEqual({
      type: 'error',
      code: 'deadline',
      message: 'stopped watching job-a',
      exitCode: 4,
      jobId: 'job-a',
    });
  });
});

describe('words and times', () => {
  it('pluralises counts', () => {
    expect([
      counted(0, 'task'),
      counted(1, 'task'),
      counted(2, 'id'),
      counted(1, 'batch', 'batches'),
      counted(3, 'batch', 'batches'),
    ]).toEqual(['0 tasks', '1 task', '2 ids', '1 batch', '3 batches']);
  });

  it('writes durations in their two largest units, rounded up to the second', () => {
    expect(
      [0, 1, 999, 45_000, 125_000, 120_000, 3_600_000 + 20 * 60_000 + 5_000, 4 * 86_400_000 + 2 * 3_600_000].map(
        formatDuration,
      ),
    ).toEqual(['0 s', '1 s', '1 s', '45 s', '2 min 5 s', '2 min', '1 h 20 min', '4 d 2 h']);
  });
});
