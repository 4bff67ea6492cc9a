import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Leases } from '../src/Leases.js';
import { leaseOwnerId } from '../src/leaseOwnerId.js';
import type { FreshDatabase } from './helpers/freshDatabase.js';
import { migratedDatabases } from './helpers/migratedDatabases.js';
import { waitForExpiry } from './helpers/waitForExpiry.js';

const migrated = migratedDatabases();

/** The database's clock now, epoch ms (to the µs). */
async function dbNow(database: FreshDatabase): Promise<number> {
  const { rows } = await database
    .pool()
    .query<{ us: string }>('SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text AS us');
  return Number(rows[0]!.us) / 1000;
}

describe('Leases', () => {
  it('claims a free lease, refuses it to others while held, and lets them have it once released', async () => {
    const database = await migrated();
    const a = new Leases(database.pool(), { owner: 'host-a:1:aa' });
    const b = new Leases(database.pool(), { owner: 'host-b:2:bb' });
    const before = await dbNow(database);
    const lease = await a.claim('job:j1', 60_000);
    const after = await dbNow(database);
    expect(lease).toMatchObject({ resource: 'job:j1', owner: 'host-a:1:aa' });
    // Timed by the database: the expiry is the claim's database time + the lease.
    expect(lease!.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(lease!.expiresAt).toBeLessThanOrEqual(after + 60_000);
    expect(await b.claim('job:j1', 60_000)).toBeUndefined();
    // Not re-entrant either: a second claim by the holder is refused.
    expect(await a.claim('job:j1', 60_000)).toBeUndefined();
    expect(await b.held()).toEqual([]);
    expect(await a.held()).toEqual([{ ...lease, expired: false }]);
    expect(await a.release(lease!)).toBe(true);
    expect(await a.release(lease!)).toBe(false);
    expect(await a.list()).toEqual([]);
    expect(await b.claim('job:j1', 60_000)).toMatchObject({ resource: 'job:j1', owner: 'host-b:2:bb' });
  });

  it('lets another owner take an expired lease, on the database clock, and the old claim can no longer renew or release', async () => {
    const database = await migrated();
    const a = new Leases(database.pool(), { owner: 'a' });
    const b = new Leases(database.pool(), { owner: 'b' });
    const lease = (await a.claim('job:j1', 300))!;
    expect(await b.claim('job:j1', 300)).toBeUndefined();
    await waitForExpiry(database.pool(), 'job:j1');
    expect(await a.list()).toEqual([{ ...lease, expired: true }]);
    expect(await a.held()).toEqual([]);
    const taken = await b.claim('job:j1', 60_000);
    expect(taken).toMatchObject({ owner: 'b' });
    const expiresAt = lease.expiresAt;
    expect(await a.renew(lease, 60_000)).toBe(false);
    expect(lease.expiresAt).toBe(expiresAt);
    expect(await a.release(lease)).toBe(false);
    expect(await b.held()).toEqual([{ ...taken, expired: false }]);
  });

  it('renews on the database clock, which keeps the lease from expiring', async () => {
    const database = await migrated();
    const a = new Leases(database.pool(), { owner: 'a' });
    const b = new Leases(database.pool(), { owner: 'b' });
    const lease = (await a.claim('job:j1', 300))!;
    const first = lease.expiresAt;
    const before = await dbNow(database);
    expect(await a.renew(lease, 60_000)).toBe(true);
    expect(lease.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(lease.expiresAt).toBeGreaterThan(first);
    // Past the first expiry on the database clock: still held, thanks to the renewal.
    while ((await dbNow(database)) <= first) await delay(20);
    expect(await b.claim('job:j1', 300)).toBeUndefined();
    expect(await a.held()).toHaveLength(1);
  });

  it('renews a lease past its expiry that nobody claimed, but not a claim of its own that was lost and taken again', async () => {
    const database = await migrated();
    const a = new Leases(database.pool(), { owner: 'a' });
    const old = (await a.claim('job:j1', 300))!;
    await waitForExpiry(database.pool(), 'job:j1');
    expect(await a.renew(old, 300)).toBe(true);
    await waitForExpiry(database.pool(), 'job:j1');
    const again = (await a.claim('job:j1', 60_000))!;
    expect(again.claimedAtUs).not.toBe(old.claimedAtUs);
    // The old claim is not this one, though the owner is the same.
    expect(await a.renew(old, 60_000)).toBe(false);
    expect(await a.release(old)).toBe(false);
    expect(await a.release(again)).toBe(true);
  });

  it('gives one resource to exactly one of two owners racing for it, 20 rounds', async () => {
    const database = await migrated();
    const owners = [new Leases(database.pool()), new Leases(database.pool())];
    expect(owners[0]!.owner).not.toBe(owners[1]!.owner);
    for (let round = 0; round < 20; round++) {
      const resource = `job:race-${round}`;
      // Half the rounds race for an expired lease (the ON CONFLICT path), half for a new row (the INSERT path).
      if (round % 2 === 1) {
        await new Leases(database.pool(), { owner: 'dead' }).claim(resource, 1);
        await waitForExpiry(database.pool(), resource);
      }
      const claims = await Promise.all(owners.map((leases) => leases.claim(resource, 60_000)));
      const winners = claims.filter((lease) => lease !== undefined);
      expect(winners, `round ${round}`).toHaveLength(1);
      const rows = await owners[0]!.list();
      expect(rows.find((row) => row.resource === resource)?.owner).toBe(winners[0]!.owner);
    }
  });

  it('claims the first free candidate, in the order given', async () => {
    const database = await migrated();
    const a = new Leases(database.pool(), { owner: 'a' });
    const b = new Leases(database.pool(), { owner: 'b' });
    await a.claim('job:1', 60_000);
    await a.claim('job:3', 60_000);
    expect(await b.claimNext(['job:1', 'job:2', 'job:3'], 60_000)).toMatchObject({ resource: 'job:2', owner: 'b' });
    expect(await b.claimNext(['job:1', 'job:2', 'job:3'], 60_000)).toBeUndefined();
    expect(await b.claimNext([], 60_000)).toBeUndefined();
    expect((await a.list()).map((row) => [row.resource, row.owner])).toEqual([
      ['job:1', 'a'],
      ['job:2', 'b'],
      ['job:3', 'a'],
    ]);
  });

  it('hands out each candidate once when several workers claim from one list at once', async () => {
    const database = await migrated();
    const candidates = Array.from({ length: 12 }, (_, i) => `job:${i}`);
    const workers = Array.from({ length: 4 }, () => new Leases(database.pool()));
    const won = await Promise.all(
      workers.map(async (leases) => {
        const mine: string[] = [];
        for (;;) {
          const lease = await leases.claimNext(candidates, 60_000);
          if (!lease) return mine;
          mine.push(lease.resource);
        }
      }),
    );
    expect(won.flat().sort()).toEqual([...candidates].sort());
  });

  it('refuses a bad lease length or resource, naming it', async () => {
    const database = await migrated();
    const leases = new Leases(database.pool());
    await expect(leases.claim('job:1', 0)).rejects.toThrow('leaseMs must be a number of ms > 0 (got 0)');
    await expect(leases.claim('job:1', Number.NaN)).rejects.toThrow('leaseMs');
    await expect(leases.claim('', 1_000)).rejects.toThrow('resource must be a non-empty string (got "")');
  });

  it('makes owner ids of host, pid and a random part, different each time', () => {
    const id = leaseOwnerId();
    expect(id).toMatch(new RegExp(`^.+:${process.pid}:[0-9a-f]{12}$`));
    expect(leaseOwnerId()).not.toBe(id);
  });

  describe('keepAlive', () => {
    it('keeps a short lease held past its length, until stopped', async () => {
      const database = await migrated();
      const a = new Leases(database.pool(), { owner: 'a' });
      const b = new Leases(database.pool(), { owner: 'b' });
      // 600 ms, renewed every 200: a stall of the event loop up to 400 ms (a loaded CI machine) still keeps it.
      const lease = (await a.claim('job:j1', 600))!;
      const first = lease.expiresAt;
      const stop = new AbortController();
      let lost = 0;
      const alive = a.keepAlive(lease, 600, { signal: stop.signal, onLost: () => lost++ });
      // Three lease lengths on the database clock.
      while ((await dbNow(database)) <= first + 1_200) await delay(20);
      expect(await b.claim('job:j1', 300)).toBeUndefined();
      stop.abort();
      await alive;
      expect(lost).toBe(0);
      await waitForExpiry(database.pool(), 'job:j1');
      expect(await b.claim('job:j1', 300)).toBeDefined();
    });

    it('calls onLost once when the lease was taken over', async () => {
      const database = await migrated();
      const a = new Leases(database.pool(), { owner: 'a' });
      const lease = (await a.claim('job:j1', 300))!;
      // As if a's renewals had stalled and b claimed it after expiry.
      await database.pool().query("UPDATE mgdpr_leases SET owner = 'b' WHERE resource = 'job:j1'");
      const lost: (Error | undefined)[] = [];
      await a.keepAlive(lease, 300, { onLost: (error) => lost.push(error) });
      expect(lost).toEqual([undefined]);
    });

    it('tries a failed renewal again while the lease may still hold, then calls onLost once with the error', async () => {
      const database = await migrated();
      const pool = database.pool();
      let now = 0;
      const leases = new Leases(pool, {
        owner: 'a',
        // Each tick advances the injected clock by the interval, whatever the wall clock does.
        sleep: async (ms) => {
          now += ms;
        },
        monotonicNow: () => now,
      });
      const lease = (await leases.claim('job:j1', 300))!;
      let renewals = 0;
      const renew = leases.renew.bind(leases);
      leases.renew = async (l, ms) => {
        renewals++;
        if (renewals === 1) return renew(l, ms);
        throw new Error('connection terminated');
      };
      const lost: (Error | undefined)[] = [];
      await leases.keepAlive(lease, 300, { onLost: (error) => lost.push(error) });
      // Renewed at 100 (sent then), failed at 200, 300 (< 300 ms since 100), lost at 400.
      expect(renewals).toBe(4);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.message).toBe('connection terminated');
    });

    it('stops without calling onLost when aborted while waiting', async () => {
      const database = await migrated();
      const a = new Leases(database.pool(), { owner: 'a' });
      const lease = (await a.claim('job:j1', 60_000))!;
      const stop = new AbortController();
      let lost = 0;
      const alive = a.keepAlive(lease, 60_000, { signal: stop.signal, onLost: () => lost++ });
      stop.abort();
      await alive;
      expect(lost).toBe(0);
    });
  });
});
