import type { LedgerRecord } from '@mixpanel-gdpr/workflow';
import { describe, expect, it } from 'vitest';
import { recordsForJsonb } from '../src/recordsForJsonb.js';

const failed = (error: string): LedgerRecord => ({ type: 'batch.failed', jobId: 'j1', at: 1, batchId: 'b1', error });

describe('recordsForJsonb', () => {
  it('leaves records without a NUL as they are, the same objects', () => {
    const records = [failed('plain'), failed('a literal \\u0000 is six characters')];
    const result = recordsForJsonb(records);
    expect(result.nulReplaced).toBe(0);
    expect(result.records[0]).toBe(records[0]);
    expect(result.records[1]).toBe(records[1]);
    expect(JSON.parse(result.json)).toEqual(records);
  });

  it('replaces each NUL, in strings, arrays and keys, copying only the records that held one', () => {
    const received: LedgerRecord = {
      type: 'request.received',
      requestId: 'r1',
      at: 1,
      ticket: 'T',
      kind: 'erasure',
      regulation: 'GDPR',
      receivedAt: 1,
      timeZone: 'UTC',
      dueDate: '2024-01-01',
      dueAt: 2,
      projects: ['p'],
      labels: { 'k\u0000': 'v\u0000\u0000' },
      invalid: [{ position: 1, value: '\u0000', reason: 'control' }],
    };
    const clean = failed('fine');
    const records = [failed('\u0000x\\\u0000'), clean, received];
    const result = recordsForJsonb(records);
    expect(result.nulReplaced).toBe(2);
    expect(result.records[1]).toBe(clean);
    expect(result.records[0]).toEqual(failed('\uFFFDx\\\uFFFD'));
    expect(result.records[2]).toMatchObject({
      labels: { 'k\uFFFD': 'v\uFFFD\uFFFD' },
      invalid: [{ position: 1, value: '\uFFFD', reason: 'control' }],
    });
    expect(result.json).not.toContain('\\u0000');
    expect(JSON.parse(result.json)).toEqual(result.records);
    // The caller's records are left as they were.
    expect((records[0] as { error: string }).error).toBe('\u0000x\\\u0000');
  });
});
