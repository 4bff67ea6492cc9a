import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { IN_FLIGHT_MAX_MS, SharedPace, SPACING_MARGIN } from '../src/SharedPace.js';
import type { FreshDatabase } from './helpers/freshDatabase.js';
import { migratedDatabases } from './helpers/migratedDatabases.js';

/** These tests are about other rules than the one in flight: grants are never held back for an answer. */
const UNANSWERED = { inFlightMaxMs: 0 };

const migrated = migratedDatabases();

/** A pace row's column as epoch µs (exact), from the database. */
async function columnUs(database: FreshDatabase, column: string, project: string): Promise<number | null> {
  const { rows } = await database
    .pool()
    .query<{ us: string | null }>(
      `SELECT (extract(epoch FROM ${column}) * 1000000)::bigint::text AS us FROM mgdpr_pace WHERE project = $1`,
      [project],
    );
  return rows[0]?.us == null ? null : Number(rows[0].us);
}

/** Grant times are epoch ms to the µs; compare them as whole µs. */
const us = (ms: number) => Math.round(ms * 1000);

describe('SharedPace', () => {
  it('spaces the grants of four workers by the interval, on the database clock', async () => {
    const database = await migrated();
    const intervalMs = 50;
    // Separate pools: separate workers, sharing nothing but the database.
    const workers = Array.from({ length: 4 }, () => new SharedPace(database.pool(), UNANSWERED));
    const granted = (
      await Promise.all(
        workers.map(async (pace) => {
          const times: number[] = [];
          for (let i = 0; i < 10; i++) times.push(await pace.acquire('p1', intervalMs));
          return times;
        }),
      )
    )
      .flat()
      .sort((a, b) => a - b);
    expect(granted).toHaveLength(40);
    for (let i = 1; i < granted.length; i++) {
      expect(us(granted[i]!) - us(granted[i - 1]!), `grant ${i}`).toBeGreaterThanOrEqual(intervalMs * 1000);
    }
    // The row holds the last grant plus the interval.
    expect(await columnUs(database, 'next_at', 'p1')).toBe(
      us(granted.at(-1)!) + intervalMs * (1 + SPACING_MARGIN) * 1000,
    );
  });

  it('keeps projects apart: one project waiting does not hold up another', async () => {
    const database = await migrated();
    const pace = new SharedPace(database.pool(), UNANSWERED);
    const first = await pace.acquire('p1', 60_000);
    const other = await pace.acquire('p2', 60_000);
    expect(us(other) - us(first)).toBeLessThan(60_000 * 1000);
  });

  it('grants a slot close at hand ahead, and an abort while waiting for it gives the slot back', async () => {
    const database = await migrated();
    const intervalMs = 1_000;
    const pace = new SharedPace(database.pool(), UNANSWERED);
    const first = await pace.acquire('p1', intervalMs);
    // The next slot is about a second away, within a (test-sized) minute ahead: granted at once, with no real
    // time to race. Then the caller gives up while waiting for the slot.
    const controller = new AbortController();
    const sleeps: number[] = [];
    const inFlight: Array<number | null> = [];
    const waiting = new SharedPace(database.pool(), {
      ...UNANSWERED,
      grantAheadMs: 60_000,
      sleep: async (ms, signal) => {
        sleeps.push(ms);
        inFlight.push(await columnUs(database, 'in_flight_until', 'p1'));
        controller.abort(new Error('gave up'));
        signal?.throwIfAborted();
      },
    });
    await expect(waiting.acquire('p1', intervalMs, { signal: controller.signal })).rejects.toThrow('gave up');
    // One wait, for the slot, with the grant already made (its in-flight mark set, after the first grant's).
    expect(sleeps).toHaveLength(1);
    expect(inFlight[0]).toBeGreaterThan(us(first));
    // Given back: the slot is free again, at the same time, and nothing is in flight.
    expect(await columnUs(database, 'in_flight_until', 'p1')).toBeNull();
    const next = await pace.acquire('p1', intervalMs);
    expect(us(next) - us(first)).toBeGreaterThanOrEqual(intervalMs * (1 + SPACING_MARGIN) * 1000);
    // Not given back, the slot after it would be the next: two spacings from the first.
    expect(us(next) - us(first)).toBeLessThan(2 * intervalMs * (1 + SPACING_MARGIN) * 1000);
  });

  it('grants nobody before a 429 backoff has passed', async () => {
    const database = await migrated();
    const pace = new SharedPace(database.pool(), UNANSWERED);
    await pace.acquire('p1', 10);
    expect(await pace.backoff('p1', 300)).toBe(300);
    const backoffUntil = await columnUs(database, 'backoff_until', 'p1');
    const next = await new SharedPace(database.pool(), UNANSWERED).acquire('p1', 10);
    expect(us(next)).toBeGreaterThanOrEqual(backoffUntil!);
  });

  it('doubles the backoff per 429 in a row, caps it and Retry-After, and starts over after a success', async () => {
    const database = await migrated();
    const pace = new SharedPace(database.pool(), {
      ...UNANSWERED,
      rateLimitBackoffMs: 100,
      rateLimitMaxBackoffMs: 350,
    });
    expect(await pace.backoff('p1')).toBe(100);
    expect(await pace.backoff('p1')).toBe(200);
    expect(await pace.backoff('p1')).toBe(350);
    expect(await pace.backoff('p1', 10_000)).toBe(350);
    expect(await pace.backoff('p1', 20)).toBe(20);
    await pace.succeeded('p1');
    expect(await pace.backoff('p1')).toBe(100);
  });

  it('never shortens a backoff already recorded', async () => {
    const database = await migrated();
    const pace = new SharedPace(database.pool(), UNANSWERED);
    await pace.backoff('p1', 5_000);
    const long = await columnUs(database, 'backoff_until', 'p1');
    await pace.backoff('p1', 10);
    expect(await columnUs(database, 'backoff_until', 'p1')).toBe(long);
  });

  it('grants a waiting submission before a poll, even when the poll wakes first', async () => {
    const database = await migrated();
    const intervalMs = 400;
    // The submitting worker's timer fires 150 ms late: without the priority, the poll would take the slot.
    const lateSleep = (ms: number, signal?: AbortSignal) => delay(ms + 150, undefined, signal ? { signal } : {});
    const submitter = new SharedPace(database.pool(), { ...UNANSWERED, sleep: lateSleep });
    const poller = new SharedPace(database.pool(), UNANSWERED);
    await poller.acquire('p1', intervalMs, { priority: 'poll' });
    const submit = submitter.acquire('p1', intervalMs, { priority: 'submit' });
    while ((await columnUs(database, 'waiting_submit_until', 'p1')) === null) await delay(5);
    const poll = poller.acquire('p1', intervalMs, { priority: 'poll' });
    const [submittedAt, polledAt] = await Promise.all([submit, poll]);
    expect(us(polledAt) - us(submittedAt)).toBeGreaterThanOrEqual(intervalMs * 1000);
    // The granted submission was the only one waiting: it cleared its claim.
    expect(await columnUs(database, 'waiting_submit_until', 'p1')).toBeNull();
  });

  it('stops waiting when the signal aborts', async () => {
    const database = await migrated();
    const pace = new SharedPace(database.pool(), UNANSWERED);
    await pace.acquire('p1', 60_000);
    const controller = new AbortController();
    const waiting = pace.acquire('p1', 60_000, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await expect(waiting).rejects.toThrow();
    expect(controller.signal.aborted).toBe(true);
  });

  it('refuses a bad interval or project, naming it', async () => {
    const database = await migrated();
    const pace = new SharedPace(database.pool(), UNANSWERED);
    await expect(pace.acquire('p1', 0)).rejects.toThrow('intervalMs must be a positive number of ms (got 0)');
    await expect(pace.acquire('', 10)).rejects.toThrow('project must be a non-empty string');
    expect(() => new SharedPace(database.pool(), { submitGraceMs: -1 })).toThrow('submitGraceMs');
  });

  it('holds the next grant until the request in flight has its answer, then spaces from the answer', async () => {
    const database = await migrated();
    const a = new SharedPace(database.pool());
    const b = new SharedPace(database.pool());
    const intervalMs = 50;
    const first = await a.acquire('p1', intervalMs);
    expect(await columnUs(database, 'in_flight_until', 'p1')).toBe(us(first) + IN_FLIGHT_MAX_MS * 1000);
    let second: number | undefined;
    const waiting = b.acquire('p1', intervalMs).then((t) => (second = t));
    // Well past the interval, and still not granted: the first request has no answer yet.
    await waitForDatabase(database, us(first) + 10 * intervalMs * 1000);
    expect(second).toBeUndefined();
    await a.answered('p1', first, intervalMs, 10);
    await waiting;
    expect(await columnUs(database, 'in_flight_until', 'p1')).toBe(us(second!) + IN_FLIGHT_MAX_MS * 1000);
    // Granted only after the answer, which came ten intervals after the first grant.
    expect(us(second!)).toBeGreaterThanOrEqual(us(first) + 10 * intervalMs * 1000);
    // A late answer to an old grant changes nothing.
    await a.answered('p1', first, intervalMs, 0);
    expect(await columnUs(database, 'in_flight_until', 'p1')).toBe(us(second!) + IN_FLIGHT_MAX_MS * 1000);
  });

  it('keeps a request in flight while its worker waits for the answer, and stops once it has it', async () => {
    const database = await migrated();
    // The renewals are driven by hand: no real time to race.
    const ticks: Array<() => void> = [];
    let stopped = 0;
    const a = new SharedPace(database.pool(), {
      every: (ms, tick) => {
        expect(ms).toBe(IN_FLIGHT_MAX_MS / 4);
        ticks.push(tick);
        return () => void stopped++;
      },
    });
    const intervalMs = 50;
    const first = await a.acquire('p1', intervalMs);
    expect(ticks).toHaveLength(1);
    const before = await columnUs(database, 'in_flight_until', 'p1');
    await waitForDatabase(database, us(first) + 10_000);
    ticks[0]!();
    // The renewal is best effort (not awaited by the tick): look until it has landed.
    let after = before;
    for (let i = 0; i < 200 && after === before; i++) {
      await delay(10);
      after = await columnUs(database, 'in_flight_until', 'p1');
    }
    expect(after! - before!).toBeGreaterThanOrEqual(10_000);
    await a.answered('p1', first, intervalMs, 0);
    expect(stopped).toBe(1);
    expect(await columnUs(database, 'in_flight_until', 'p1')).toBeNull();
    // A renewal after the answer (a timer already due) must not hold the pace again.
    ticks[0]!();
    await delay(50);
    expect(await columnUs(database, 'in_flight_until', 'p1')).toBeNull();
  });
});

/** Waits until the database's clock has passed `us` (epoch µs): no assertion on wall time. */
async function waitForDatabase(database: FreshDatabase, untilUs: number): Promise<void> {
  const pool = database.pool();
  for (;;) {
    const { rows } = await pool.query<{ now_us: string }>(
      'select (extract(epoch from clock_timestamp()) * 1000000)::bigint::text as now_us',
    );
    if (Number(rows[0]!.now_us) >= untilUs) return;
    await delay(20);
  }
}
