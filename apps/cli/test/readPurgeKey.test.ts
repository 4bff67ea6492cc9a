import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../src/CliError.js';
import { readPurgeKey } from '../src/readPurgeKey.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-key-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function keyFile(content: string | Uint8Array, mode = 0o600): Promise<string> {
  const path = join(dir, 'purge.key');
  await writeFile(path, content);
  await chmod(path, mode);
  return path;
}

const HEX_KEY = 'ab'.repeat(32);
const noWarning = (message: string) => expect.fail(`unexpected warning: ${message}`);

describe('readPurgeKey', () => {
  it('reads the file of --key-file, less one trailing newline', async () => {
    const path = await keyFile(`${HEX_KEY}\n`);
    expect(Buffer.from(readPurgeKey(path, {}, noWarning)).toString()).toBe(HEX_KEY);
  });

  it('takes any bytes, a binary key included, and drops only one newline', async () => {
    const binary = Buffer.from(Array.from({ length: 40 }, (_, i) => (i * 37) % 256));
    const path = await keyFile(Buffer.concat([binary, Buffer.from('\n\n')]));
    expect(Buffer.from(readPurgeKey(path, {}, noWarning))).toEqual(Buffer.concat([binary, Buffer.from('\n')]));
  });

  it('reads the file named by MIXPANEL_GDPR_PURGE_KEY_FILE; --key-file wins', async () => {
    const path = await keyFile(HEX_KEY);
    expect(Buffer.from(readPurgeKey(undefined, { MIXPANEL_GDPR_PURGE_KEY_FILE: path }, noWarning)).toString()).toBe(
      HEX_KEY,
    );
    const other = join(dir, 'other.key');
    await writeFile(other, 'cd'.repeat(32), { mode: 0o600 });
    expect(Buffer.from(readPurgeKey(other, { MIXPANEL_GDPR_PURGE_KEY_FILE: path }, noWarning)).toString()).toBe(
      'cd'.repeat(32),
    );
  });

  it('refuses a key shorter than 32 bytes, naming the file and the length, never the content', async () => {
    const path = await keyFile('short-secret-key\n');
    const error = (() => {
      try {
        readPurgeKey(path, {}, noWarning);
      } catch (e) {
        return e as CliError;
      }
    })();
    expect(error).toBeInstanceOf(CliError);
    expect(error!.message).toBe(
      `--key-file: ${JSON.stringify(path)} holds 16 bytes (without its trailing newline): a purge key must have at least 32`,
    );
    expect(error!.message).not.toContain('short-secret');
    const fromEnv = await keyFile('x'.repeat(31));
    expect(() => readPurgeKey(undefined, { MIXPANEL_GDPR_PURGE_KEY_FILE: fromEnv }, noWarning)).toThrow(
      'MIXPANEL_GDPR_PURGE_KEY_FILE: ',
    );
  });

  it('says where a key comes from when there is none', () => {
    expect(() => readPurgeKey(undefined, {}, noWarning)).toThrow(
      'no purge key: pass --key-file PATH or set MIXPANEL_GDPR_PURGE_KEY_FILE',
    );
  });

  it('warns about a key file others can read, and names a missing one', async () => {
    const path = await keyFile(HEX_KEY, 0o644);
    const warnings: string[] = [];
    readPurgeKey(path, {}, (m) => warnings.push(m));
    expect(warnings).toEqual([
      `warning: --key-file: ${JSON.stringify(path)} can be read by group or others (mode 0644): chmod 600 it`,
    ]);
    expect(() => readPurgeKey(join(dir, 'missing.key'), {}, noWarning)).toThrow('cannot be read (ENOENT)');
  });
});
