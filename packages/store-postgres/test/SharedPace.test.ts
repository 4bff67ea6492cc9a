import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../src/migrate.js';
import { SharedPace } from '../src/SharedPace.js';
import { type FreshDatabase, freshDatabase } from './helpers/freshDatabase.js';

let db: FreshDatabase | undefined;
afterEach(async () => {
  await db?.drop();
  db = undefined;
});

async function migrated(): Promise<FreshDatabase> {
  db = await freshDatabase();
  await migrate(db.pool());
  return db;
}

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
    const workers = Array.from({ length: 4 }, () => new SharedPace(database.pool()));
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
    expect(await columnUs(database, 'next_at', 'p1')).toBe(us(granted.at(-1)!) + intervalMs * 1000);
  });

  it('keeps projects apart: one project waiting does not hold up another', async () => {
    const database = await migrated();
    const pace = new SharedPace(database.pool());
    const first = await pace.acquire('p1', 60_000);
    const other = await pace.acquire('p2', 60_000);
    expect(us(other) - us(first)).toBeLessThan(60_000 * 1000);
  });

  it('grants nobody before a 429 backoff has passed', async () => {
    const database = await migrated();
    const pace = new SharedPace(database.pool());
    await pace.acquire('p1', 10);
    expect(await pace.backoff('p1', 300)).toBe(300);
    const backoffUntil = await columnUs(database, 'backoff_until', 'p1');
    const next = await new SharedPace(database.pool()).acquire('p1', 10);
    expect(us(next)).toBeGreaterThanOrEqual(backoffUntil!);
  });

  it('doubles the backoff per 429 in a row, caps it and Retry-After, and starts over after a success', async () => {
    const database = await migrated();
    const pace = new SharedPace(database.pool(), { rateLimitBackoffMs: 100, rateLimitMaxBackoffMs: 350 });
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
    const pace = new SharedPace(database.pool());
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
    const submitter = new SharedPace(database.pool(), { sleep: lateSleep });
    const poller = new SharedPace(database.pool());
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
    const pace = new SharedPace(database.pool());
    await pace.acquire('p1', 60_000);
    const controller = new AbortController();
    const waiting = pace.acquire('p1', 60_000, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await expect(waiting).rejects.toThrow();
    expect(controller.signal.aborted).toBe(true);
  });

  it('refuses a bad interval or project, naming it', async () => {
    const database = await migrated();
    const pace = new SharedPace(database.pool());
    await expect(pace.acquire('p1', 0)).rejects.toThrow('intervalMs must be a positive number of ms (got 0)');
    await expect(pace.acquire('', 10)).rejects.toThrow('project must be a non-empty string');
    expect(() => new SharedPace(database.pool(), { submitGraceMs: -1 })).toThrow('submitGraceMs');
  });
});
