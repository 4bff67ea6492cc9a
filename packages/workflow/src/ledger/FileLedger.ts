import { constants } from 'node:fs';
import { chmod, mkdir, open, readFile, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { applyRecord } from './applyRecord.js';
import type { Ledger } from './Ledger.js';
import type { LedgerState } from './LedgerState.js';
import type { LedgerRecord } from './records.js';

/**
 * The embedded ledger: an append-only journal of JSON lines, fsynced on every
 * append, replayed on open.
 *
 * Why a journal and not SQLite: it needs no native module (better-sqlite3
 * must compile, node:sqlite needs Node 22), an append is one write and one
 * fdatasync, and a crash can only tear the last line, which replay detects
 * and drops: that record's request was never sent, or is recorded as unknown
 * by the `sending` record before it. The file and its lock are created 0600,
 * the directory 0700: task ids and distinct ids are personal data.
 */
export class FileLedger implements Ledger {
  readonly state: LedgerState = { jobs: new Map() };
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    /** Undefined when opened read-only. */
    private readonly lockPath: string | undefined,
  ) {}

  /**
   * Opens (or creates) the ledger at `path`, replays it, and takes its lock.
   * `readOnly` replays without the lock (to list or report while a job runs)
   * and refuses appends.
   */
  static async open(path: string, { readOnly = false } = {}): Promise<FileLedger> {
    if (readOnly) {
      const handle = await open(path, constants.O_RDONLY).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'ENOENT' ? new Error(`no ledger at ${path}: no job has been started with it`) : error;
      });
      const ledger = new FileLedger(path, handle, undefined);
      await ledger.#replay(false);
      return ledger;
    }
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const lockPath = `${path}.lock`;
    await takeLock(lockPath);
    try {
      const handle = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND, 0o600);
      // An existing file created by something else may be readable by others.
      await chmod(path, 0o600);
      const ledger = new FileLedger(path, handle, lockPath);
      await ledger.#replay(true);
      return ledger;
    } catch (error) {
      await rm(lockPath, { force: true });
      throw error;
    }
  }

  append(...records: LedgerRecord[]): Promise<void> {
    if (this.#closed || !this.lockPath) return Promise.reject(new Error(`ledger ${this.path} is ${this.#closed ? 'closed' : 'open read-only'}`));
    // Appends are serialised: the file order is the order callers asked for.
    const next = this.#queue.then(async () => {
      await this.handle.write(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      await this.handle.datasync();
      for (const record of records) applyRecord(this.state, record);
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    await this.handle.close();
    if (this.lockPath) await rm(this.lockPath, { force: true });
  }

  /** `repair`: drop a torn last line from the file (never when read-only: a writer may be mid-append). */
  async #replay(repair: boolean): Promise<void> {
    const content = await readFile(this.path);
    for (let start = 0, line = 1; start < content.length; line++) {
      const end = content.indexOf(0x0a, start);
      // No newline: the last write was torn by a crash. Drop the fragment.
      if (end === -1) return repair ? this.handle.truncate(start) : undefined;
      const text = content.subarray(start, end).toString('utf8');
      const lineStart = start;
      start = end + 1;
      if (!text.trim()) continue;
      let record: LedgerRecord;
      try {
        record = JSON.parse(text) as LedgerRecord;
      } catch {
        if (start >= content.length) return repair ? this.handle.truncate(lineStart) : undefined;
        throw new Error(`ledger ${this.path} is corrupt at line ${line}: fix or move it; nothing was changed`);
      }
      applyRecord(this.state, record);
    }
  }
}

/** A lock file holding our pid; a lock left by a dead process (SIGKILL) is taken over. */
async function takeLock(lockPath: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(`ledger is in use by process ${pid} (lock ${lockPath}); wait for it to finish or stop it`);
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new Error(`could not take the ledger lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
