import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilePaceShare } from '../src/FilePaceShare.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-pace-'));
  path = join(dir, 'ledger.jsonl.last-request');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const never = new AbortController().signal;

describe('FilePaceShare', () => {
  it('spaces the reservations of two processes on one pace file at least one interval apart', async () => {
    const granted: number[] = [];
    const shares = [0, 1].map(() => new FilePaceShare(path, { onReserve: (at) => granted.push(at) }));
    // 20 reservations at 50 ms, 10 from each "process", all asked at once.
    await Promise.all(
      shares.map(async (share) => {
        for (let n = 0; n < 10; n++) {
          await share.reserve('poll', 50, never);
          await share.answered(1);
        }
      }),
    );
    expect(granted).toHaveLength(20);
    const sorted = [...granted].sort((a, b) => a - b);
    const gaps = sorted.slice(1).map((at, i) => at - sorted[i]!);
    // One interval less the round trip's floor (at most the steady 1 ms here): the next grant counts from the answer,
    // less the part of the round trip that came after arrival, so that requests *arrive* one interval apart.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50 - 1);
    // The format 0.2 reads: one time in epoch ms.
    expect(await readFile(path, 'utf8')).toMatch(/^\d+\n$/);
  });

  it('makes every process back off after a 429 seen by one', async () => {
    const granted: number[] = [];
    const a = new FilePaceShare(path);
    const b = new FilePaceShare(path, { onReserve: (at) => granted.push(at) });
    const first = await a.reserve('submit', 50, never);
    await a.rateLimited(300);
    await a.answered(5);
    await b.reserve('poll', 50, never);
    expect(granted[0]! - first).toBeGreaterThanOrEqual(300);
  });

  it('holds the pace while a request granted to another process is in flight, and spaces the next from its answer', async () => {
    const a = new FilePaceShare(path);
    const b = new FilePaceShare(path);
    await a.reserve('submit', 50, never);
    let answeredAt = Number.POSITIVE_INFINITY;
    const next = b.reserve('poll', 50, never);
    // A slow request: 200 ms, far beyond the interval.
    await new Promise((r) => setTimeout(r, 200));
    answeredAt = Date.now();
    await a.answered(200);
    expect(await next).toBeGreaterThanOrEqual(answeredAt + 50);
  });

  it('ignores, with a warning, a time far in the future (a clock set back), and does not wait for it', async () => {
    await writeFile(path, `${Date.now() + 10 * 3_600_000}\n`, { mode: 0o600 });
    const warnings: string[] = [];
    const share = new FilePaceShare(path, { warn: (m) => warnings.push(m) });
    const before = Date.now();
    const at = await share.reserve('poll', 1000, never);
    expect(at - before).toBeLessThan(1000);
    expect(warnings.join()).toContain('(was the clock set back?)');
  });

  it('reserves a slot less than min(interval, 50 ms) away at once and waits for it, so its file work is not between two requests', async () => {
    let now = 1_000_000;
    const sleeps: number[] = [];
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    };
    const share = new FilePaceShare(path, clock);
    expect(await share.reserve('submit', 40, never)).toBe(1_000_000);
    await share.answered(5);
    // The next slot is 40 ms away: reserved (held in the file for other processes) before the one wait for it.
    expect(await share.reserve('submit', 40, never)).toBe(1_000_040);
    expect(sleeps).toEqual([40]);
    expect(Number(await readFile(path, 'utf8'))).toBeGreaterThanOrEqual(1_000_040 + 30_000 - 40);
    await share.answered(5);
    // Asked for a later slot by the limiter (its own spacing): granted no earlier.
    expect(await share.reserve('submit', 40, never, now + 45)).toBe(1_000_040 + 45);
  });

  it('gives a slot reserved ahead back when aborted while waiting for it', async () => {
    let now = 1_000_000;
    const stop = new AbortController();
    const share = new FilePaceShare(path, {
      now: () => now,
      sleep: async () => {
        stop.abort(new Error('stopped'));
        throw new Error('stopped');
      },
    });
    await share.reserve('submit', 40, never);
    await share.answered(5);
    await expect(share.reserve('submit', 40, stop.signal)).rejects.toThrow('stopped');
    // The file lets the next request go at that slot again, instead of holding every process for 30 s.
    expect(Number(await readFile(path, 'utf8'))).toBe(1_000_000);
    now += 40;
    expect(await new FilePaceShare(path, { now: () => now }).reserve('poll', 40, never)).toBe(1_000_040);
  });

  it('stops waiting when aborted', async () => {
    const share = new FilePaceShare(path);
    await share.reserve('poll', 60_000, never);
    await share.answered(1);
    const stop = new AbortController();
    const waiting = share.reserve('poll', 60_000, stop.signal);
    stop.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow();
  });
});
