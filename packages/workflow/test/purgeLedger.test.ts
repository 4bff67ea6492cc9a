import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '../src/ledger/FileLedger.js';
import { keyedId, keyFingerprint } from '../src/ledger/keyedId.js';
import { purgeLedger } from '../src/ledger/purgeLedger.js';
import type { LedgerRecord, RequestReceived } from '../src/ledger/records.js';
import { verifyLedger } from '../src/ledger/verifyLedger.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-purge-'));
  path = join(dir, 'ledger.jsonl');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const key = Buffer.from('k'.repeat(32));
const now = () => 1_800_000_000_000;

const request = (requestId: string, ticket: string, ids: string[]): RequestReceived => ({
  type: 'request.received',
  requestId,
  at: 1,
  ticket,
  kind: 'erasure',
  regulation: 'GDPR',
  receivedAt: 1,
  timeZone: 'UTC',
  dueDate: '2026-01-01',
  dueAt: 2,
  projects: ['default'],
  ids,
  idCount: ids.length,
  invalid: [{ position: 3, value: `${ticket}-bad id`, reason: 'whitespace' }],
});
const job = (jobId: string, requestIds: string[]): LedgerRecord => ({
  type: 'job.created',
  jobId,
  at: 2,
  kind: 'deletion',
  complianceType: 'GDPR',
  batchSize: 2,
  requestIds,
});

/** Request r1 (ids a1, a2) in job j1, request r2 (ids z1, z2) in job j2. */
const PURGED_IDS = ['alice@example.com', 'alice-42', 'r1-t-bad id', 'j1-bad id'];
const KEPT_IDS = ['zoe@example.com', 'zoe-7', 'r2-t-bad id', 'j2-bad id'];
async function writeLedger(): Promise<FileLedger> {
  const ledger = await FileLedger.open(path, { now: () => 0 });
  const [a1, a2] = PURGED_IDS as [string, string];
  const [z1, z2] = KEPT_IDS as [string, string];
  await ledger.append(request('r1', 'r1-t', [a1, a2]), request('r2', 'r2-t', [z1, z2]));
  await ledger.append(job('j1', ['r1']), job('j2', ['r2']));
  for (const [jobId, ids] of [
    ['j1', [a1, a2]],
    ['j2', [z1, z2]],
  ] as const) {
    await ledger.append(
      {
        type: 'job.ingested',
        jobId,
        at: 3,
        read: 3,
        valid: 2,
        duplicates: 0,
        invalid: [{ position: 3, value: `${jobId}-bad id`, reason: 'whitespace' }],
      },
      { type: 'batch.planned', jobId, at: 4, batchId: `${jobId}-b1`, ids: [...ids] },
      { type: 'batch.sending', jobId, at: 5, batchId: `${jobId}-b1`, attempt: 1 },
      { type: 'batch.conflict', jobId, at: 6, batchId: `${jobId}-b1`, coveredIds: [ids[0]], coveringTaskIds: ['t0'] },
      { type: 'batch.planned', jobId, at: 6, batchId: `${jobId}-b2`, ids: [ids[1]], parentBatchId: `${jobId}-b1` },
    );
  }
  return ledger;
}

const purgeR1 = { key, requestIds: new Set(['r1']), jobIds: new Set(['j1']), now };

describe('purgeLedger', () => {
  it('leaves no purged id in the file, and keeps the ids of requests and jobs not named', async () => {
    await (await writeLedger()).close();
    const result = await purgeLedger(path, purgeR1);
    // r1: 2 ids + 1 invalid; j1: 1 invalid + 2 planned + 1 covered + 1 planned again.
    expect(result.replaced).toBe(8);
    const text = await readFile(path, 'utf8');
    for (const id of PURGED_IDS) {
      expect(text).not.toContain(id);
      expect(text).toContain(keyedId(key, id));
    }
    for (const id of KEPT_IDS) expect(text).toContain(JSON.stringify(id));
  });

  it('replays into a state that finds a purged id by its keyed hash, and records the purge', async () => {
    const before = await writeLedger();
    const previousHead = before.head;
    await before.close();
    const result = await purgeLedger(path, purgeR1);
    expect(result.previousHead).toBe(previousHead);
    const ledger = await FileLedger.open(path, { readOnly: true });
    expect(ledger.head).toBe(result.head);
    const { state } = ledger;
    const alice = keyedId(key, 'alice@example.com');
    expect(state.requests.get('r1')!.ids).toEqual([alice, keyedId(key, 'alice-42')]);
    expect(state.requests.get('r1')!.purgedAt).toBe(now());
    expect(await ledger.batchIds('j1', state.jobs.get('j1')!.batches.get('j1-b1')!)).toContain(alice);
    expect(state.jobs.get('j1')!.coveredBy.get(alice)).toEqual(['t0']);
    expect(state.jobs.get('j1')!.ingested!.invalid[0]!.value).toBe(keyedId(key, 'j1-bad id'));
    expect(await ledger.batchIds('j2', state.jobs.get('j2')!.batches.get('j2-b1')!)).toEqual([
      'zoe@example.com',
      'zoe-7',
    ]);
    expect(state.purges).toEqual([
      {
        type: 'ledger.purged',
        at: now(),
        requestIds: ['r1'],
        jobIds: ['j1'],
        replaced: 8,
        keyFingerprint: keyFingerprint(key),
        previousHead,
      },
    ]);
    await ledger.close();
  });

  it("recomputes the chain: the purged ledger verifies, its head is the purge record's", async () => {
    await (await writeLedger()).close();
    const { head } = await purgeLedger(path, purgeR1);
    expect(await verifyLedger(path)).toEqual({ ok: true, records: 15, chainStartsAtLine: 2, head });
  });

  it("records the key's fingerprint, never the key", async () => {
    await (await writeLedger()).close();
    await purgeLedger(path, purgeR1);
    const text = await readFile(path, 'utf8');
    expect(text).toContain(`"keyFingerprint":"${keyFingerprint(key)}"`);
    expect(text).not.toContain(key.toString('utf8'));
    expect(text).not.toContain(key.toString('hex'));
    expect(keyFingerprint(key)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyFingerprint(Buffer.from('l'.repeat(32)))).not.toBe(keyFingerprint(key));
  });

  it('purging twice replaces nothing more', async () => {
    await (await writeLedger()).close();
    await purgeLedger(path, purgeR1);
    const once = (await readFile(path, 'utf8')).split('\n').slice(0, -2);
    expect((await purgeLedger(path, purgeR1)).replaced).toBe(0);
    const twice = (await readFile(path, 'utf8')).split('\n').slice(0, -3);
    expect(twice).toEqual(once);
    expect(await verifyLedger(path)).toMatchObject({ ok: true });
  });

  it('refuses while the ledger is open for writing, changing nothing', async () => {
    const ledger = await writeLedger();
    const before = await readFile(path);
    await expect(purgeLedger(path, purgeR1)).rejects.toThrow(`ledger is in use by process ${process.pid} (this one)`);
    expect(await readFile(path)).toEqual(before);
    await ledger.close();
    expect(await readdir(dir)).toEqual(['ledger.jsonl']);
  });

  it('leaves the old ledger whole, and no other file, when the rename fails', async () => {
    await (await writeLedger()).close();
    const before = await readFile(path);
    const failing = () => Promise.reject(new Error('EIO: i/o error, rename'));
    await expect(purgeLedger(path, { ...purgeR1, rename: failing })).rejects.toThrow('EIO');
    expect(await readFile(path)).toEqual(before);
    expect(await readdir(dir)).toEqual(['ledger.jsonl']);
    // The lock was released: a purge works now.
    await purgeLedger(path, purgeR1);
  });

  it('removes a temporary file left by a purge that crashed, and writes the new ledger 0600', async () => {
    await (await writeLedger()).close();
    await writeFile(`${path}.purging`, 'half a ledger', { mode: 0o644 });
    await purgeLedger(path, purgeR1);
    expect(await readdir(dir)).toEqual(['ledger.jsonl']);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('keeps other files beside the ledger untouched', async () => {
    await (await writeLedger()).close();
    await writeFile(`${path}.last-request`, '12345\n');
    await purgeLedger(path, purgeR1);
    expect(await readFile(`${path}.last-request`, 'utf8')).toBe('12345\n');
  });

  it('refuses a request whose job is not named, a name not in the ledger, and a short key, changing nothing', async () => {
    await (await writeLedger()).close();
    const before = await readFile(path);
    await expect(purgeLedger(path, { ...purgeR1, jobIds: new Set() })).rejects.toThrow(
      'job j1 carries ids of request r1 but is not named',
    );
    await expect(purgeLedger(path, { ...purgeR1, jobIds: new Set(['j1', 'j9']) })).rejects.toThrow('not in ledger');
    await expect(purgeLedger(path, { ...purgeR1, key: Buffer.alloc(31) })).rejects.toThrow(
      'the purge key is 31 bytes; it must be at least 32',
    );
    expect(await readFile(path)).toEqual(before);
    expect(existsSync(`${path}.purging`)).toBe(false);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('drops a last line torn by a crash', async () => {
    await (await writeLedger()).close();
    await writeFile(path, `${await readFile(path, 'utf8')}{"type":"batch.sending","jobId":"j2","at`);
    await purgeLedger(path, purgeR1);
    expect(await verifyLedger(path)).toMatchObject({ ok: true, records: 15 });
    expect(await verifyLedger(path)).not.toHaveProperty('torn');
  });
});

describe('keyedId', () => {
  it('is an HMAC-SHA256 under the key, marked as such', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    expect(keyedId(Buffer.from('Jefe'), 'what do ya want for nothing?')).toBe(
      'hmac-sha256:5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
