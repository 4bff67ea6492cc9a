import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm, rmdir, unlink, utimes } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CLIENT_DEFAULTS } from '@mixpanel-gdpr/client';
import { inspectLock, type LockFound } from './inspectLock.js';
import { currentOwner, type LockOwner, parseOwner } from './lockOwner.js';

/**
 * How long a stale lock moved aside (a tombstone) is kept. Its name is what
 * makes a takeover happen once (see `takeLock`), so it must outlive every
 * process that judged the same lock stale and has yet to move it: a few
 * milliseconds normally; this bound covers a process stopped in between.
 * @default 600_000 ms
 */
const TOMBSTONE_KEEP_MS = 600_000;
/** Each round takes the lock, finds it held, or moves a stale one aside; running out means it keeps changing under us. */
const ROUNDS = 5;
/** rename() failures that mean "something is already there". */
const TAKEN = new Set(['ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'EISDIR']);

/** The lock is held by a live process (`pid`, when known): try again later, or tell the user who holds it. */
export class LockHeldError extends Error {
  constructor(
    message: string,
    readonly pid: number | undefined,
  ) {
    super(message);
    this.name = 'LockHeldError';
  }
}

export interface HeldLock {
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
}

/**
 * Takes the lock at `lockPath`: a directory holding an `owner` file (pid,
 * process start time, token).
 *
 * Why a directory, moved into place with rename(): rename() of a directory
 * onto a non-empty directory fails, onto a missing name succeeds, and is
 * atomic. So:
 * - taking a free lock is one rename of a directory prepared beforehand
 *   (owner written), so nobody ever sees a lock without its owner;
 * - a stale lock (its process is gone, or its pid now belongs to a process
 *   started at another time) is renamed to a tombstone named after its
 *   token. Of all the processes that judged that same lock stale, exactly
 *   one moves it: for the others the tombstone exists, and renaming
 *   whatever is at the lock path now (a fresh lock) onto it fails. With
 *   rm-then-create, or a rename to a name of one's own, a late process
 *   would remove the lock another had just taken, and both would hold it.
 *   Then everyone tries to take the freed lock again: one rename wins.
 * A 0.1 lock (a file holding a bare pid, created then written) is judged by
 * its pid; an empty one is being written unless older than
 * `EMPTY_LOCK_GRACE_MS`. Its tombstone is a file, onto which a directory
 * cannot be renamed either.
 */
export async function takeLock(
  lockPath: string,
  { now = CLIENT_DEFAULTS.now, sweep = true }: { now?: () => number; sweep?: boolean } = {},
): Promise<HeldLock> {
  if (sweep) await sweepLeftovers(lockPath, now());
  const owner = await currentOwner();
  const staging = `${lockPath}.new-${owner.token}`;
  await mkdir(staging, { mode: 0o700 });
  let taken = false;
  try {
    await writeOwner(join(staging, 'owner'), owner);
    for (let round = 0; round < ROUNDS; round++) {
      if ((taken = await renameUnlessTaken(staging, lockPath))) return heldLock(lockPath, owner.token);
      const found = await inspectLock(lockPath, now());
      if (found.kind === 'held') throw new LockHeldError(found.message, found.pid);
      if (found.kind === 'stale') await moveAside(lockPath, found);
    }
  } finally {
    // Gone already if it became the lock (skipped then: each call costs, and a ledger takes the lock per append).
    if (!taken) await rm(staging, { recursive: true, force: true });
  }
  throw new Error(
    `could not take the ledger lock ${lockPath}: it kept changing (is another process taking it?); try again`,
  );
}

async function writeOwner(path: string, owner: LockOwner): Promise<void> {
  const handle = await open(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
    0o600,
  );
  try {
    await handle.writeFile(`${JSON.stringify(owner)}\n`);
  } finally {
    await handle.close();
  }
}

async function renameUnlessTaken(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    if (TAKEN.has((error as NodeJS.ErrnoException).code ?? '')) return false;
    throw error;
  }
}

async function moveAside(lockPath: string, stale: Extract<LockFound, { kind: 'stale' }>): Promise<void> {
  try {
    await rename(lockPath, stale.tombstone);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    // Moved by another process first, or the tombstone exists: the next round looks again.
    if (code === 'ENOENT' || TAKEN.has(code)) return;
    throw error;
  }
  const moved = await lstat(stale.tombstone).catch(() => undefined);
  if (moved?.ino !== stale.ino) {
    // Only if this process stood still for longer than tombstones are kept: it moved a newer lock. Put it back.
    await rename(stale.tombstone, lockPath).catch(() => {});
    throw new Error(`ledger lock ${lockPath} changed while a stale lock was being taken over; try again`);
  }
  // rename() keeps the mtime: the tombstone's age must count from now.
  const at = new Date();
  await utimes(stale.tombstone, at, at).catch(() => {});
}

function heldLock(lockPath: string, token: string): HeldLock {
  return {
    async release() {
      const handle = await open(join(lockPath, 'owner'), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)).catch(
        () => undefined,
      );
      const text = await handle?.readFile('utf8').finally(() => handle.close());
      if (!text || parseOwner(text)?.token !== token) return;
      // Moved first, then removed, so no one ever sees a lock directory half emptied.
      const released = `${lockPath}.released-${token}`;
      await rename(lockPath, released);
      // It holds only the owner file (cheaper than a recursive rm, which a lock taken per append notices).
      await unlink(join(released, 'owner'));
      await rmdir(released);
    },
  };
}

/** Removes old tombstones, and what processes killed while taking or releasing the lock left behind. */
async function sweepLeftovers(lockPath: string, nowMs: number): Promise<void> {
  const dir = dirname(lockPath);
  const prefixes = ['stale-', 'new-', 'released-'].map((p) => `${basename(lockPath)}.${p}`);
  for (const name of await readdir(dir)) {
    if (!prefixes.some((p) => name.startsWith(p))) continue;
    const stats = await lstat(join(dir, name)).catch(() => undefined);
    if (stats && nowMs - stats.mtimeMs > TOMBSTONE_KEEP_MS) await rm(join(dir, name), { recursive: true, force: true });
  }
}
