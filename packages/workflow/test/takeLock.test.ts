import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@mixpanel-gdpr/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '../src/ledger/FileLedger.js';
import { type HeldLock, takeLock } from '../src/ledger/takeLock.js';

let dir: string;
let path: string;
let lock: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-lock-'));
  path = join(dir, 'ledger.jsonl');
  lock = `${path}.lock`;
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function startSleeper(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  children.push(child);
  return child;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

/** A lock as this version writes it: a directory with an owner file. */
async function writeLockDir(owner: Record<string, unknown>): Promise<void> {
  await mkdir(lock, { mode: 0o700 });
  await writeFile(join(lock, 'owner'), JSON.stringify(owner), { mode: 0o600 });
}

const ownerPid = async () => JSON.parse(await readFile(join(lock, 'owner'), 'utf8')).pid as number;

describe('ledger lock', () => {
  it('respects a 0.1 lock file naming a live process, and takes over one whose process died', async () => {
    const child = startSleeper();
    await writeFile(lock, String(child.pid));
    await expect(takeLock(lock)).rejects.toThrow(`ledger is in use by process ${child.pid}`);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const ledger = await takeLock(lock);
    expect(await ownerPid()).toBe(process.pid);
    await ledger.release();
  });

  it.each(['a 0.1 lock file', 'a lock directory'])(
    'exactly one of 20 concurrent opens takes over a stale lock (%s), however their steps interleave',
    async (kind) => {
      const seed = Number(process.env.LOCK_SEED) || Date.now() % 2 ** 31;
      console.log(`lock takeover race (${kind}): seed ${seed} (rerun with LOCK_SEED=${seed})`);
      const random = seededRandom(seed);
      const pid = await deadPid();
      for (let round = 0; round < 5; round++) {
        if (kind === 'a 0.1 lock file') await writeFile(lock, String(pid));
        else await writeLockDir({ pid, token: `dead-${round}` });
        // Staggered starts: a late taker reads the lock while an early one is replacing it.
        const start = (ms: number) => new Promise((r) => setTimeout(r, ms)).then(() => takeLock(lock));
        const results = await Promise.allSettled(Array.from({ length: 20 }, () => start(Math.floor(random() * 4))));
        const winners = results.filter((r) => r.status === 'fulfilled');
        expect(winners, `seed ${seed}, round ${round}`).toHaveLength(1);
        for (const r of results)
          if (r.status === 'rejected')
            expect(String(r.reason)).toContain(`ledger is in use by process ${process.pid} (this one)`);
        expect(await ownerPid()).toBe(process.pid);
        await (winners[0] as PromiseFulfilledResult<HeldLock>).value.release();
      }
    },
  );

  it('takes an empty lock file as being written right now, and takes it over once older than a few seconds', async () => {
    await writeFile(lock, '');
    await expect(takeLock(lock)).rejects.toThrow(`ledger lock ${lock} is being created by another process right now`);
    expect(await readFile(lock, 'utf8')).toBe('');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    const ledger = await takeLock(lock);
    expect(await ownerPid()).toBe(process.pid);
    await ledger.release();
  });

  it.runIf(process.platform === 'linux')(
    'takes over a lock whose live pid belongs to a process started at another time',
    async () => {
      const child = startSleeper();
      await once(child, 'spawn');
      const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8');
      const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      await writeLockDir({ pid: child.pid, startTime, token: 'same-process' });
      await expect(takeLock(lock)).rejects.toThrow(`ledger is in use by process ${child.pid}`);
      await rm(lock, { recursive: true });
      await writeLockDir({ pid: child.pid, startTime: `${startTime}1`, token: 'reused-pid' });
      const ledger = await takeLock(lock);
      expect(await ownerPid()).toBe(process.pid);
      await ledger.release();
    },
  );

  it('refuses a second take in the same process, and release frees the lock leaving nothing behind', async () => {
    const ledger = await takeLock(lock);
    await expect(takeLock(lock)).rejects.toThrow(`ledger is in use by process ${process.pid} (this one)`);
    await ledger.release();
    expect(await readdir(dir)).toEqual([]);
    await (await takeLock(lock)).release();
  });

  it('refuses a lock that holds something else', async () => {
    await writeFile(lock, 'hello\n');
    await expect(FileLedger.open(path)).rejects.toThrow(`${lock} is not a mixpanel-gdpr ledger lock`);
    expect(await readFile(lock, 'utf8')).toBe('hello\n');
  });

  it('removes stale locks moved aside more than ten minutes ago, and keeps recent ones', async () => {
    const old = `${lock}.stale-old`;
    const recent = `${lock}.stale-recent`;
    for (const tomb of [old, recent]) {
      await mkdir(tomb);
      await writeFile(join(tomb, 'owner'), '{}');
    }
    const longAgo = new Date(Date.now() - 11 * 60_000);
    await utimes(old, longAgo, longAgo);
    const held = await takeLock(lock);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    await held.release();
    expect(existsSync(lock)).toBe(false);
  });
});
