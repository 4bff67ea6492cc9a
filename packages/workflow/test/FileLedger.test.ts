import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '../src/ledger/FileLedger.js';
import type { LedgerRecord } from '../src/ledger/records.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-ledger-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const created: LedgerRecord = { type: 'job.created', jobId: 'j1', at: 1, kind: 'deletion', complianceType: 'GDPR', batchSize: 2 };
const planned: LedgerRecord = { type: 'batch.planned', jobId: 'j1', at: 2, batchId: 'b1', ids: ['a', 'b'] };
const sending: LedgerRecord = { type: 'batch.sending', jobId: 'j1', at: 3, batchId: 'b1', attempt: 1 };
const submitted: LedgerRecord = { type: 'batch.submitted', jobId: 'j1', at: 4, batchId: 'b1', taskId: 't1' };

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
    expect(reopened.state.jobs.get('j1')!.batches.get('b1')).toMatchObject({ phase: 'submitted', taskId: 't1', attempts: 1 });
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
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['job.created', 'batch.planned', 'batch.sending', 'batch.submitted']);
  });

  it('refuses a ledger corrupted in the middle, changing nothing', async () => {
    const path = join(dir, 'ledger.jsonl');
    const text = `${JSON.stringify(created)}\nnot json\n${JSON.stringify(planned)}\n`;
    await writeFile(path, text);
    await expect(FileLedger.open(path)).rejects.toThrow('is corrupt at line 2');
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('is locked while a live process holds it, and taken over from a dead one', async () => {
    const path = join(dir, 'ledger.jsonl');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await writeFile(`${path}.lock`, String(child.pid));
      await expect(FileLedger.open(path)).rejects.toThrow(`ledger is in use by process ${child.pid}`);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    const ledger = await FileLedger.open(path);
    expect(await readFile(`${path}.lock`, 'utf8')).toBe(String(process.pid));
    await ledger.close();
  });

  it('keeps appends in call order when they overlap', async () => {
    const ledger = await FileLedger.open(join(dir, 'ledger.jsonl'));
    await ledger.append(created);
    await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.append({ type: 'batch.planned', jobId: 'j1', at: i, batchId: `b${i}`, ids: ['x'] })));
    expect([...ledger.state.jobs.get('j1')!.batches.keys()]).toEqual(Array.from({ length: 20 }, (_, i) => `b${i}`));
    await ledger.close();
  });
});
