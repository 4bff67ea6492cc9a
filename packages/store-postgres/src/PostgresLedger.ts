import {
  applyRecord,
  assertAppendable,
  type BatchState,
  batchIdsOf,
  emptyLedgerState,
  type Ledger,
  type LedgerRecord,
  type LedgerState,
} from '@mixpanel-gdpr/workflow';
import pg from 'pg';
import { type ChangeListener, EventsListener } from './EventsListener.js';
import { LeaseLostError } from './LeaseLostError.js';
import { migrate } from './migrate.js';
import { readEvents, type StoredEvent } from './readEvents.js';
import { recordsForJsonb } from './recordsForJsonb.js';
import { sql } from './sql.js';
import { withTransaction } from './withTransaction.js';

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
    return this.#enqueue(async () => {
      if (records.length === 0) return;
      const stored = recordsForJsonb(records);
      const seqs = await withTransaction(this.pool, async (client) => {
        await client.query(sql.lockEvents);
        if (this.fence) await checkFence(client, this.fence, stored.records);
        // Under the lock nobody else commits: these are all the events before ours, committed
        // already, so applied as they are read (whether ours then commit or not).
        for await (const event of readEvents(client, this.#lastSeq)) this.#applyAll([event]);
        // Another worker may have recorded the same ticket, or extended the same request, first.
        assertAppendable(this.state, stored.records);
        // Each record's own seq (the ids of a batch are read back by it), in record order.
        const { rows } = await client.query<{ seqs: string[] }>(sql.appendEvents, [stored.json]);
        const seqs = rows[0]!.seqs.map(Number);
        await client.query(sql.notifyEvents, [String(seqs.at(-1))]);
        return seqs;
      });
      this.#applyAll(stored.records.map((record, i) => ({ seq: seqs[i]!, record })));
    });
  }

  /** Applies the events other processes appended since the last one seen; resolves with how many. */
  refresh(signal?: AbortSignal): Promise<number> {
    return this.#enqueue(() => this.#catchUp(signal));
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

/** Throws a `LeaseLostError` for the first lease `records` need that `fence.owner` does not hold, live. */
async function checkFence(client: pg.ClientBase, fence: Fence, records: readonly LedgerRecord[]): Promise<void> {
  const needed = new Set<string>();
  for (const record of records) {
    const resource = fence.resourceOf(record);
    if (resource !== undefined) needed.add(resource);
  }
  if (needed.size === 0) return;
  const resources = [...needed].sort();
  const { rows } = await client.query<{ resource: string; owner: string; live: boolean; expires_us: string }>(
    sql.fenceLeases,
    [resources],
  );
  for (const resource of resources) {
    const row = rows.find((r) => r.resource === resource);
    if (!row || row.owner !== fence.owner || !row.live)
      throw new LeaseLostError(
        resource,
        fence.owner,
        row?.owner,
        row === undefined ? undefined : Number(row.expires_us) / 1000,
      );
  }
}
