import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { inspectLock } from './inspectLock.js';
import { type HeldLock, takeLock } from './takeLock.js';

/**
 * Each process with a ledger open for writing holds a mark of its own
 * (`<ledger>.writer-<random>.lock`, a lock no one else takes) for as long
 * as it is open. The ledger lock is held only per append now, so this is
 * how a purge, which renames a new file over the ledger, still sees that a
 * job runs: a writer that kept the old file open would append to it unseen.
 */
export function markWriter(path: string): Promise<HeldLock> {
  return takeLock(`${path}.writer-${randomBytes(6).toString('hex')}.lock`, { sweep: false });
}

/** The pid of a live process holding a writer mark on the ledger, if any; marks of dead processes are removed. */
export async function liveWriter(path: string, nowMs: number): Promise<number | undefined> {
  const prefix = `${basename(path)}.writer-`;
  for (const name of await readdir(dirname(path))) {
    if (!name.startsWith(prefix) || !name.endsWith('.lock')) continue;
    const mark = join(dirname(path), name);
    const found = await inspectLock(mark, nowMs);
    if (found.kind === 'held') return found.pid ?? -1;
    if (found.kind === 'stale') await rm(mark, { recursive: true, force: true });
  }
  return undefined;
}
