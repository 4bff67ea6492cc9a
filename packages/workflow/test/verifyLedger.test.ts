import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '../src/ledger/FileLedger.js';
import type { LedgerRecord } from '../src/ledger/records.js';
import { verifyLedger } from '../src/ledger/verifyLedger.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-verify-'));
  path = join(dir, 'ledger.jsonl');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const job = (jobId: string, at: number): LedgerRecord => ({
  type: 'job.created',
  jobId,
  at,
  kind: 'deletion',
  complianceType: 'GDPR',
  batchSize: 2,
});
const planned = (batchId: string, at: number): LedgerRecord => ({
  type: 'batch.planned',
  jobId: 'j1',
  at,
  batchId,
  ids: [`user-${batchId}`, `mail-${batchId}@example.com`],
});

/** A header and five records: lines 1 to 6. */
async function writeLedger(): Promise<string> {
  const ledger = await FileLedger.open(path, { now: () => 1_700_000_000_000 });
  await ledger.append(job('j1', 1), planned('b1', 2), planned('b2', 3));
  await ledger.append(planned('b3', 4), planned('b4', 5));
  const head = ledger.head!;
  await ledger.close();
  return head;
}

/** Changes one byte of line `line` (1-based): the first occurrence of `from` in it becomes `to`. */
async function editLine(line: number, from: string, to: string): Promise<void> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  expect(lines[line - 1]).toContain(from);
  lines[line - 1] = lines[line - 1]!.replace(from, to);
  await writeFile(path, lines.join('\n'));
}

async function editLines(edit: (lines: string[]) => void): Promise<void> {
  const lines = (await readFile(path, 'utf8')).split('\n').slice(0, -1);
  edit(lines);
  await writeFile(path, `${lines.join('\n')}\n`);
}

describe('verifyLedger', () => {
  it("verifies a ledger as written, and its head is the ledger's", async () => {
    const head = await writeLedger();
    expect(await verifyLedger(path)).toEqual({ ok: true, records: 5, chainStartsAtLine: 2, head });
  });

  it('names the line after a one-byte edit in a middle record', async () => {
    await writeLedger();
    await editLine(3, 'user-b1', 'user-c1');
    const result = await verifyLedger(path);
    expect(result).toMatchObject({ ok: false, line: 4, records: 2 });
    expect(result.ok || result.reason).toMatch(/prev is not the hash of line 3: line 3 was changed/);
  });

  it('names line 2 after a one-byte edit in the header', async () => {
    await writeLedger();
    await editLine(1, '1700000000000', '1700000000001');
    expect(await verifyLedger(path)).toMatchObject({ ok: false, line: 2, records: 0 });
  });

  it('names the line whose prev was edited', async () => {
    await writeLedger();
    const lines = (await readFile(path, 'utf8')).split('\n');
    const prev = JSON.parse(lines[3]!).prev as string;
    await editLine(4, prev, `${prev.slice(0, -1)}${prev.endsWith('0') ? '1' : '0'}`);
    expect(await verifyLedger(path)).toMatchObject({ ok: false, line: 4 });
  });

  it('names a line that no longer parses', async () => {
    await writeLedger();
    await editLine(3, '"ids":', '"ids"=');
    const result = await verifyLedger(path);
    expect(result).toMatchObject({ ok: false, line: 3 });
    expect(result.ok || result.reason).toContain('not JSON');
  });

  it('names the line after a deleted one', async () => {
    await writeLedger();
    await editLines((lines) => lines.splice(3, 1));
    expect(await verifyLedger(path)).toMatchObject({ ok: false, line: 4 });
  });

  it('names the first of two swapped lines', async () => {
    await writeLedger();
    await editLines((lines) => lines.splice(3, 2, lines[4]!, lines[3]!));
    expect(await verifyLedger(path)).toMatchObject({ ok: false, line: 4 });
  });

  it('names an inserted line without prev', async () => {
    await writeLedger();
    await editLines((lines) => lines.splice(3, 0, JSON.stringify(planned('b9', 9))));
    const result = await verifyLedger(path);
    expect(result).toMatchObject({ ok: false, line: 4 });
    expect(result.ok || result.reason).toContain('carries no prev, though the chain starts at line 2');
  });

  it('shows an edit to the last line only through its head', async () => {
    const head = await writeLedger();
    await editLine(6, 'user-b4', 'user-c4');
    const result = await verifyLedger(path);
    expect(result).toMatchObject({ ok: true, records: 5 });
    expect(result.ok && result.head).not.toBe(head);
    expect(await verifyLedger(path, { knownHead: head })).toMatchObject({ ok: false, line: 6 });
  });

  it('finds a head noted earlier in a ledger that has grown since', async () => {
    const head = await writeLedger();
    const ledger = await FileLedger.open(path);
    await ledger.append(planned('b5', 6));
    await ledger.close();
    expect(await verifyLedger(path, { knownHead: head })).toMatchObject({
      ok: true,
      knownHeadAt: { line: 6, via: 'line' },
    });
    await editLine(6, 'user-b4', 'user-c4');
    expect(await verifyLedger(path, { knownHead: head })).toMatchObject({ ok: false, line: 7 });
  });

  it('reports a last line torn by a crash as torn, not as tampering', async () => {
    const head = await writeLedger();
    const text = await readFile(path, 'utf8');
    await writeFile(path, `${text}{"type":"batch.planned","jobId":"j1","at":7,"bat`);
    expect(await verifyLedger(path)).toEqual({
      ok: true,
      records: 5,
      chainStartsAtLine: 2,
      head,
      torn: { line: 7, bytes: 48 },
    });
    // A torn append of a chained line: its own last line, cut short.
    await truncate(path, text.length - 10);
    expect(await verifyLedger(path)).toMatchObject({ ok: true, records: 4, torn: { line: 6 } });
  });

  it('verifies a version 1 ledger: the chain starts at the first line appended by version 2', async () => {
    const v1 = [
      JSON.stringify({ type: 'ledger', format: 'mixpanel-gdpr-ledger', version: 1, createdAt: 0 }),
      JSON.stringify(job('j1', 1)),
      JSON.stringify(planned('b1', 2)),
    ];
    await writeFile(path, `${v1.join('\n')}\n`);
    expect(await verifyLedger(path)).toEqual({ ok: true, records: 2, chainStartsAtLine: 4, head: sha256(v1[2]!) });
    const ledger = await FileLedger.open(path);
    await ledger.append(planned('b2', 3));
    await ledger.close();
    expect(await verifyLedger(path)).toMatchObject({ ok: true, records: 3, chainStartsAtLine: 4 });
    // Before the chain, nothing shows an edit.
    await editLine(2, '"at":1', '"at":2');
    expect(await verifyLedger(path)).toMatchObject({ ok: true });
    await editLine(3, 'user-b1', 'user-c1');
    expect(await verifyLedger(path)).toMatchObject({ ok: false, line: 4 });
  });

  it('refuses what is not a ledger, and a ledger that is not there', async () => {
    await writeFile(path, 'shopping list\n');
    expect(await verifyLedger(path)).toMatchObject({ ok: false, line: 1, records: 0 });
    await writeFile(path, '');
    expect(await verifyLedger(path)).toMatchObject({ ok: false, line: 1, reason: 'the file holds no complete line' });
    await expect(verifyLedger(join(dir, 'missing.jsonl'))).rejects.toThrow('no ledger at');
  });

  it('reads ledgers larger than one read, lines straddling reads', async () => {
    const ledger = await FileLedger.open(path);
    await ledger.append(job('j1', 1));
    const ids = Array.from({ length: 3_000 }, (_, i) => `someone-${i}@example.com`);
    for (let b = 0; b < 30; b++)
      await ledger.append({ type: 'batch.planned', jobId: 'j1', at: 2, batchId: `b${b}`, ids });
    const head = ledger.head!;
    await ledger.close();
    expect((await readFile(path)).length).toBeGreaterThan(2 << 20);
    expect(await verifyLedger(path)).toEqual({ ok: true, records: 31, chainStartsAtLine: 2, head });
  });
});
