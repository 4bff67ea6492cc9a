import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobBusyError, takeRunLock } from '../src/ledger/takeRunLock.js';

let dir: string;
let path: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-run-'));
  path = join(dir, 'ledger.jsonl');
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('takeRunLock', () => {
  it('lets one runner per job: a second take names the holder; other jobs are free; release frees it', async () => {
    const held = await takeRunLock(path, 'job-1');
    const busy = await takeRunLock(path, 'job-1').catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(JobBusyError);
    expect((busy as JobBusyError).message).toBe(`job job-1 is being run by pid ${process.pid}`);
    const other = await takeRunLock(path, 'job-2');
    await Promise.all([held.release(), other.release()]);
    await (await takeRunLock(path, 'job-1')).release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('respects a live holder and takes over the lock of one that died', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    children.push(child);
    await once(child, 'spawn');
    const lock = `${path}.job-j.lock`;
    await mkdir(lock, { mode: 0o700 });
    await writeFile(join(lock, 'owner'), JSON.stringify({ pid: child.pid, token: 'live' }), { mode: 0o600 });
    await expect(takeRunLock(path, 'j')).rejects.toThrow(`job j is being run by pid ${child.pid}`);
    child.kill('SIGKILL');
    await once(child, 'exit');
    await (await takeRunLock(path, 'j')).release();
  });

  it('hashes a job id that is not a plain name into the lock name', async () => {
    await (await takeRunLock(path, '../evil/id')).release();
    expect(await readdir(dir)).toEqual([]);
  });
});
