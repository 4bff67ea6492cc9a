import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '../src/ledger/FileLedger.js';
import type { LedgerFile } from '../src/ledger/LedgerFile.js';
import type { LedgerRecord } from '../src/ledger/records.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-ledger-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const created: LedgerRecord = {
  type: 'job.created',
  jobId: 'j1',
  at: 1,
  kind: 'deletion',
  complianceType: 'GDPR',
  batchSize: 2,
};
const planned: LedgerRecord = { type: 'batch.planned', jobId: 'j1', at: 2, batchId: 'b1', ids: ['a', 'b'] };
const sending: LedgerRecord = { type: 'batch.sending', jobId: 'j1', at: 3, batchId: 'b1', attempt: 1 };
const submitted: LedgerRecord = { type: 'batch.submitted', jobId: 'j1', at: 4, batchId: 'b1', taskId: 't1' };
const header = (createdAt: number, version = 2) =>
  `${JSON.stringify({ type: 'ledger', format: 'mixpanel-gdpr-ledger', version, createdAt })}\n`;
const lines = (...records: LedgerRecord[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('FileLedger', () => {
  it('replays what was appended into the same state', async () => {
    const path = join(dir, 'state', 'ledger.jsonl');
    const ledger = await FileLedger.open(path);
    await ledger.append(created, planned);
    await ledger.append(sending, submitted);
    const before = ledger.state;
    await ledger.close();
    const reopened = await FileLedger.open(path);
    expect(reopened.state).toEqual(before);
    expect(reopened.state.jobs.get('j1')!.batches.get('b1')).toMatchObject({
      phase: 'submitted',
      taskId: 't1',
      attempts: 1,
    });
    await reopened.close();
  });

  it('creates the file 0600 and its directory 0700, and tightens an existing file', async () => {
    const path = join(dir, 'state', 'ledger.jsonl');
    await (await FileLedger.open(path)).close();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'state'))).mode & 0o777).toBe(0o700);
    const loose = join(dir, 'loose.jsonl');
    await writeFile(loose, '', { mode: 0o644 });
    await (await FileLedger.open(loose)).close();
    expect((await stat(loose)).mode & 0o777).toBe(0o600);
  });

  it('drops a last line torn by a crash, and keeps appending after it', async () => {
    const path = join(dir, 'ledger.jsonl');
    const ledger = await FileLedger.open(path);
    await ledger.append(created, planned, sending);
    await ledger.close();
    await appendFile(path, '{"type":"batch.submitted","jobId":"j1","at":4,"bat');
    const reopened = await FileLedger.open(path);
    expect(reopened.state.jobs.get('j1')!.batches.get('b1')!.phase).toBe('sending');
    await reopened.append(submitted);
    await reopened.close();
    const text = (await readFile(path, 'utf8')).trim().split('\n');
    expect(text.map((l) => JSON.parse(l).type)).toEqual([
      'ledger',
      'job.created',
      'batch.planned',
      'batch.sending',
      'batch.submitted',
    ]);
  });

  it('refuses a ledger corrupted in the middle, changing nothing', async () => {
    const path = join(dir, 'ledger.jsonl');
    const text = `${header(0)}${JSON.stringify(created)}\nnot json\n${JSON.stringify(planned)}\n`;
    await writeFile(path, text);
    await expect(FileLedger.open(path)).rejects.toThrow(`ledger ${path} is corrupt at line 3`);
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('keeps appends in call order when they overlap', async () => {
    const ledger = await FileLedger.open(join(dir, 'ledger.jsonl'));
    await ledger.append(created);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ledger.append({ type: 'batch.planned', jobId: 'j1', at: i, batchId: `b${i}`, ids: ['x'] }),
      ),
    );
    expect([...ledger.state.jobs.get('j1')!.batches.keys()]).toEqual(Array.from({ length: 20 }, (_, i) => `b${i}`));
    await ledger.close();
  });
});

describe('opening never destroys data', () => {
  it('starts a new ledger with a header naming its format, which is not replayed as a record', async () => {
    const path = join(dir, 'ledger.jsonl');
    const ledger = await FileLedger.open(path, { now: () => 1_700_000_000_000 });
    expect(await readFile(path, 'utf8')).toBe(header(1_700_000_000_000));
    await ledger.append(created);
    await ledger.close();
    const reopened = await FileLedger.open(path, { readOnly: true });
    expect([...reopened.state.jobs.keys()]).toEqual(['j1']);
    await reopened.close();
  });

  it('initialises an empty (0-byte) file', async () => {
    const path = join(dir, 'ledger.jsonl');
    await writeFile(path, '');
    await (await FileLedger.open(path, { now: () => 5 })).close();
    expect(await readFile(path, 'utf8')).toBe(header(5));
  });

  it('refuses a bad last line that ends with a newline: it was written whole, so it is damage, not a torn append', async () => {
    const path = join(dir, 'ledger.jsonl');
    const text = `${header(0)}${lines(created)}{"type":"batch.planned","jobId":"j1",garbage}\n`;
    await writeFile(path, text);
    await expect(FileLedger.open(path)).rejects.toThrow(`ledger ${path} is corrupt at line 3 (not JSON)`);
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it.each([
    ['notes', 'shopping list\neggs\nmilk\n'],
    ['one unfinished line', 'hello'],
    ['JSON that is not a ledger', '{"a":1}\n{"b":2}\n'],
    ['a record other than job.created first', lines(planned, created)],
    ['a blank first line', `\n${lines(created)}`],
  ])('refuses a file that is not a ledger (%s), writable or read-only, changing nothing', async (_, text) => {
    const path = join(dir, 'notes.txt');
    await writeFile(path, text);
    await expect(FileLedger.open(path)).rejects.toThrow(`${path} is not a mixpanel-gdpr ledger`);
    await expect(FileLedger.open(path, { readOnly: true })).rejects.toThrow(`${path} is not a mixpanel-gdpr ledger`);
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('refuses a ledger written by a newer format version', async () => {
    const path = join(dir, 'ledger.jsonl');
    const text = header(0, 3);
    await writeFile(path, text);
    await expect(FileLedger.open(path)).rejects.toThrow(
      'has format version 3; this mixpanel-gdpr reads versions 1 to 2',
    );
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('opens a 0.1 ledger (no header, job.created first) as it is, and appends after it', async () => {
    const path = join(dir, 'ledger.jsonl');
    const legacy = lines(created, planned);
    await writeFile(path, `${legacy}{"type":"batch.sen`);
    const ledger = await FileLedger.open(path);
    expect(ledger.state.jobs.get('j1')!.batches.get('b1')!.phase).toBe('planned');
    await ledger.append(sending);
    await ledger.close();
    // The chain starts at the first line appended: it links to the last line of the 0.1 ledger.
    const sendingLine = `${JSON.stringify({ ...sending, prev: sha256(JSON.stringify(planned)) })}\n`;
    expect(await readFile(path, 'utf8')).toBe(legacy + sendingLine);
  });

  it('completes a header torn by a crash while the ledger was created', async () => {
    const path = join(dir, 'ledger.jsonl');
    await writeFile(path, '{"type":"ledger","form');
    await (await FileLedger.open(path, { now: () => 9 })).close();
    expect(await readFile(path, 'utf8')).toBe(header(9));
  });

  it('read-only never repairs or writes: not a torn line, not an empty file', async () => {
    const torn = join(dir, 'torn.jsonl');
    const text = `${header(0)}${lines(created)}{"type":"batch.pl`;
    await writeFile(torn, text);
    const ledger = await FileLedger.open(torn, { readOnly: true });
    expect([...ledger.state.jobs.keys()]).toEqual(['j1']);
    await expect(ledger.append(planned)).rejects.toThrow('open read-only');
    await ledger.close();
    expect(await readFile(torn, 'utf8')).toBe(text);
    const empty = join(dir, 'empty.jsonl');
    await writeFile(empty, '');
    await (await FileLedger.open(empty, { readOnly: true })).close();
    expect(await readFile(empty, 'utf8')).toBe('');
  });
});

/** Wraps the ledger file: `fault` decides what the next write does. */
function faulty(fault: { write?: 'short' | 'enospc'; truncate?: 'fail' }) {
  return (file: LedgerFile): LedgerFile => ({
    ...file,
    async write(data) {
      const kind = fault.write;
      fault.write = undefined;
      if (!kind) return file.write(data);
      // Half the bytes reach the disk either way: the rollback has something to undo.
      const { bytesWritten } = await file.write(data.subarray(0, Math.floor(data.length / 2)));
      if (kind === 'short') return { bytesWritten };
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
    truncate: (length) =>
      fault.truncate === 'fail' ? Promise.reject(new Error('EIO: i/o error, ftruncate')) : file.truncate(length),
  });
}

describe('hash chain', () => {
  /** The file's lines, without newlines. */
  const fileLines = async (path: string) => (await readFile(path, 'utf8')).split('\n').slice(0, -1);

  it("links every record line to the line before it, prev last, without touching the caller's records", async () => {
    const path = join(dir, 'ledger.jsonl');
    const ledger = await FileLedger.open(path, { now: () => 7 });
    const mine = structuredClone(planned);
    await ledger.append(created, mine);
    await ledger.append(sending);
    await ledger.close();
    expect(mine).toEqual(planned);
    const text = await fileLines(path);
    expect(text[0]).toBe(header(7).trimEnd());
    for (let i = 1; i < text.length; i++) {
      const value = JSON.parse(text[i]!) as Record<string, unknown>;
      expect(Object.keys(value).at(-1)).toBe('prev');
      expect(value.prev).toBe(sha256(text[i - 1]!));
    }
    expect(text[2]).toBe(`${JSON.stringify(planned).slice(0, -1)},"prev":"${sha256(text[1]!)}"}`);
  });

  it('keeps prev out of the replayed state', async () => {
    const path = join(dir, 'ledger.jsonl');
    const ledger = await FileLedger.open(path);
    await ledger.append(created, planned);
    await ledger.close();
    const reopened = await FileLedger.open(path, { readOnly: true });
    expect(reopened.state.jobs.get('j1')).not.toHaveProperty('prev');
    expect(reopened.state.jobs.get('j1')!.batches.get('b1')).not.toHaveProperty('prev');
    await reopened.close();
  });

  it('exposes the hash of its last line as head, after appends, on reopening and after a torn line is cut off', async () => {
    const path = join(dir, 'ledger.jsonl');
    const ledger = await FileLedger.open(path);
    expect(ledger.head).toBe(sha256((await fileLines(path))[0]!));
    await ledger.append(created, planned);
    const head = ledger.head;
    expect(head).toBe(sha256((await fileLines(path)).at(-1)!));
    await ledger.close();
    await appendFile(path, '{"type":"batch.sending","jobId":"j1","at":3,"bat');
    const readOnly = await FileLedger.open(path, { readOnly: true });
    expect(readOnly.head).toBe(head);
    await readOnly.close();
    const reopened = await FileLedger.open(path);
    expect(reopened.head).toBe(head);
    await reopened.append(sending);
    await reopened.close();
    expect(JSON.parse((await fileLines(path)).at(-1)!).prev).toBe(head);
  });

  it('a failed append leaves head where it was', async () => {
    const path = join(dir, 'ledger.jsonl');
    const fault: Parameters<typeof faulty>[0] = {};
    const ledger = await FileLedger.open(path, { wrapFile: faulty(fault) });
    await ledger.append(created);
    const head = ledger.head;
    fault.write = 'enospc';
    await expect(ledger.append(planned)).rejects.toThrow('nothing of this append was recorded');
    expect(ledger.head).toBe(head);
    await ledger.append(planned);
    await ledger.close();
    expect(JSON.parse((await fileLines(path)).at(-1)!).prev).toBe(head);
  });

  it('appends chained records to a version 1 ledger, which keeps its header', async () => {
    const path = join(dir, 'ledger.jsonl');
    const v1 = header(0, 1) + lines(created);
    await writeFile(path, v1);
    const ledger = await FileLedger.open(path);
    await ledger.append(planned);
    await ledger.close();
    expect(await readFile(path, 'utf8')).toBe(
      `${v1}${JSON.stringify({ ...planned, prev: sha256(JSON.stringify(created)) })}\n`,
    );
  });
});

describe('durable appends', () => {
  it.each(['short', 'enospc'] as const)(
    'a %s write fails the append loudly, leaves the file and state as before, and the next append works',
    async (kind) => {
      const path = join(dir, 'ledger.jsonl');
      const fault: Parameters<typeof faulty>[0] = {};
      const ledger = await FileLedger.open(path, { wrapFile: faulty(fault) });
      await ledger.append(created);
      const before = await readFile(path);
      fault.write = kind;
      await expect(ledger.append(planned, sending)).rejects.toThrow(
        /could not append to ledger .*the disk may be full\): nothing of this append was recorded/,
      );
      expect(await readFile(path)).toEqual(before);
      expect(ledger.state.jobs.get('j1')!.batches.size).toBe(0);
      await ledger.append(planned);
      await ledger.close();
      const reopened = await FileLedger.open(path);
      expect(reopened.state.jobs.get('j1')!.batches.get('b1')!.phase).toBe('planned');
      await reopened.close();
    },
  );

  it('refuses further appends once a failed append could not be undone; the next open drops its partial line', async () => {
    const path = join(dir, 'ledger.jsonl');
    const fault: Parameters<typeof faulty>[0] = {};
    const ledger = await FileLedger.open(path, { wrapFile: faulty(fault) });
    await ledger.append(created);
    Object.assign(fault, { write: 'short', truncate: 'fail' });
    await expect(ledger.append(planned)).rejects.toThrow(
      /nor cut off the partial write \(EIO: i\/o error, ftruncate\): no more appends are accepted/,
    );
    fault.truncate = undefined;
    await expect(ledger.append(planned)).rejects.toThrow(`ledger ${path} accepts no more appends`);
    await ledger.close();
    const reopened = await FileLedger.open(path);
    expect(reopened.state.jobs.get('j1')!.batches.size).toBe(0);
    await reopened.append(planned);
    await reopened.close();
  });
});
