/** Another user on the machine must not be able to make the ledger write through their files. */
import { constants, existsSync, statSync } from 'node:fs';
import { chmod, chown, link, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '../src/ledger/FileLedger.js';
import { openPrivateFile } from '../src/ledger/openPrivateFile.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-safety-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Owner checks need a file of another uid, which only root can make. */
const asRoot = process.getuid?.() === 0;
const OTHER_UID = 54_321;

describe('ledger files and other users', () => {
  it('refuses a ledger that is a symlink, writable or read-only, leaving its target untouched', async () => {
    const target = join(dir, 'important.txt');
    await writeFile(target, 'precious\n', { mode: 0o644 });
    const path = join(dir, 'ledger.jsonl');
    await symlink(target, path);
    await expect(FileLedger.open(path)).rejects.toThrow(`ledger ${path} is a symbolic link: refusing to follow it`);
    await expect(FileLedger.open(path, { readOnly: true })).rejects.toThrow(`ledger ${path} is a symbolic link`);
    expect(await readFile(target, 'utf8')).toBe('precious\n');
  });

  it('refuses a dangling symlink instead of creating its target', async () => {
    const path = join(dir, 'ledger.jsonl');
    await symlink(join(dir, 'elsewhere.jsonl'), path);
    await expect(FileLedger.open(path)).rejects.toThrow('is a symbolic link');
    expect(existsSync(join(dir, 'elsewhere.jsonl'))).toBe(false);
  });

  it('refuses a lock that is a symlink, leaving its target untouched', async () => {
    const target = join(dir, 'important.txt');
    await writeFile(target, 'precious\n');
    const path = join(dir, 'ledger.jsonl');
    await symlink(target, `${path}.lock`);
    await expect(FileLedger.open(path)).rejects.toThrow(`ledger lock ${path}.lock is a symbolic link`);
    expect(await readFile(target, 'utf8')).toBe('precious\n');
  });

  it.each([
    [0o777, 'its group and every user (mode 0777)'],
    [0o1777, 'its group and every user (mode 1777)'],
    [0o770, 'its group (mode 0770)'],
    [0o703, 'every user (mode 0703)'],
  ])('refuses a ledger in a directory others can write (mode %o), creating nothing', async (mode, writers) => {
    const shared = join(dir, 'shared');
    await mkdir(shared);
    await chmod(shared, mode);
    const path = join(shared, 'ledger.jsonl');
    await expect(FileLedger.open(path)).rejects.toThrow(
      `the directory ${shared} of ledger ${path} is writable by ${writers}`,
    );
    await expect(FileLedger.open(path, { readOnly: true })).rejects.toThrow('is writable by');
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('refuses a hard-linked ledger', async () => {
    const path = join(dir, 'ledger.jsonl');
    await (await FileLedger.open(path)).close();
    await link(path, join(dir, 'other-name.jsonl'));
    await expect(FileLedger.open(path)).rejects.toThrow(`ledger ${path} has 2 hard links`);
  });

  it.runIf(asRoot)('refuses a ledger owned by another user, leaving it untouched', async () => {
    const path = join(dir, 'ledger.jsonl');
    await writeFile(path, 'planted\n', { mode: 0o644 });
    await chown(path, OTHER_UID, OTHER_UID);
    await expect(FileLedger.open(path)).rejects.toThrow(`ledger ${path} is owned by uid ${OTHER_UID}, not by you`);
    expect(await readFile(path, 'utf8')).toBe('planted\n');
  });

  it.runIf(asRoot)('refuses a ledger in a directory owned by another user', async () => {
    const theirs = join(dir, 'theirs');
    await mkdir(theirs, { mode: 0o755 });
    await chown(theirs, OTHER_UID, OTHER_UID);
    await expect(FileLedger.open(join(theirs, 'ledger.jsonl'))).rejects.toThrow(
      `the directory ${theirs} of ledger ${join(theirs, 'ledger.jsonl')} belongs to uid ${OTHER_UID}`,
    );
  });
});

describe('openPrivateFile', () => {
  it('makes an existing file 0600 when opened for writing, and leaves its mode when opened to read', async () => {
    const path = join(dir, 'report.csv');
    await writeFile(path, 'old', { mode: 0o644 });
    await chmod(path, 0o644);
    await (await openPrivateFile(path, constants.O_RDONLY, 'report file')).close();
    expect(statSync(path).mode & 0o777).toBe(0o644);
    await (await openPrivateFile(path, constants.O_WRONLY, 'report file')).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('refuses what is not a regular file', async () => {
    await expect(openPrivateFile(dir, constants.O_RDONLY, 'pace file')).rejects.toThrow(
      `pace file ${dir} is not a regular file`,
    );
  });
});
