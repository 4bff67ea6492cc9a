import { constants, type Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isOwnerAlive, isPidAlive, parseOwner } from './lockOwner.js';
import { openPrivateFile } from './openPrivateFile.js';

/** What is at the lock's path: nothing (take it), a live holder (refuse), or a stale lock to move to `tombstone`. */
export type LockFound =
  | { kind: 'gone' }
  | { kind: 'held'; message: string; pid?: number }
  | { kind: 'stale'; tombstone: string; ino: number };

/**
 * An empty lock younger than this is being written right now: 0.1 created
 * its lock file, then wrote its pid, and a reader can fall in between.
 * Older, its writer died in between.
 * @default 5_000 ms
 */
export const EMPTY_LOCK_GRACE_MS = 5_000;

/**
 * Reads the lock at `lockPath`: a directory with an `owner` file (this
 * version), or a file holding a bare pid (0.1, read so that a 0.1 job still
 * running is respected and one that crashed is taken over). `nowMs` is the
 * clock the empty-lock grace is measured with.
 */
export async function inspectLock(lockPath: string, nowMs: number): Promise<LockFound> {
  const stats = await lstat(lockPath).catch(unlessMissing);
  if (!stats) return { kind: 'gone' };
  try {
    return await judge(lockPath, stats, nowMs);
  } catch (error) {
    // Moved aside or replaced while we read it: look again rather than blame what is there now.
    if ((await lstat(lockPath).catch(() => undefined))?.ino !== stats.ino) return { kind: 'gone' };
    throw error;
  }
}

async function judge(lockPath: string, stats: Stats, nowMs: number): Promise<LockFound> {
  if (stats.isSymbolicLink())
    throw new Error(
      `ledger lock ${lockPath} is a symbolic link: refusing it (remove it if no mixpanel-gdpr runs on this ledger)`,
    );
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid)
    throw new Error(
      `ledger lock ${lockPath} is owned by uid ${stats.uid}, not by you (uid ${uid}): remove it or use another ledger path`,
    );
  if (stats.isDirectory()) {
    const text = await readLockFile(join(lockPath, 'owner'));
    if (text === undefined) return withoutOwner(lockPath, stats.ino);
    if (!text.trim()) return emptyLock(lockPath, stats, nowMs);
    const owner = parseOwner(text);
    if (!owner) return notALock(lockPath);
    if (await isOwnerAlive(owner)) return held(lockPath, owner.pid);
    return { kind: 'stale', tombstone: `${lockPath}.stale-${owner.token}`, ino: stats.ino };
  }
  if (!stats.isFile()) return notALock(lockPath);
  const text = await readLockFile(lockPath);
  if (text === undefined) return { kind: 'gone' };
  if (!text.trim()) return emptyLock(lockPath, stats, nowMs);
  if (!/^\d+$/.test(text.trim())) return notALock(lockPath);
  const pid = Number(text.trim());
  // This version never writes a bare pid, so our own pid here was a dead 0.1 process's, reused.
  if (pid !== process.pid && isPidAlive(pid)) return held(lockPath, pid);
  return {
    kind: 'stale',
    tombstone: `${lockPath}.stale-pid-${stats.ino}-${Math.trunc(stats.mtimeMs)}`,
    ino: stats.ino,
  };
}

/**
 * No owner file: the directory was just moved aside by another taker (look
 * again), is empty (taking the lock replaces it: look again), or is not a lock.
 */
async function withoutOwner(lockPath: string, ino: number): Promise<LockFound> {
  const same = (await lstat(lockPath).catch(unlessMissing))?.ino === ino;
  const entries = same ? await readdir(lockPath).catch(unlessMissing) : undefined;
  return entries?.length ? notALock(lockPath) : { kind: 'gone' };
}

function emptyLock(lockPath: string, stats: Stats, nowMs: number): LockFound {
  if (nowMs - stats.mtimeMs < EMPTY_LOCK_GRACE_MS) {
    return {
      kind: 'held',
      message: `ledger lock ${lockPath} is being created by another process right now; try again in a few seconds`,
    };
  }
  return {
    kind: 'stale',
    tombstone: `${lockPath}.stale-empty-${stats.ino}-${Math.trunc(stats.mtimeMs)}`,
    ino: stats.ino,
  };
}

function held(lockPath: string, pid: number): LockFound {
  return {
    kind: 'held',
    pid,
    message: `ledger is in use by process ${pid}${pid === process.pid ? ' (this one)' : ''} (lock ${lockPath}); wait for it to finish or stop it`,
  };
}

function notALock(lockPath: string): never {
  throw new Error(`${lockPath} is not a mixpanel-gdpr ledger lock: remove it if no mixpanel-gdpr runs on this ledger`);
}

async function readLockFile(path: string): Promise<string | undefined> {
  const handle = await openPrivateFile(path, constants.O_RDONLY, 'ledger lock').catch(unlessMissing);
  if (!handle) return undefined;
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function unlessMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}
