import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';
import type { Lease, LeaseStatus } from './Lease.js';
import { leaseOwnerId } from './leaseOwnerId.js';
import { sql } from './sql.js';

export interface LeasesOptions {
  /** This process's owner id. @default leaseOwnerId() */
  owner?: string;
  /** Waits `ms`, rejecting when `signal` aborts (keepAlive's timer). @default node:timers/promises setTimeout */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A monotonic clock in ms, for keepAlive's "has the lease run out here?" @default performance.now */
  monotonicNow?: () => number;
}

export interface KeepAliveOptions {
  /** Stops renewing (the promise resolves); the lease is not released. */
  signal?: AbortSignal;
  /** Called once when the lease is lost: with the renewal's error, or undefined when it was taken over. */
  onLost: (error: Error | undefined) => void;
}

interface LeaseRow {
  resource: string;
  owner: string;
  expires_us: string;
  acquired_us: string;
  expired: boolean;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : {});

/**
 * Leases on `mgdpr_leases`, for one owner: who may act on a resource (a
 * job), until when, on the database's clock. A worker that dies stops
 * renewing and its leases expire; the next claimant takes them over. Every
 * operation is one statement: nothing is held open between them.
 */
export class Leases {
  readonly owner: string;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #now: () => number;

  constructor(
    private readonly pool: pg.Pool,
    options: LeasesOptions = {},
  ) {
    this.owner = options.owner ?? leaseOwnerId();
    if (!this.owner) throw new TypeError('owner must be a non-empty string');
    this.#sleep = options.sleep ?? defaultSleep;
    this.#now = options.monotonicNow ?? (() => performance.now());
  }

  /**
   * Takes `resource` for `leaseMs` if nobody holds it or its lease has
   * expired on the database's clock; undefined when someone holds it (this
   * owner too: a lease is not re-entrant). Refresh the ledger after a claim:
   * what the previous holder appended is in the log, not yet in memory.
   */
  async claim(resource: string, leaseMs: number): Promise<Lease | undefined> {
    checkResource(resource);
    checkLeaseMs(leaseMs);
    const { rows } = await this.pool.query<{ expires_us: string; acquired_us: string }>(sql.claimLease, [
      resource,
      this.owner,
      leaseMs,
    ]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      resource,
      owner: this.owner,
      expiresAt: Number(row.expires_us) / 1000,
      claimedAtUs: Number(row.acquired_us),
    };
  }

  /**
   * The first of `candidates` (in their order: put the most urgent first)
   * that could be claimed, or undefined when every one is held. Each try is
   * `claim`'s one atomic statement; see DESIGN.md for why not one
   * `FOR UPDATE SKIP LOCKED` query.
   */
  async claimNext(candidates: readonly string[], leaseMs: number): Promise<Lease | undefined> {
    checkLeaseMs(leaseMs);
    for (const resource of candidates) {
      const lease = await this.claim(resource, leaseMs);
      if (lease) return lease;
    }
    return undefined;
  }

  /**
   * Moves the lease's expiry to `leaseMs` from now (database clock) and sets
   * `lease.expiresAt`. False when it is lost: someone else claimed it, or it
   * was released. A lease past its expiry that nobody has claimed is
   * renewed: nobody could act on the resource without claiming it first.
   */
  async renew(lease: Lease, leaseMs: number): Promise<boolean> {
    checkLeaseMs(leaseMs);
    const { rows } = await this.pool.query<{ expires_us: string }>(sql.renewLease, [
      lease.resource,
      lease.owner,
      lease.claimedAtUs,
      leaseMs,
    ]);
    const row = rows[0];
    if (!row) return false;
    lease.expiresAt = Number(row.expires_us) / 1000;
    return true;
  }

  /** Gives the lease up, so another worker may claim it at once. False when it was no longer this claim's. */
  async release(lease: Lease): Promise<boolean> {
    const { rowCount } = await this.pool.query(sql.releaseLease, [lease.resource, lease.owner, lease.claimedAtUs]);
    return rowCount === 1;
  }

  /** The live (unexpired) leases of `owner`, by resource. @default this owner */
  async held(owner: string = this.owner): Promise<LeaseStatus[]> {
    return (await this.#list(owner)).filter((lease) => !lease.expired);
  }

  /** Every lease row, expired ones included, by resource. */
  list(): Promise<LeaseStatus[]> {
    return this.#list(null);
  }

  /**
   * Renews `lease` every `leaseMs / 3` until `signal` aborts (resolves) or
   * the lease is lost (calls `onLost` once, then resolves). A renewal that
   * answers false means it was taken over: lost at once. A renewal that
   * fails (the connection dropped, the server restarts) is tried again at
   * the next tick while the lease may still be ours: lost once `leaseMs` has
   * passed here since the last renewal that succeeded was sent, as it may
   * then have expired on the database's clock.
   */
  async keepAlive(lease: Lease, leaseMs: number, options: KeepAliveOptions): Promise<void> {
    checkLeaseMs(leaseMs);
    const { signal, onLost } = options;
    const everyMs = leaseMs / 3;
    let renewedAt = this.#now();
    for (;;) {
      try {
        await this.#sleep(everyMs, signal);
      } catch (error) {
        if (signal?.aborted) return;
        throw error;
      }
      if (signal?.aborted) return;
      const sentAt = this.#now();
      let renewed: boolean;
      try {
        renewed = await this.renew(lease, leaseMs);
      } catch (error) {
        if (signal?.aborted) return;
        if (this.#now() - renewedAt >= leaseMs) {
          onLost(error as Error);
          return;
        }
        continue;
      }
      if (!renewed) {
        if (!signal?.aborted) onLost(undefined);
        return;
      }
      renewedAt = sentAt;
    }
  }

  async #list(owner: string | null): Promise<LeaseStatus[]> {
    const { rows } = await this.pool.query<LeaseRow>(sql.listLeases, [owner]);
    return rows.map((row) => ({
      resource: row.resource,
      owner: row.owner,
      expiresAt: Number(row.expires_us) / 1000,
      claimedAtUs: Number(row.acquired_us),
      expired: row.expired,
    }));
  }
}

function checkResource(resource: string): void {
  if (typeof resource !== 'string' || resource === '')
    throw new TypeError(`resource must be a non-empty string (got ${JSON.stringify(resource)})`);
}

function checkLeaseMs(leaseMs: number): void {
  if (!Number.isFinite(leaseMs) || leaseMs <= 0)
    throw new TypeError(`leaseMs must be a number of ms > 0 (got ${leaseMs})`);
}
