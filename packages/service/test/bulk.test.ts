import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { problemOf } from './helpers/problemOf.js';
import { NOW, startTestService, type TestService } from './helpers/startTestService.js';

let t: TestService;
beforeEach(async () => {
  t = await startTestService();
});
afterEach(() => t.close());

const query = (ticket: string) => ({
  ticket,
  kind: 'erasure' as const,
  regulation: 'GDPR' as const,
  receivedAt: new Date(NOW - 3_600_000).toISOString(),
  project: ['web', 'mobile'],
});

const lines = (n: number) => `${Array.from({ length: n }, (_, i) => `user-${i}`).join('\n')}\nuser-0\n`;

describe('the service: bulk uploads', () => {
  it('records one request from a streamed upload and plans its jobs in every project; the same upload again is 200', async () => {
    const submit = await t.client('submit', 'read');
    const body = lines(5000);
    const first = await submit.uploadRequest(query('BULK-1'), body, { format: 'text' });
    expect(first.created).toBe(true);
    expect(first.value).toMatchObject({
      request: { ticket: 'BULK-1', state: 'not_submitted' },
      intake: { read: 5001, valid: 5000, duplicates: 1, invalid: 0 },
    });
    const request = t.ledger.state.requests.get(first.value.request.requestId)!;
    expect(request.ids).toBeUndefined();
    expect(request.jobIds).toHaveLength(2);
    // The first project's job read the upload; the others took its ids from it.
    const [read, ...copied] = request.jobIds.map((id) => t.ledger.state.jobs.get(id)!.ingested!);
    expect(read).toMatchObject({ read: 5001, valid: 5000, duplicates: 1 });
    for (const job of copied) expect(job.valid).toBe(5000);
    const again = await submit.uploadRequest(query('BULK-1'), body, { format: 'text' });
    expect(again).toMatchObject({ created: false, value: { request: { requestId: first.value.request.requestId } } });
    const other = await problemOf(submit.uploadRequest(query('BULK-1'), lines(10), { format: 'text' }));
    expect(other.status).toBe(409);
  });

  it('reads NDJSON and CSV by the field or column named', async () => {
    const submit = await t.client('submit');
    const ndjson = await submit.uploadRequest({ ...query('BULK-N'), field: 'id' }, '{"id":"a"}\n{"id":"b"}\n', {
      format: 'ndjson',
    });
    const csv = await submit.uploadRequest({ ...query('BULK-C'), column: 'user' }, 'email,user\nx@y,a\nz@y,b\n', {
      format: 'csv',
    });
    for (const { value } of [ndjson, csv]) {
      const [jobId] = t.ledger.state.requests.get(value.request.requestId)!.jobIds;
      expect(t.ledger.state.jobs.get(jobId!)!.ingested!.valid).toBe(2);
    }
  });

  it('records nothing for an upload without a usable id, or a broken NDJSON line, and names the line', async () => {
    const submit = await t.client('submit');
    const empty = await problemOf(submit.uploadRequest(query('BULK-E'), '\n\n', { format: 'text' }));
    expect(empty.status).toBe(400);
    expect(empty.fieldErrors[0]!.field).toBe('body');
    const broken = await problemOf(
      submit.uploadRequest(query('BULK-B'), '{"distinct_id":"a"}\n{not json\n', { format: 'ndjson' }),
    );
    expect(broken.status).toBe(400);
    expect(broken.problem!.detail).toMatch(/line 2/);
    expect(broken.problem!.detail).not.toMatch(/mpgdpr-upload-/);
    expect(t.ledger.state.requests.size).toBe(0);
    expect(t.ledger.state.jobs.size).toBe(0);
  });

  it('answers a retry with the same Idempotency-Key from the first, without reading the body again', async () => {
    const submit = await t.client('submit');
    const first = await submit.uploadRequest(query('BULK-I'), lines(10), { format: 'text', idempotencyKey: 'up-1' });
    const retry = await submit.uploadRequest(query('BULK-I'), 'anything at all', {
      format: 'text',
      idempotencyKey: 'up-1',
    });
    expect(retry.value.request.requestId).toBe(first.value.request.requestId);
    expect(t.ledger.state.requests.size).toBe(1);
  });

  it('refuses another media type with 415 and an unknown project with 400, storing nothing', async () => {
    const key = await t.key('submit');
    const url = `${t.baseUrl}/v1/requests/bulk?ticket=X&kind=erasure&regulation=GDPR&receivedAt=${encodeURIComponent(new Date(NOW).toISOString())}&project=web`;
    const xml = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/xml' },
      body: '<ids/>',
    });
    expect(xml.status).toBe(415);
    const unknown = await problemOf(
      (await t.client('submit')).uploadRequest({ ...query('X'), project: ['billing'] }, 'a\n', { format: 'text' }),
    );
    expect(unknown.fieldErrors[0]!.field).toBe('query.project');
    expect(t.ledger.state.requests.size).toBe(0);
  });
});
