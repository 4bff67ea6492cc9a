import { constants } from 'node:fs';
import { type FileHandle, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CLIENT_DEFAULTS } from '@mixpanel-gdpr/client';
import { appendDurably, LedgerAppendError } from './appendDurably.js';
import { applyRecord } from './applyRecord.js';
import { checkPrivateDirectory } from './checkPrivateDirectory.js';
import type { Ledger } from './Ledger.js';
import { type LedgerFile, ledgerFileOf } from './LedgerFile.js';
import { emptyLedgerState, type LedgerState } from './LedgerState.js';
import { chainedLine, lastLineHash, lineHash } from './ledgerChain.js';
import { ledgerHeaderLine } from './ledgerHeader.js';
import { openLedgerForReading } from './openLedgerForReading.js';
import { openPrivateFile } from './openPrivateFile.js';
import { type ParsedLedger, parseLedger } from './parseLedger.js';
import { readHistory } from './readHistory.js';
import type { LedgerRecord } from './records.js';
import { type HeldLock, takeLock } from './takeLock.js';

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
}

/**
 * The embedded ledger: an append-only journal of JSON lines, fsynced on every
 * append, replayed on open. Its first line is a header naming the format
 * (`ledgerHeader.ts`), so a wrong path is refused instead of "repaired".
 *
 * Why a journal and not SQLite: it needs no native module (better-sqlite3
 * must compile, node:sqlite needs Node 22), an append is one write and one
 * fdatasync, and a crash can only tear the last line, which replay detects
 * and drops: that record's request was never sent, or is recorded as unknown
 * by the `sending` record before it. Each record line carries the hash of
 * the line before it (`ledgerChain.ts`), so an edit shows (`verifyLedger`).
 * The file and its lock are created 0600
 * in a directory no one else can write (0700 when created here), never
 * through a symlink: task ids and distinct ids are personal data, and a
 * planted link would make us truncate someone else's file.
 */
export class FileLedger implements Ledger {
  readonly state: LedgerState = emptyLedgerState();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  /** Set when a failed append could not be cut back off: appending after it would bury a partial line. */
  #broken: string | undefined;
  /** The file's length once every durable append is in; a failed append is cut back to it. */
  #size = 0;
  /** The hash of the last complete line: the next record's `prev`. */
  #head: string | undefined;

  private constructor(
    readonly path: string,
    private readonly file: LedgerFile,
    /** Undefined when opened read-only. */
    private readonly lock: HeldLock | undefined,
  ) {}

  /** Opens (or creates) the ledger at `path`, takes its lock (unless `readOnly`) and replays it. */
  static async open(path: string, options: FileLedgerOptions = {}): Promise<FileLedger> {
    if (options.readOnly) return FileLedger.#load(path, await openLedgerForReading(path), undefined, options);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await checkPrivateDirectory(dirname(path), `ledger ${path}`);
    const lock = await takeLock(`${path}.lock`);
    try {
      const handle = await openPrivateFile(path, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND, 'ledger');
      return await FileLedger.#load(path, handle, lock, options);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  static async #load(
    path: string,
    handle: FileHandle,
    lock: HeldLock | undefined,
    options: FileLedgerOptions,
  ): Promise<FileLedger> {
    try {
      const content = await handle.readFile();
      const parsed = parseLedger(content, path);
      const file = options.wrapFile ? options.wrapFile(ledgerFileOf(handle)) : ledgerFileOf(handle);
      const ledger = new FileLedger(path, file, lock);
      // Everything is checked before anything is written: a refused file stays as it was.
      ledger.#apply(parsed);
      ledger.#head = lastLineHash(content, parsed.completeLength);
      if (lock) await ledger.#repair(parsed, content.length, options.now ?? CLIENT_DEFAULTS.now);
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
    if (this.#closed || !this.lock)
      return Promise.reject(new Error(`ledger ${this.path} is ${this.#closed ? 'closed' : 'open read-only'}`));
    // Appends are serialised: the file order is the order callers asked for.
    const next = this.#queue.then(async () => {
      if (this.#broken) throw new Error(`ledger ${this.path} accepts no more appends: ${this.#broken}`);
      let head = this.#head;
      let text = '';
      for (const record of records) {
        const line = chainedLine(record, head);
        head = lineHash(line);
        text += `${line}\n`;
      }
      await this.#write(Buffer.from(text));
      this.#head = head;
      // Only once durable: memory never runs ahead of the file.
      for (const record of records) applyRecord(this.state, record);
    });
    this.#queue = next.catch(() => {});
    return next;
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
      await this.lock?.release();
    }
  }

  async #write(data: Uint8Array): Promise<void> {
    try {
      await appendDurably(this.file, data, this.#size, this.path);
      this.#size += data.length;
    } catch (error) {
      if (error instanceof LedgerAppendError && !error.rolledBack)
        this.#broken = 'an earlier append failed and could not be undone; open it again';
      throw error;
    }
  }

  #apply(parsed: ParsedLedger): void {
    for (const { record, line } of parsed.records) {
      try {
        applyRecord(this.state, record);
      } catch (error) {
        throw new Error(
          `ledger ${this.path} is corrupt at line ${line} (${(error as Error).message}): fix or move it; nothing was changed`,
        );
      }
    }
  }

  /** Cuts off a last line torn by a crash, and writes the header of a new (empty) ledger. */
  async #repair(parsed: ParsedLedger, length: number, now: () => number): Promise<void> {
    this.#size = parsed.completeLength;
    if (length > parsed.completeLength) {
      await this.file.truncate(parsed.completeLength);
      await this.file.datasync();
    }
    if (parsed.completeLength === 0) {
      const header = ledgerHeaderLine(now());
      await this.#write(Buffer.from(header));
      this.#head = lineHash(header.slice(0, -1));
    }
  }
}
