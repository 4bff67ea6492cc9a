import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maskId } from '../src/views/maskId.js';
import { problemOf } from './helpers/problemOf.js';
import { startTestService, type TestService } from './helpers/startTestService.js';

let t: TestService;
beforeEach(async () => {
  t = await startTestService();
});
afterEach(() => t.close());

const IDS = ['customer-0001', 'customer-0002', '8812@devices', 'ab', 'customer-0005'];

describe("a request's subjects", () => {
  it('are masked for a read key and given to a submit key, a page at a time', async () => {
    const submit = await t.client('read', 'submit');
    const { value } = await submit.createRequest({
      ticket: 'SUB-1',
      kind: 'erasure',
      regulation: 'GDPR',
      receivedAt: '2026-11-29T09:00:00Z',
      distinctIds: [...IDS, 'customer-0001'],
      projects: ['web', 'mobile'],
    });
    const read = await t.client('read');
    const first = await read.listSubjects(value.requestId, { limit: 2 });
    expect(first).toMatchObject({ total: 5, revealed: false, items: [{ masked: 'cu••••01' }, { masked: 'cu••••02' }] });
    expect(JSON.stringify(first)).not.toContain('customer-');
    const rest = await read.listSubjects(value.requestId, { limit: 10, cursor: first.nextCursor! });
    expect(rest.items.map((i) => i.masked)).toEqual(['88••••es', '••••••', 'cu••••05']);
    expect(rest.nextCursor).toBeNull();

    const shown = await submit.listSubjects(value.requestId, { limit: 10 });
    expect(shown.revealed).toBe(true);
    expect(shown.items.map((i) => i.distinctId)).toEqual(IDS);
  });

  it('of a bulk upload are read back from its batches', async () => {
    const submit = await t.client('read', 'submit');
    const ids = Array.from({ length: 2500 }, (_, i) => `bulk-${String(i).padStart(5, '0')}`);
    const { value } = await submit.uploadRequest(
      { ticket: 'SUB-2', kind: 'erasure', regulation: 'GDPR', receivedAt: '2026-11-29T09:00:00Z', project: ['web'] },
      `${ids.join('\n')}\n`,
      { format: 'text' },
    );
    const requestId = value.request.requestId;
    const page = await submit.listSubjects(requestId, { limit: 1000 });
    expect(page.total).toBe(2500);
    const all = [...page.items];
    let cursor = page.nextCursor;
    while (cursor) {
      const next = await submit.listSubjects(requestId, { limit: 1000, cursor });
      all.push(...next.items);
      cursor = next.nextCursor;
    }
    expect(all.map((i) => i.distinctId)).toEqual(ids);
  });

  it("refuse another request's cursor, and an unknown request", async () => {
    const submit = await t.client('read', 'submit');
    const filed = async (ticket: string) =>
      (
        await submit.createRequest({
          ticket,
          kind: 'erasure',
          regulation: 'GDPR',
          receivedAt: '2026-11-29T09:00:00Z',
          distinctIds: IDS,
          projects: ['web'],
        })
      ).value.requestId;
    const [a, b] = [await filed('SUB-3'), await filed('SUB-4')];
    const { nextCursor } = await submit.listSubjects(a, { limit: 1 });
    const misuse = await problemOf(submit.listSubjects(b, { cursor: nextCursor! }));
    expect(misuse.status).toBe(400);
    expect(misuse.fieldErrors[0]?.field).toBe('query.cursor');
    expect((await problemOf(submit.listSubjects('req-20260101-000000-00000000'))).status).toBe(404);
  });
});

describe('maskId', () => {
  it('keeps two characters at each end, never cuts a character in half, and hides short ids whole', () => {
    expect(maskId('customer-8812')).toBe('cu••••12');
    expect(maskId('😀😀abcdefgh😀😀')).toBe('😀😀••••😀😀');
    expect(maskId('user-8812')).toBe('••••••');
    expect(maskId('abcdef')).toBe('••••••');
  });
});
