import { constants } from 'node:fs';
import { type FileHandle, lstat, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CLIENT_DEFAULTS } from '@mixpanel-gdpr/client';
import { appendDurably, LedgerAppendError } from './appendDurably.js';
import { applyRecord } from './applyRecord.js';
import { assertAppendable } from './assertAppendable.js';
import { batchIdsOf } from './batchIdsOf.js';
import { checkPrivateDirectory } from './checkPrivateDirectory.js';
import type { Ledger } from './Ledger.js';
import { type LedgerFile, ledgerFileOf } from './LedgerFile.js';
import { type BatchState, emptyLedgerState, type LedgerState } from './LedgerState.js';
import { chainedLine, lineHash } from './ledgerChain.js';
import { ledgerHeaderLine } from './ledgerHeader.js';
import { openLedgerForReading } from './openLedgerForReading.js';
import { openPrivateFile } from './openPrivateFile.js';
import { parseRecordLine } from './parseLedger.js';
import { type Appended, readAppended } from './readAppended.js';
import { readHistory } from './readHistory.js';
import { readLines } from './readLines.js';
import type { LedgerRecord } from './records.js';
import type { HeldLock } from './takeLock.js';
import { LOCK_WAIT_MS, waitForLock } from './waitForLock.js';
import { markWriter } from './writerMarks.js';

export interface FileLedgerOptions {
  /**
   * Replays without the lock (to list or report while a job runs), never
   * repairs or writes anything, and refuses appends.
   * @default false
   */
  readOnly?: boolean;
  /** Clock for the header of a new ledger, in epoch ms. @default CLIENT_DEFAULTS.now (Date.now) */
  now?: () => number;
  /** A seam for tests: wraps the open file, e.g. to make a write come up short or fail with ENOSPC. */
  wrapFile?: (file: LedgerFile) => LedgerFile;
  /** How long an append waits for another process's append to finish, in ms. @default LOCK_WAIT_MS (30 s) */
  lockWaitMs?: number;
}

/**
 * The embedded ledger: an append-only journal of JSON lines, fsynced on every
 * append, replayed on open. Its first line is a header naming the format
 * (`ledgerHeader.ts`), so a wrong path is refused instead of "repaired".
 *
 * Why a journal and not SQLite: it needs no native module (better-sqlite3
 * must compile, node:sqlite needs Node 22), an append is one write and one
 * fdatasync, and a crash can only tear the last line, which the next writer
 * detects and cuts: that record's request was never sent, or is recorded as
 * unknown by the `sending` record before it. Each record line carries the
 * hash of the line before it (`ledgerChain.ts`), so an edit shows
 * (`verifyLedger`).
 *
 * Several processes may have one ledger open (a month-long `watch`, a new
 * `delete`, a cron `status`): writes are serialised, not runs. The lock
 * (`<ledger>.lock`) is held only while opening (to cut a torn tail or write
 * the header) and for each append, which first reads what the others
 * appended since (`refresh`), so `state` includes it and the new lines
 * chain to the true last line. Which process runs which job is decided
 * elsewhere (the CLI's per-job run locks).
 *
 * The file and its lock are created 0600 in a directory no one else can
 * write (0700 when created here), never through a symlink: task ids and
 * distinct ids are personal data, and a planted link would make us
 * truncate someone else's file.
 */
export class FileLedger implements Ledger {
  readonly state: LedgerState = emptyLedgerState();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  /** Set when a failed append could not be cut back off, or what others appended could not be read. */
  #broken: string | undefined;
  /** The end of the last complete line read or written; a failed append is cut back to it. */
  #size = 0;
  /** Complete lines up to `#size`, to number lines in messages. */
  #lines = 0;
  /** The hash of the last complete line: the next record's `prev`. */
  #head: string | undefined;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly file: LedgerFile,
    /** This process's writer mark (`writerMarks.ts`); undefined when opened read-only. */
    private readonly mark: HeldLock | undefined,
    private readonly lockWaitMs: number,
  ) {}

  /** Opens (or creates) the ledger at `path` and replays it; a writable open repairs a torn tail under the lock. */
  static async open(path: string, options: FileLedgerOptions = {}): Promise<FileLedger> {
    if (options.readOnly) return FileLedger.#load(path, await openLedgerForReading(path), options);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await checkPrivateDirectory(dirname(path), `ledger ${path}`);
    const mark = await markWriter(path);
    try {
      const handle = await openPrivateFile(path, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND, 'ledger');
      return await FileLedger.#load(path, handle, options, mark);
    } catch (error) {
      await mark.release();
      throw error;
    }
  }

  static async #load(
    path: string,
    handle: FileHandle,
    options: FileLedgerOptions,
    mark?: HeldLock,
  ): Promise<FileLedger> {
    const file = options.wrapFile ? options.wrapFile(ledgerFileOf(handle)) : ledgerFileOf(handle);
    const ledger = new FileLedger(path, handle, file, mark, options.lockWaitMs ?? LOCK_WAIT_MS);
    try {
      if (options.readOnly) await ledger.#readOthers(false);
      else await ledger.#locked(() => ledger.#repair(options.now ?? CLIENT_DEFAULTS.now), true);
      return ledger;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * The hash of the last line written (`ledgerChain.ts`): noted elsewhere, it
   * lets `verifyLedger` show an edit to the last line, which no later line's
   * `prev` covers. Undefined only for an empty file opened read-only.
   */
  get head(): string | undefined {
    return this.#head;
  }

  append(...records: LedgerRecord[]): Promise<void> {
    if (this.#closed || !this.mark)
      return Promise.reject(new Error(`ledger ${this.path} is ${this.#closed ? 'closed' : 'open read-only'}`));
    // Appends are serialised: the file order is the order callers asked for.
    return this.#enqueue(() =>
      this.#locked(async () => {
        // What others appended first: `state` must hold it, and our lines chain to the true last line.
        await this.#readOthers(true);
        assertAppendable(this.state, records);
        let head = this.#head;
        let text = '';
        const offsets: number[] = [];
        for (const record of records) {
          const line = chainedLine(record, head);
          head = lineHash(line);
          offsets.push(this.#size + Buffer.byteLength(text));
          text += `${line}\n`;
        }
        await this.#write(Buffer.from(text), records.length);
        this.#head = head;
        // Only once durable: memory never runs ahead of the file.
        for (const [i, record] of records.entries()) applyRecord(this.state, record, offsets[i]!);
      }),
    );
  }

  /**
   * Reads what other processes appended since this one last read or wrote,
   * into `state`, without writing anything (a line still being written is
   * left for later). Read-only ledgers too.
   */
  refresh(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error(`ledger ${this.path} is closed`));
    return this.#enqueue(() => this.#readOthers(false));
  }

  /** Reads the batch's line again, at the offset noted when it was read or written. */
  async batchIds(jobId: string, batch: BatchState): Promise<string[]> {
    if (this.#closed) throw new Error(`ledger ${this.path} is closed`);
    let record: LedgerRecord | undefined;
    for await (const { bytes, complete } of readLines(this.handle, batch.stored)) {
      if (complete) record = parseRecordLine(bytes.toString('utf8'), this.path, 0).record;
      break;
    }
    return batchIdsOf(record, jobId, batch, `ledger ${this.path}`);
  }

  /** Reads the file again, line by line: the appends made so far are all on disk. */
  async *history(): AsyncGenerator<LedgerRecord> {
    await this.#queue;
    yield* readHistory(this.path);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    try {
      await this.file.close();
    } finally {
      await this.mark?.release();
    }
  }

  #enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(() => {
      if (this.#broken) throw new Error(`ledger ${this.path} accepts no more appends: ${this.#broken}`);
      return step();
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  async #locked<T>(step: () => Promise<T>, sweep = false): Promise<T> {
    const lock = await waitForLock(`${this.path}.lock`, { waitMs: this.lockWaitMs, sweep });
    try {
      return await step();
    } finally {
      await lock.release();
    }
  }

  /**
   * Catches up with the file. `repair` (under the lock): a torn last line is
   * cut, and a file replaced since we opened it (a purge renames a new file
   * over it) is refused, or our lines would go to the old one, unseen.
   */
  async #readOthers(repair: boolean): Promise<void> {
    if (repair) {
      const [ours, there] = await Promise.all([this.handle.stat(), lstat(this.path).catch(() => undefined)]);
      if (ours.ino !== there?.ino || ours.dev !== there.dev) {
        this.#broken = `it was replaced by another process (a purge?) since this one opened it`;
        throw new Error(
          `ledger ${this.path} was replaced by another process (a purge?): nothing was appended; run the command again`,
        );
      }
    }
    let appended: Appended;
    try {
      appended = await this.#catchUp();
    } catch (error) {
      // Half applied, `state` no longer matches any prefix of the file.
      this.#broken = (error as Error).message;
      throw error;
    }
    if (repair && appended.length > appended.completeLength) await this.#cutTornTail();
  }

  /** Applies the complete lines past `#size` to `state`, as they are read. */
  async #catchUp(): Promise<Appended> {
    const appended = await readAppended(this.handle, this.#size, this.#lines, this.path, (record, line, offset) => {
      try {
        applyRecord(this.state, record, offset);
      } catch (error) {
        throw new Error(
          `ledger ${this.path} is corrupt at line ${line} (${(error as Error).message}): fix or move it; nothing was changed`,
        );
      }
    });
    if (appended.completeLength > this.#size) this.#head = appended.head;
    this.#size = appended.completeLength;
    this.#lines = appended.lines;
    return appended;
  }

  async #write(data: Uint8Array, lines: number): Promise<void> {
    try {
      await appendDurably(this.file, data, this.#size, this.path);
      this.#size += data.length;
      this.#lines += lines;
    } catch (error) {
      if (error instanceof LedgerAppendError && !error.rolledBack)
        this.#broken = 'an earlier append failed and could not be undone; open it again';
      throw error;
    }
  }

  /** A line torn by a process killed mid-append: we hold the lock, so nobody is writing it. */
  async #cutTornTail(): Promise<void> {
    await this.file.truncate(this.#size);
    await this.file.datasync();
  }

  /** Replays the file, cuts off a last line torn by a crash, and writes the header of a new (empty) ledger. */
  async #repair(now: () => number): Promise<void> {
    // Everything is read before anything is written: a refused file stays as it was.
    const whole = await this.#catchUp();
    if (whole.length > whole.completeLength) await this.#cutTornTail();
    if (whole.completeLength === 0) {
      const header = ledgerHeaderLine(now());
      await this.#write(Buffer.from(header), 1);
      this.#head = lineHash(header.slice(0, -1));
    }
  }
}
