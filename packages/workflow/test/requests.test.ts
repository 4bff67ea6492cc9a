import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeMixpanel, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRequestDesk,
  createWorkflow,
  createWorkflowClient,
  evidenceMarkdown,
  evidencePack,
  MemoryLedger,
  type NewRequest,
  type Workflow,
} from '../src/index.js';
import { fakeClock } from './helpers/harness.js';

const DAY = 86_400_000;
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Two projects on two fakes (the second slow), one ledger: the shape of a team's setup. */
async function twoProjects(slowMs = 600, appOauthToken = 'fake-oauth-token') {
  const dir = await mkdtemp(join(tmpdir(), 'mpgdpr-req-'));
  closers.push(() => rm(dir, { recursive: true, force: true }));
  const ledger = new MemoryLedger();
  const projects = new Map<string, Workflow>();
  const fakes: Record<string, FakeMixpanel> = {};
  for (const [name, ms] of [
    ['web', 50],
    ['app', slowMs],
  ] as const) {
    const fake = await startFakeMixpanel({
      timings: { pendingMs: ms, stagingMs: ms, startedMs: ms },
      ...(name === 'app' && { oauthToken: appOauthToken }),
    });
    closers.push(() => fake.close());
    fakes[name] = fake;
    const client = createWorkflowClient({
      oauthToken: 'fake-oauth-token',
      projectToken: 'fake-project-token',
      baseUrl: fake.url,
      timeoutMs: 5_000,
    });
    projects.set(
      name,
      createWorkflow({
        client,
        ledger,
        exportDir: join(dir, 'exports'),
        ratePerSecond: 50,
        pollMinDelayMs: 50,
        pollMaxDelayMs: 300,
      }),
    );
  }
  return { ledger, projects, fakes, dir };
}

const request = (ticket: string, ids: string[], receivedAt: number, extra: Partial<NewRequest> = {}): NewRequest => ({
  ticket,
  kind: 'erasure',
  regulation: 'GDPR',
  receivedAt,
  ids,
  projects: ['web', 'app'],
  ...extra,
});

describe('requests', () => {
  it('records the legal due date in the configured time zone, and a ticket once per kind', async () => {
    const clock = fakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const ledger = new MemoryLedger();
    const desk = createRequestDesk({ ledger, policy: { timeZone: 'Europe/Berlin' }, now: clock.now });
    // 23:30 UTC on 2 March is 3 March in Berlin: due 3 April there, not 2 April.
    const received = Date.parse('2026-03-02T23:30:00Z');
    const { recorded } = await desk.receive([request('ZD-1', ['a', 'b'], received)]);
    expect(recorded[0]).toMatchObject({ dueDate: '2026-04-03', timeZone: 'Europe/Berlin', idCount: 2 });
    expect(recorded[0]!.dueAt).toBe(Date.parse('2026-04-03T22:00:00Z'));
    // The same request again is left as it is; the same ticket with other ids is refused, naming it.
    expect((await desk.receive([request('ZD-1', ['b', 'a'], received)])).known).toHaveLength(1);
    await expect(desk.receive([request('ZD-1', ['a', 'c'], received)])).rejects.toThrow(/ZD-1.*set of distinct ids/);
    // Another kind may use the same ticket.
    await desk.receive([request('ZD-1', ['a'], received, { kind: 'access' })]);
    expect(() => desk.find('ZD-1')).toThrow(/say which kind/);
    expect(desk.find('ZD-1', 'access').kind).toBe('access');
    expect(ledger.records.filter((r) => r.type === 'request.received')).toHaveLength(2);
  });

  it('refuses bad requests before recording any, naming the field and value', async () => {
    const clock = fakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const ledger = new MemoryLedger();
    const desk = createRequestDesk({ ledger, now: clock.now });
    const ok = request('A', ['x'], clock.now() - DAY);
    await expect(desk.receive([ok, request('B', ['y'], clock.now() + 2 * DAY)])).rejects.toThrow(
      /requests\[1\]\.receivedAt is in the future/,
    );
    await expect(desk.receive([ok, { ...ok, ticket: 'C', regulation: 'LGPD' as never }])).rejects.toThrow(
      /requests\[1\]\.regulation must be GDPR or CCPA \(got "LGPD"\)/,
    );
    await expect(desk.receive([ok, ok])).rejects.toThrow(/ticket "A" is given twice/);
    await expect(desk.receive([{ ...ok, ids: [] }])).rejects.toThrow(/requests\[0\]\.ids has no valid distinct id/);
    expect(() => createRequestDesk({ ledger, policy: { timeZone: 'Mars/Olympus' } })).toThrow(
      /timeZone.*Mars\/Olympus/,
    );
    expect(ledger.records).toHaveLength(0);
  });

  it('shares erasure batches across requests, earliest due first; each access subject gets tasks of its own', async () => {
    const { ledger, projects } = await twoProjects();
    const desk = createRequestDesk({ ledger, projects });
    const now = Date.now();
    const { recorded } = await desk.receive([
      request('late', ['l1', 'l2'], now - DAY),
      request('early', ['e1'], now - 20 * DAY),
      request('mid', ['m1', 'm2', 'm3'], now - 10 * DAY),
    ]);
    const planned = await desk.plan(recorded);
    expect(planned.map((p) => p.project).sort()).toEqual(['app', 'web']);
    const job = ledger.state.jobs.get(planned.find((p) => p.project === 'web')!.jobId)!;
    // One batch of every request's ids, the earliest due first.
    const idsOf = (jobId: string) =>
      Promise.all([...ledger.state.jobs.get(jobId)!.batches.values()].map((b) => ledger.batchIds(jobId, b)));
    expect(await idsOf(job.jobId)).toEqual([['e1', 'm1', 'm2', 'm3', 'l1', 'l2']]);
    expect(job.requestIds).toEqual(['early', 'mid', 'late'].map((t) => desk.find(t).requestId));

    const access = await desk.receive([
      request('A-1', ['p1', 'p1-alias'], now, { kind: 'access', projects: ['web'] }),
      request('A-2', ['p2'], now, { kind: 'access', projects: ['web'] }),
    ]);
    const [accessJob] = await desk.plan(access.recorded);
    const batches = [...ledger.state.jobs.get(accessJob!.jobId)!.batches.values()];
    const accessIds = await idsOf(accessJob!.jobId);
    expect(batches.map((b, i) => [b.requestId, accessIds[i]])).toEqual([
      [desk.find('A-1').requestId, ['p1', 'p1-alias']],
      [desk.find('A-2').requestId, ['p2']],
    ]);
    const bulk = await desk.receive([
      request('B-1', ['q1'], now, { kind: 'access', projects: ['web'] }),
      request('B-2', ['q2'], now, { kind: 'access', projects: ['web'] }),
    ]);
    const [bulkJob] = await desk.plan(bulk.recorded, { bulkAccess: true });
    expect(await idsOf(bulkJob!.jobId)).toEqual([['q1', 'q2']]);
  });

  it('runs every project at its own pace and derives each request from the tasks holding its ids', async () => {
    const { ledger, projects, fakes, dir } = await twoProjects();
    const desk = createRequestDesk({ ledger, projects });
    const now = Date.now();
    const erasures = await desk.receive([request('E-1', ['u1', 'u2'], now - DAY), request('E-2', ['u3'], now)]);
    const access = await desk.receive([request('A-1', ['s1', 's1b'], now, { kind: 'access' })]);
    const planned = [
      ...(await desk.plan(erasures.recorded)),
      ...(await desk.plan(access.recorded, { exportDir: join(dir, 'exports') })),
    ];
    expect(desk.view(desk.find('E-1')).progress.stage).toBe('not submitted');
    const runs = await desk.run(planned, { wait: true });
    expect(runs.every((r) => r.error === undefined)).toBe(true);
    for (const ticket of ['E-1', 'E-2', 'A-1']) {
      const view = desk.view(desk.find(ticket));
      expect(view.progress.stage, ticket).toBe('done');
      expect(view.progress.projects.map((p) => p.stage)).toEqual(['done', 'done']);
      expect(view.health).toMatchObject({ overdue: false, atRisk: false, late: false });
    }
    // Erasures shared one deletion task per project; the access subject had one retrieval task per project.
    expect([...fakes.web!.tasks.values()].map((t) => [...t.ids].sort())).toEqual(
      expect.arrayContaining([
        ['u1', 'u2', 'u3'],
        ['s1', 's1b'],
      ]),
    );
    const pack = await evidencePack(ledger, desk.view(desk.find('E-1')), { name: 'test', version: '0' }, Date.now());
    expect(pack.request.ids).toEqual(['u1', 'u2']);
    for (const project of pack.projects) {
      expect(project.tasks).toHaveLength(1);
      // Only this request's ids, though the task also held E-2's.
      expect(project.tasks[0]!.ids).toEqual(['u1', 'u2']);
      expect(project.tasks[0]!.timeline.map((e) => e.event)).toContain('submitted');
      expect(project.tasks[0]!.timeline.at(-1)).toMatchObject({ event: 'status', status: 'SUCCESS' });
      expect(project.identity?.tokenFingerprint).toMatch(/^[0-9a-f]{12}$/);
    }
    expect(pack.notCovered.join(' ')).toMatch(/warehouses/);
    const accessPack = await evidencePack(
      ledger,
      desk.view(desk.find('A-1')),
      { name: 'test', version: '0' },
      Date.now(),
    );
    for (const project of accessPack.projects) {
      expect(project.tasks).toHaveLength(1);
      // Filed under the request, one export per subject and project.
      expect(project.tasks[0]!.export?.file).toContain(join(desk.find('A-1').requestId, project.name));
    }
    expect(evidenceMarkdown(pack, 'f'.repeat(64))).toMatch(/# Evidence: erasure request E-1[\s\S]*Project web: done/);
  });

  it('keeps going in one project when another fails', async () => {
    // The app project's fake expects another token: every request there is refused (401).
    const { ledger, projects } = await twoProjects(50, 'another-token');
    const desk = createRequestDesk({ ledger, projects });
    const { recorded } = await desk.receive([request('E-1', ['u1'], Date.now())]);
    const runs = await desk.run(await desk.plan(recorded), { wait: true });
    const byProject = Object.fromEntries(runs.map((r) => [r.project, r]));
    expect(byProject.web!.error).toBeUndefined();
    expect(byProject.app!.error).toBeDefined();
    const view = desk.view(desk.find('E-1'));
    expect(view.progress.projects.map((p) => [p.project, p.stage])).toEqual([
      ['web', 'done'],
      ['app', 'not submitted'],
    ]);
    expect(view.progress.stage).toBe('not submitted');
  });

  it('flags requests at risk and overdue, and extends only while the first period runs', async () => {
    const clock = fakeClock(Date.parse('2026-05-12T09:00:00Z'));
    const ledger = new MemoryLedger();
    const desk = createRequestDesk({
      ledger,
      now: clock.now,
      policy: { submitWithinMs: 4 * 3_600_000, atRiskDaysLeft: 7 },
    });
    const at = (iso: string) => Date.parse(iso);
    await desk.receive([
      request('old', ['a'], at('2026-04-02T10:00:00Z'), { projects: ['default'] }),
      request('fresh', ['b'], at('2026-05-12T08:00:00Z'), { projects: ['default'] }),
      request('waiting', ['c'], at('2026-05-11T08:00:00Z'), { projects: ['default'] }),
      request('ccpa', ['d'], at('2026-04-01T08:00:00Z'), { projects: ['default'], regulation: 'CCPA' }),
    ]);
    const health = (t: string) => desk.view(desk.find(t)).health;
    expect(health('old')).toMatchObject({ overdue: true, dueDate: '2026-05-02', daysLeft: -10 });
    expect(health('fresh')).toMatchObject({ overdue: false, atRisk: false, daysLeft: 31 });
    expect(health('waiting')).toMatchObject({ atRisk: true });
    expect(health('waiting').reasons[0]).toMatch(/not submitted 25 h after receipt \(limit 4 h\)/);
    expect(health('ccpa')).toMatchObject({ dueDate: '2026-05-16', daysLeft: 4, atRisk: true });
    expect(desk.list({ overdue: true }).map((v) => v.request.ticket)).toEqual(['old']);
    expect(desk.list({ atRisk: true, overdue: true }).map((v) => v.request.ticket)).toEqual(['old', 'ccpa', 'waiting']);

    await expect(desk.extend(desk.find('old'), 'complex')).rejects.toThrow(/old/);
    await expect(desk.extend(desk.find('ccpa'), ' ')).rejects.toThrow(/needs a reason/);
    const extended = await desk.extend(desk.find('ccpa'), 'subject holds many accounts');
    // 45 more days; still at risk, but only for not having been submitted, no longer for the days left.
    expect(extended.health).toMatchObject({ dueDate: '2026-06-30', daysLeft: 49 });
    expect(extended.health.reasons).toEqual([expect.stringMatching(/^not submitted/)]);
    await expect(desk.extend(desk.find('ccpa'), 'again')).rejects.toThrow(/ccpa/);
    expect(ledger.records.filter((r) => r.type === 'request.extended')).toHaveLength(1);
  });

  it('plans later what a stopped run recorded but did not plan, and never twice', async () => {
    const { ledger, projects } = await twoProjects();
    const desk = createRequestDesk({ ledger, projects });
    // A run that stopped between recording its requests and planning them.
    await desk.receive([request('E-1', ['u1'], Date.now()), request('E-2', ['u2'], Date.now())]);
    const planned = await desk.planMissing();
    expect(planned.map((p) => p.project).sort()).toEqual(['app', 'web']);
    expect(desk.find('E-1').jobIds).toHaveLength(2);
    expect(await desk.planMissing()).toEqual([]);
    expect(await desk.plan([desk.find('E-1')])).toEqual([]);
  });

  it('knows a purged request again by its number of ids, not its hashed ids', async () => {
    const ledger = new MemoryLedger();
    const desk = createRequestDesk({ ledger });
    const received = Date.now() - DAY;
    const [recorded] = (await desk.receive([request('P-1', ['a', 'b'], received, { projects: ['default'] })])).recorded;
    // What a purge leaves: the ids as keyed hashes, and the purge recorded.
    recorded!.ids = ['hmac-sha256:1', 'hmac-sha256:2'];
    await ledger.append({
      type: 'ledger.purged',
      at: Date.now(),
      requestIds: [recorded!.requestId],
      jobIds: [],
      replaced: 2,
      keyFingerprint: 'f',
      previousHead: 'h',
    });
    expect((await desk.receive([request('P-1', ['b', 'a'], received, { projects: ['default'] })])).known).toHaveLength(
      1,
    );
    await expect(desk.receive([request('P-1', ['a'], received, { projects: ['default'] })])).rejects.toThrow(
      /number of distinct ids \(2\)/,
    );
  });
});
