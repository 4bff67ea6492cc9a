import { afterEach, describe, expect, it } from 'vitest';
import { type FakeMixpanel, startFakeMixpanel } from '../src/index.js';

let fake: FakeMixpanel | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const auth = { authorization: 'Bearer fake-oauth-token', 'content-type': 'application/json' };
const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) =>
  fetch(`${fake!.url}${path}${path.includes('?') ? '&' : '?'}token=fake-project-token`, {
    method,
    headers,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

describe('the fake Mixpanel', () => {
  it('moves a task PENDING → STAGING → STARTED → SUCCESS over the configured times', async () => {
    let now = 0;
    fake = await startFakeMixpanel({ timings: { pendingMs: 10, stagingMs: 10, startedMs: 10 }, now: () => now });
    const created = await (
      await call('POST', '/data-deletions/v3.0', { distinct_ids: ['u1'], compliance_type: 'GDPR' })
    ).json();
    const taskId = created.results.task_id as string;
    const seen: string[] = [];
    for (const t of [0, 10, 20, 30]) {
      now = t;
      seen.push((await (await call('GET', `/data-deletions/v3.0/${taskId}`)).json()).results.status);
    }
    expect(seen).toEqual(['PENDING', 'STAGING', 'STARTED', 'SUCCESS']);
  });

  it('gives each task its own timings with timingsOf, asked once when it is created', async () => {
    let now = 0;
    const asked: string[] = [];
    fake = await startFakeMixpanel({
      now: () => now,
      timingsOf: (task) => {
        asked.push(task.ids[0]!);
        const ms = task.ids[0] === 'slow' ? 1_000 : 10;
        return { pendingMs: ms, stagingMs: ms, startedMs: ms };
      },
    });
    const create = async (id: string) =>
      (await (await call('POST', '/data-deletions/v3.0', { distinct_ids: [id], compliance_type: 'GDPR' })).json())
        .results.task_id as string;
    const [fast, slow] = [await create('fast'), await create('slow')];
    const status = async (taskId: string) =>
      (await (await call('GET', `/data-deletions/v3.0/${taskId}`)).json()).results.status;
    now = 30;
    expect([await status(fast), await status(slow)]).toEqual(['SUCCESS', 'PENDING']);
    now = 3_000;
    expect(await status(slow)).toBe('SUCCESS');
    expect(asked).toEqual(['fast', 'slow']);
  });

  it('answers 409 naming the running task, cancels with 204 until started and 405 after', async () => {
    let now = 0;
    fake = await startFakeMixpanel({ timings: { pendingMs: 10, stagingMs: 10, startedMs: 10 }, now: () => now });
    const first = (
      await (await call('POST', '/data-deletions/v3.0', { distinct_ids: ['u1', 'u2'], compliance_type: 'GDPR' })).json()
    ).results.task_id;
    const conflict = await call('POST', '/data-deletions/v3.0', {
      distinct_ids: ['u2', 'u3'],
      compliance_type: 'GDPR',
    });
    expect(conflict.status).toBe(409);
    expect((await conflict.json()).error).toMatchObject({
      conflicting_distinct_ids: ['u2'],
      conflicting_task_ids: [first],
    });
    const second = (
      await (await call('POST', '/data-deletions/v3.0', { distinct_ids: ['u3'], compliance_type: 'GDPR' })).json()
    ).results.task_id;
    expect((await call('DELETE', `/data-deletions/v3.0/${second}`)).status).toBe(204);
    now = 25;
    expect((await call('DELETE', `/data-deletions/v3.0/${first}`)).status).toBe(405);
    expect((await (await call('GET', `/data-deletions/v3.0/${second}`)).json()).results.status).toBe('REVOKED');
  });

  it('refuses bad credentials, too many ids, and unknown tasks', async () => {
    fake = await startFakeMixpanel({ maxIdsPerRequest: 2 });
    expect((await call('GET', '/data-deletions/v3.0/x', undefined, {})).status).toBe(401);
    expect(
      (await call('POST', '/data-deletions/v3.0', { distinct_ids: ['a', 'b', 'c'], compliance_type: 'GDPR' })).status,
    ).toBe(400);
    expect((await call('GET', '/data-retrievals/v3.0/nope')).status).toBe(404);
  });

  it('rate-limits requests closer than 1/rate with a 429 and Retry-After', async () => {
    fake = await startFakeMixpanel({ ratePerSecond: 1 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call('GET', '/data-deletions/v3.0/x')).status);
    expect(statuses).toEqual([404, 429, 429]);
    expect(fake.requests.filter((r) => r.fault === 'rate-limit')).toHaveLength(2);
  });

  it('serves export links on another loopback address, logging any Authorization header, expiring them', async () => {
    let now = 0;
    fake = await startFakeMixpanel({
      timings: { pendingMs: 0, stagingMs: 0, startedMs: 0 },
      exportLinkTtlMs: 100,
      now: () => now,
    });
    const taskId = (
      await (await call('POST', '/data-retrievals/v3.0', { distinct_ids: ['u1'], compliance_type: 'GDPR' })).json()
    ).results.task_id;
    const link = (await (await call('GET', `/data-retrievals/v3.0/${taskId}`)).json()).results.result as string;
    expect(new URL(link).hostname).toBe('127.0.0.2');
    expect((await fetch(link)).status).toBe(200);
    expect((await fetch(link, { headers: { authorization: 'Bearer leak' } })).status).toBe(200);
    now = 1000;
    expect((await fetch(link)).status).toBe(410);
    expect(fake.exportRequests.map((r) => r.authorization)).toEqual([undefined, 'Bearer leak', undefined]);
  });
});
