import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLines } from '../src/ledger/readLines.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-lines-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('readLines', () => {
  it('reads lines of any length across its growing reads, from an offset, and marks a torn last line', async () => {
    // Lines around and far beyond the first read (64 kB) and the largest (1 MiB).
    const lines = [
      'a',
      'b'.repeat(64 * 1024 - 1),
      'c'.repeat(64 * 1024),
      'd'.repeat(300_000),
      'e'.repeat(2_500_000),
      'f',
    ];
    const path = join(dir, 'lines');
    await writeFile(path, `${lines.join('\n')}\ntorn`);
    const handle = await open(path, 'r');
    try {
      const read = [];
      for await (const line of readLines(handle)) read.push(line);
      expect(read.map((l) => l.bytes.toString())).toEqual([...lines, 'torn']);
      expect(read.map((l) => l.complete)).toEqual([...lines.map(() => true), false]);
      const offsetOfD = lines.slice(0, 3).join('\n').length + 1;
      expect(read[3]!.offset).toBe(offsetOfD);
      const fromD = [];
      for await (const line of readLines(handle, offsetOfD)) fromD.push(line.bytes.length);
      expect(fromD).toEqual([300_000, 2_500_000, 1, 4]);
    } finally {
      await handle.close();
    }
  });
});
