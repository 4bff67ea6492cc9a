import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { FakeMixpanel } from '@mixpanel-gdpr/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeWorkflows } from './helpers/fakeWorkflows.js';
import { startTestService, type TestService } from './helpers/startTestService.js';

let t: TestService;
const fakes: FakeMixpanel[] = [];
beforeEach(async () => {
  t = await startTestService({ workflows: fakeWorkflows(fakes) });
});
afterEach(async () => {
  await t.close();
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

describe('the service with work done (the fake Mixpanel)', () => {
  it('shows requests done, each project’s traffic and deadlines, and serves an access export to submit keys only', async () => {
    const submit = await t.client('submit', 'read');
    const now = new Date(t.clock.ms - 3_600_000).toISOString();
    await submit.createRequest({
      ticket: 'E-1',
      kind: 'erasure',
      regulation: 'GDPR',
      receivedAt: now,
      distinctIds: ['u1', 'u2'],
      projects: ['web', 'mobile'],
    });
    const { value: access } = await submit.createRequest({
      ticket: 'A-1',
      kind: 'access',
      regulation: 'CCPA',
      receivedAt: now,
      distinctIds: ['s1'],
      projects: ['web'],
    });
    // What the worker does: plan what arrived, run it.
    const pending = [...t.ledger.state.requests.values()];
    const planned = [
      ...(await t.desk.plan(pending.filter((r) => r.kind === 'erasure'))),
      ...(await t.desk.plan(
        pending.filter((r) => r.kind === 'access'),
        { exportDir: join(t.dir, 'exports') },
      )),
    ];
    const runs = await t.desk.run(planned, { wait: true });
    expect(runs.map((r) => r.error)).toEqual([undefined, undefined]);
    const listed = await submit.listRequests();
    expect(listed.items.map((r) => [r.ticket, r.state])).toEqual([
      ['E-1', 'done'],
      ['A-1', 'done'],
    ]);

    const { projects } = await submit.listProjects();
    const web = projects.find((p) => p.name === 'web')!;
    expect(web.hours).toHaveLength(24);
    expect(web.hours.at(-1)!.submissions).toBe(2);
    expect(web.hours.at(-1)!.polls).toBeGreaterThanOrEqual(2);
    expect(web.outstandingTasks).toEqual({});
    expect(web.oldestRunningTask).toBeNull();
    const deadlines = await submit.getDeadlines({ days: 45 });
    expect(deadlines.days).toHaveLength(45);
    expect(deadlines.totals).toEqual({ open: 0, atRisk: 0, overdue: 0, later: 0 });

    const { exports } = await submit.listExports(access.requestId);
    expect(exports).toEqual([expect.objectContaining({ project: 'web', state: 'ready' })]);
    const download = await submit.downloadExport(access.requestId, 'web');
    const bytes = Buffer.from(await new Response(download.body).arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(exports[0]!.sha256);
    expect(download.sha256).toBe(exports[0]!.sha256);
    const reader = await t.client('read');
    await expect(reader.downloadExport(access.requestId, 'web')).rejects.toMatchObject({ status: 403 });
    await expect(reader.listExports(access.requestId)).rejects.toMatchObject({ status: 403 });
  });
});
