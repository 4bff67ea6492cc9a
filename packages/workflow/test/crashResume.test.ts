/**
 * A 20,000-id job run as a separate process, killed with SIGKILL at random
 * moments and resumed each time. The fake server (in this process) lives on.
 * The moments come from a seed, printed at the start: rerun a failure with
 * CRASH_SEED=<seed> for the same kill schedule (the same waits after each
 * start; what the worker has done by then still depends on the machine).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeMixpanel, seededRandom, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileLedger } from '../src/index.js';
import { summarizeJob } from '../src/summarizeJob.js';
import { ids } from './helpers/harness.js';

const WORKER = new URL('./fixtures/crashWorker.mjs', import.meta.url).pathname;
const seed = Number(process.env.CRASH_SEED) || Date.now() % 2 ** 31;
console.log(`crash test seed: ${seed} (rerun with CRASH_SEED=${seed})`);
let fake: FakeMixpanel;
let dir: string;

beforeAll(async () => {
  // Latency widens the window in which a kill lands mid-request.
  fake = await startFakeMixpanel({
    timings: { pendingMs: 2_000, stagingMs: 1_500, startedMs: 1_500 },
    faults: { latencyMs: 40 },
    seed,
  });
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-crash-'));
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

function startWorker(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('crash and resume', () => {
  it('loses nothing across 12 SIGKILLs and resends only batches recorded as unknown', {
    timeout: 240_000,
  }, async () => {
    const random = seededRandom(seed);
    const ledgerPath = join(dir, 'ledger.jsonl');
    const idsFile = join(dir, 'ids.txt');
    await writeFile(idsFile, ids(20_000).join('\n'));

    // First run: wait until the ids are planned (nothing is sent before), then start killing.
    let worker = startWorker([ledgerPath, fake.url, idsFile]);
    while (!/JOB (\S+)/.test(worker.output())) {
      if (worker.child.exitCode !== null) throw new Error(worker.output());
      await new Promise((r) => setTimeout(r, 20));
    }
    const jobId = /JOB (\S+)/.exec(worker.output())![1]!;
    let kills = 0;
    // Drawn up front: the schedule is the seed's alone, however the rounds go.
    const waitsMs = Array.from({ length: 40 }, () => Math.round(150 + random() * 900));
    for (let round = 0; round < waitsMs.length && kills < 12; round++) {
      if (round > 0) worker = startWorker([ledgerPath, fake.url, idsFile, jobId]);
      await new Promise((r) => setTimeout(r, waitsMs[round]));
      if (worker.child.exitCode !== null) break;
      worker.child.kill('SIGKILL');
      await worker.exited;
      kills++;
    }
    expect(kills).toBeGreaterThanOrEqual(10);
    worker = startWorker([ledgerPath, fake.url, idsFile, jobId]);
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('DONE {"SUCCESS":20000}');

    const ledger = await FileLedger.open(ledgerPath);
    const job = ledger.state.jobs.get(jobId)!;
    const idsOf = new Map<string, string[]>();
    for (const b of job.batches.values()) idsOf.set(b.batchId, await ledger.batchIds(jobId, b));
    await ledger.close();
    const summary = summarizeJob(job);
    console.log(
      `crash test (seed ${seed}): ${kills} kills after ${waitsMs.slice(0, kills).join(', ')} ms, ${summary.batches.resentAfterUnknown} batches resent after an unknown outcome, ${summary.tasks.fromConflicts} tasks found through 409s`,
    );
    expect(summary.complete).toBe(true);
    expect(summary.ids.byOutcome).toEqual({ SUCCESS: 20_000 });
    // Consistent: every id is covered exactly once, by a task that ended in SUCCESS.
    const covered = new Map<string, number>();
    for (const b of job.batches.values()) {
      expect(['submitted', 'conflict', 'split']).toContain(b.phase);
      const mine =
        b.phase === 'submitted'
          ? idsOf.get(b.batchId)!
          : b.phase === 'conflict'
            ? idsOf.get(b.batchId)!.filter((id) => job.coveredBy.has(id))
            : [];
      for (const id of mine) covered.set(id, (covered.get(id) ?? 0) + 1);
    }
    expect(covered.size).toBe(20_000);
    expect([...covered.values()].every((n) => n === 1)).toBe(true);
    // At the server: a batch reached Mixpanel more than once only if the ledger recorded it as unknown.
    for (const b of job.batches.values()) {
      const key = idsOf.get(b.batchId)!.join('\n');
      const arrivals = fake.requests.filter(
        (r) => r.operation === 'createDeletion' && r.ids?.join('\n') === key,
      ).length;
      expect(arrivals, `batch ${b.batchId}`).toBeLessThanOrEqual(1 + b.unknowns);
    }
  });
});
