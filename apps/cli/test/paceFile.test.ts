import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paceFileWriter } from '../src/paceFile.js';

describe('the pace file writer', () => {
  it('writes after the request has gone, coalescing grants (the latest wins), and flushes on demand', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpgdpr-pace-'));
    try {
      const path = join(dir, 'ledger.jsonl.last-request');
      const write = paceFileWriter(path, () => {});
      write(1_000.2);
      write(2_000.7);
      // Nothing on the request's path: checked before any turn of the event loop, the file is not there yet.
      expect(existsSync(path)).toBe(false);
      await new Promise((resolve) => setImmediate(resolve));
      expect(await readFile(path, 'utf8')).toBe('2001\n');
      write(3_000);
      write.flush();
      expect(await readFile(path, 'utf8')).toBe('3000\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
