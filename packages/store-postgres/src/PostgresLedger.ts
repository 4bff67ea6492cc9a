import {
  applyRecord,
  assertAppendable,
  type BatchState,
  batchIdsOf,
  emptyLedgerState,
  type Ledger,
  LedgerConflictError,
  type LedgerRecord,
  type LedgerState,
} from '@mixpanel-gdpr/workflow';
import pg from 'pg';
import { type ChangeListener, EventsListener } from './EventsListener.js';
import { LeaseLostError } from './LeaseLostError.js';
import { migrate } from './migrate.js';
import { readEvents, type StoredEvent } from './readEvents.js';
import { type JsonbRecords, recordsForJsonb } from './recordsForJsonb.js';
import { sql } from './sql.js';
import { withTransaction } from './withTransaction.js';

/** An append waiting for its group commit. */
interface PendingAppend {
  stored: JsonbRecords;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Bounds of one group commit: its records are one JSON parameter of one
 * INSERT (as `copyLedger`'s batches), and each append of a group is checked
 * against those before it (quadratic in the group's records).
 */
const GROUP_MAX_APPENDS = 256;
const GROUP_MAX_RECORDS = 1000;
const GROUP_MAX_CHARS = 8 * 1024 * 1024;

export interface PostgresLedgerOptions {
  /** Checked while migrating and replaying. */
  signal?: AbortSignal;
  /**
   * The lease a record needs (e.g. `fenceJobWork`: `job:<jobId>` for work on
   * a claimed job), or undefined when it needs none. An append whose records
   * need a lease `leaseOwner` does not hold, unexpired on the database's
   * clock, writes nothing and throws a `LeaseLostError`.
   */
  fence?: (record: LedgerRecord) => string | undefined;
  /** Whose leases the fence checks (`Leases.owner`). Required with `fence`. */
  leaseOwner?: string;
}

interface Fence {
  resourceOf: (record: LedgerRecord) => string | undefined;
  owner: string;
}

/**
 * The workflow's `Ledger` on PostgreSQL: `mgdpr_events` is the log, and
 * `state` is its replay in this process's memory, small by design: a
 * batch's ids stay in its event, read back by seq when needed (`batchIds`).
 *
 * Several processes may hold one. Each applies the log in seq order, exactly
 * once: its own appends after they commit, other processes' through
 * `refresh()` (woken by `onChange`) or at its next append, which first takes
 * in whatever others committed before it.
 */
export class PostgresLedger implements Ledger {
  readonly state: LedgerState = emptyLedgerState();
  /** The last seq applied to `state`. */
  #lastSeq = 0;
  /** Appends and refreshes run one at a time: `state` follows seq order. */
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  /** Appends waiting for the next group commit, in call order. */
  #pending: PendingAppend[] = [];
  /** A group commit is in the queue and has not started: appends join it. */
  #flushQueued = false;
  /** A group commit holds the events lock and has applied every event committed before it took it. */
  #readUnderLock = false;
  /** A refresh in the queue that has not started: refreshes join it. */
  #queuedRefresh: Promise<number> | undefined;
  /** Set when applying a stored event failed: `state` no longer matches the log. */
  #broken: string | undefined;
  readonly #listener: EventsListener;

  private constructor(
    /** The pool it appends and reads through (`copyLedger` writes through it too). */
    readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
    private readonly fence: Fence | undefined,
  ) {
    this.#listener = new EventsListener(pool.options);
  }

  /**
   * Connects (to a URL, with a pool of its own, or through the caller's pool,
   * which `close` then leaves open), migrates the schema and replays the log.
   */
  static async open(db: string | pg.Pool, options: PostgresLedgerOptions = {}): Promise<PostgresLedger> {
    if ((options.fence === undefined) !== (options.leaseOwner === undefined))
      throw new TypeError('fence and leaseOwner go together: the fence checks the leases of leaseOwner');
    const fence =
      options.fence && options.leaseOwner ? { resourceOf: options.fence, owner: options.leaseOwner } : undefined;
    const ownsPool = typeof db === 'string';
    const pool = ownsPool ? new pg.Pool({ connectionString: db }) : db;
    // An idle client's connection dropping (a server restart) emits 'error' on
    // the pool, which would crash the process; the next query reports it instead.
    if (ownsPool) {
      pool.on('error', () => {});
      // See createPool: a checked-out client's dropped connection must not end the process.
      pool.on('connect', (client) => client.on('error', () => {}));
    }
    try {
      await migrate(pool, options.signal ? { signal: options.signal } : {});
      const ledger = new PostgresLedger(pool, ownsPool, fence);
      await ledger.#catchUp(options.signal);
      return ledger;
    } catch (error) {
      if (ownsPool) await pool.end();
      throw error;
    }
  }

  /** The last seq applied to `state`. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /**
   * Appends the records in one transaction, then applies them to `state`:
   * all of them or (when it fails) none. Events other processes committed
   * before them are applied first, so `state` is always a prefix of the log,
   * and records those events make wrong (the same ticket recorded twice) are
   * refused with a `LedgerConflictError`, before anything is written.
   *
   * With a fence, the leases the records need are checked and locked (FOR
   * SHARE) in the same transaction: held by this owner and unexpired, or
   * nothing is written and a `LeaseLostError` is thrown. Nobody can take a
   * checked lease over before the append commits, so a new holder that
   * claims it and then reads the log sees every record written under it.
   *
   * A NUL in a string, which `jsonb` cannot hold, is stored as U+FFFD (see
   * `recordsForJsonb`), and `state` gets the record as stored.
   */
  append(...records: LedgerRecord[]): Promise<void> {
    if (records.length === 0) return this.#enqueue(async () => {});
    if (this.#closed) return Promise.reject(new Error('the PostgreSQL ledger is closed'));
    let stored: JsonbRecords;
    try {
      stored = recordsForJsonb(records);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ stored, resolve, reject });
      if (!this.#flushQueued) this.#queueFlush();
    });
  }

  /** Applies the events other processes appended since the last one seen; resolves with how many. */
  refresh(signal?: AbortSignal): Promise<number> {
    // Every call the service answers starts with one: those waiting for their turn share one read, which starts
    // after each of them was asked, so each still sees everything committed before it asked.
    // While a group commit of this ledger holds the events lock, having read the log under it, no other process
    // can commit an append: everything committed before this call is in `state` already.
    if (signal === undefined && this.#readUnderLock && !this.#closed) return Promise.resolve(0);
    if (signal === undefined && this.#queuedRefresh) return this.#queuedRefresh;
    const refreshed: Promise<number> = this.#enqueue(() => {
      if (this.#queuedRefresh === refreshed) this.#queuedRefresh = undefined;
      return this.#catchUp(signal);
    });
    if (signal === undefined) this.#queuedRefresh = refreshed;
    return refreshed;
  }

  /**
   * Calls `listener` whenever any process appends (LISTEN on a connection of
   * its own): an idle worker waits on this instead of polling the table.
   * Resolves once listening, with a function that unsubscribes.
   */
  onChange(listener: ChangeListener): Promise<() => Promise<void>> {
    if (this.#closed) return Promise.reject(new Error('the PostgreSQL ledger is closed'));
    return this.#listener.subscribe(listener);
  }

  /** Reads the batch's event again, by the seq noted when it was applied. */
  async batchIds(jobId: string, batch: BatchState): Promise<string[]> {
    if (this.#closed) throw new Error('the PostgreSQL ledger is closed');
    const { rows } = await this.pool.query<{ record: LedgerRecord }>(sql.eventAt, [batch.stored]);
    return batchIdsOf(rows[0]?.record, jobId, batch, 'mgdpr_events');
  }

  /** Every record in the log, oldest first, a page at a time; includes other processes' appends. */
  async *history(): AsyncGenerator<LedgerRecord> {
    await this.#queue.catch(() => {});
    for await (const { record } of readEvents(this.pool, 0)) yield record;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => {});
    await this.#listener.close();
    if (this.ownsPool) await this.pool.end();
  }

  #queueFlush(): void {
    this.#flushQueued = true;
    this.#queue = this.#queue.then(() => this.#flush()).catch(() => {});
  }

  /**
   * A group commit: the appends made while the one before was committing
   * go to the database in one transaction (one lock, one insert, one
   * notify, one commit and its flush to disk), each answered once that
   * commit succeeded. Each is judged as if alone and in turn: one refused
   * (a ticket recorded meanwhile, a lease lost) is refused alone, and one
   * that conflicts with an earlier one of the group waits for the next
   * group, where that one is in `state` and the verdict is the same as in
   * a transaction of its own.
   */
  async #flush(): Promise<void> {
    this.#flushQueued = false;
    let records = 0;
    let chars = 0;
    let taken = 0;
    while (taken < this.#pending.length && taken < GROUP_MAX_APPENDS) {
      const { stored } = this.#pending[taken]!;
      if (
        taken > 0 &&
        (records + stored.records.length > GROUP_MAX_RECORDS || chars + stored.json.length > GROUP_MAX_CHARS)
      )
        break;
      records += stored.records.length;
      chars += stored.json.length;
      taken++;
    }
    const group = this.#pending.splice(0, taken);
    if (this.#pending.length && !this.#flushQueued) this.#queueFlush();
    try {
      await this.#commitGroup(group);
    } catch (error) {
      // The database refused the whole transaction (a record it cannot take, the connection gone): each append
      // again in one of its own, so each gets its own answer, as when each had its own transaction.
      if (group.length === 1) group[0]!.reject(error);
      else for (const append of group) await this.#commitGroup([append]).catch(append.reject);
    }
  }

  /** One transaction for `group`; rejects (answering none) when the database refuses it. */
  async #commitGroup(group: PendingAppend[]): Promise<void> {
    if (this.#broken) throw new Error(`the PostgreSQL ledger is unusable: ${this.#broken}; open it again`);
    const accepted: PendingAppend[] = [];
    const refused: Array<[PendingAppend, unknown]> = [];
    const deferred: PendingAppend[] = [];
    const seqs = await withTransaction(this.pool, async (client) => {
      accepted.length = refused.length = deferred.length = 0;
      await client.query(sql.lockEvents);
      // Under the lock nobody else commits: these are all the events before ours, committed
      // already, so applied as they are read (whether ours then commit or not).
      for await (const event of readEvents(client, this.#lastSeq)) this.#applyAll([event]);
      this.#readUnderLock = true;
      const lost = this.fence ? await lostLeases(client, this.fence, group) : new Map<PendingAppend, LeaseLostError>();
      // Usually every append fits after the ones before it: one pass over the group's records.
      if (lost.size === 0 && fitsAfterState(this.state, group)) accepted.push(...group);
      else {
        const records: LedgerRecord[] = [];
        for (const append of group) {
          const leaseLost = lost.get(append);
          if (leaseLost) {
            // The database's verdict on its leases, whatever else the group holds.
            refused.push([append, leaseLost]);
            continue;
          }
          try {
            // Another worker may have recorded the same ticket, or extended the same request, first.
            assertAppendable(
              this.state,
              records.length ? [...records, ...append.stored.records] : append.stored.records,
            );
          } catch (error) {
            if (!(error instanceof LedgerConflictError)) throw error;
            // With nothing accepted before it, `state` is what it would be alone: refused now. Otherwise it may
            // conflict with one before it only: judged again in the next group, that one in `state` by then.
            if (accepted.length === 0) refused.push([append, error]);
            else deferred.push(append);
            continue;
          }
          accepted.push(append);
          records.push(...append.stored.records);
        }
      }
      if (accepted.length === 0) return [];
      const json =
        accepted.length === 1
          ? accepted[0]!.stored.json
          : `[${accepted.map((a) => a.stored.json.slice(1, -1)).join(',')}]`;
      // Each record's own seq (the ids of a batch are read back by it), in record order.
      const { rows } = await client.query<{ seqs: string[] }>(sql.appendEvents, [json]);
      const seqs = rows[0]!.seqs.map(Number);
      await client.query(sql.notifyEvents, [String(seqs.at(-1))]);
      return seqs;
    }).finally(() => {
      this.#readUnderLock = false;
    });
    if (deferred.length) {
      this.#pending.unshift(...deferred);
      if (!this.#flushQueued) this.#queueFlush();
    }
    for (const [append, error] of refused) append.reject(error);
    let i = 0;
    try {
      for (const append of accepted)
        this.#applyAll(append.stored.records.map((record) => ({ seq: seqs[i++]!, record })));
    } catch (error) {
      for (const append of accepted) append.reject(error);
      return;
    }
    for (const append of accepted) append.resolve();
  }

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the PostgreSQL ledger is closed'));
    const next = this.#queue.then(() => {
      if (this.#broken) throw new Error(`the PostgreSQL ledger is unusable: ${this.#broken}; open it again`);
      return work();
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  async #catchUp(signal: AbortSignal | undefined): Promise<number> {
    let count = 0;
    for await (const event of readEvents(this.pool, this.#lastSeq)) {
      signal?.throwIfAborted();
      this.#applyAll([event]);
      count++;
    }
    return count;
  }

  #applyAll(events: readonly StoredEvent[]): void {
    for (const { seq, record } of events) {
      try {
        applyRecord(this.state, record, seq);
      } catch (error) {
        this.#broken = `event ${seq} of mgdpr_events does not apply (${(error as Error).message})`;
        throw new Error(this.#broken);
      }
      this.#lastSeq = seq;
    }
  }
}

/** Whether the group's records, in order, may follow `state` (see `assertAppendable`). */
function fitsAfterState(state: LedgerState, group: readonly PendingAppend[]): boolean {
  try {
    assertAppendable(state, group.length === 1 ? group[0]!.stored.records : group.flatMap((a) => a.stored.records));
    return true;
  } catch (error) {
    if (error instanceof LedgerConflictError) return false;
    throw error;
  }
}

/**
 * The appends of `group` whose records need a lease `fence.owner` does not
 * hold, live, each with a `LeaseLostError` for the first such lease (in
 * name order). One query for the group; the leases found are locked (FOR
 * SHARE) until the transaction ends.
 */
async function lostLeases(
  client: pg.ClientBase,
  fence: Fence,
  group: readonly PendingAppend[],
): Promise<Map<PendingAppend, LeaseLostError>> {
  const lost = new Map<PendingAppend, LeaseLostError>();
  const neededBy = group.map((append) => {
    const needed = new Set<string>();
    for (const record of append.stored.records) {
      const resource = fence.resourceOf(record);
      if (resource !== undefined) needed.add(resource);
    }
    return [...needed].sort();
  });
  const resources = [...new Set(neededBy.flat())].sort();
  if (resources.length === 0) return lost;
  const { rows } = await client.query<{ resource: string; owner: string; live: boolean; expires_us: string }>(
    sql.fenceLeases,
    [resources],
  );
  for (const [i, append] of group.entries())
    for (const resource of neededBy[i]!) {
      const row = rows.find((r) => r.resource === resource);
      if (!row || row.owner !== fence.owner || !row.live) {
        lost.set(
          append,
          new LeaseLostError(
            resource,
            fence.owner,
            row?.owner,
            row === undefined ? undefined : Number(row.expires_us) / 1000,
          ),
        );
        break;
      }
    }
  return lost;
}
