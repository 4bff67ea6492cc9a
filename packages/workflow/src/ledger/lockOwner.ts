import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/**
 * Who holds a ledger lock. The pid alone is not enough: after a crash and a
 * reboot (or enough processes) another program can get the same pid, and a
 * lock naming it would block forever. So the lock also records when that
 * process started (Linux: field 22 of /proc/PID/stat, clock ticks since
 * boot); a live pid with another start time is another process. Where
 * there is no /proc, only the pid is compared. The token makes each lock
 * distinct, even two taken by one process.
 */
export interface LockOwner {
  pid: number;
  startTime?: string;
  token: string;
}

/** This process's start time never changes: read once (a ledger takes its lock per append). */
let ownStartTime: Promise<string | undefined> | undefined;

export async function currentOwner(): Promise<LockOwner> {
  ownStartTime ??= processStartTime(process.pid);
  const startTime = await ownStartTime;
  return { pid: process.pid, ...(startTime !== undefined && { startTime }), token: randomBytes(12).toString('hex') };
}

/** The owner a lock file holds, or undefined if it holds something else. */
export function parseOwner(text: string): LockOwner | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockOwner> | null;
    if (
      typeof v !== 'object' ||
      v === null ||
      !Number.isSafeInteger(v.pid) ||
      v.pid! <= 0 ||
      typeof v.token !== 'string' ||
      !/^[\w-]{1,64}$/.test(v.token)
    )
      return undefined;
    if (v.startTime !== undefined && typeof v.startTime !== 'string') return undefined;
    return { pid: v.pid!, token: v.token, ...(v.startTime !== undefined && { startTime: v.startTime }) };
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote this owner still runs (same pid, and same start time when both are known). */
export async function isOwnerAlive(owner: Pick<LockOwner, 'pid' | 'startTime'>): Promise<boolean> {
  if (!isPidAlive(owner.pid)) return false;
  if (owner.startTime === undefined) return true;
  const now = await processStartTime(owner.pid);
  // Unknown now (/proc hidden): assume it is the same process rather than take a live lock.
  return now === undefined || now === owner.startTime;
}

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/PID/stat, counted after the command name, which is in parentheses and may hold spaces. */
async function processStartTime(pid: number): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  // After ") " comes field 3 (state), so field 22 is the 20th.
  const field = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  return field && /^\d+$/.test(field) ? field : undefined;
}
