import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createServiceClient,
  type NewServiceRequest,
  type ServiceClient,
  verifyCallbackSignature,
} from '@mixpanel-gdpr/service-client';
import { PostgresLedger } from '@mixpanel-gdpr/store-postgres';
import { type FakeMixpanel, seededRandom, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import type { LedgerRecord } from '@mixpanel-gdpr/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshDatabase, freshDatabase } from '../../../packages/store-postgres/test/helpers/freshDatabase.js';
import { listeningUrl, ndjson, runCli, startCli } from './helpers.js';

const SEED = Number(process.env.SERVICE_SEED ?? Date.now() % 1_000_000);
console.log(`service end-to-end seed: ${SEED} (rerun with SERVICE_SEED=${SEED})`);

const RATE = 40;
const REQUESTS = 1_000;
const BULK_IDS = 200_000;
const CALLBACK_SECRET = 'callback-secret-for-the-test-0123456789abcdef';

let db: FreshDatabase;
const fakes: Record<string, FakeMixpanel> = {};
let dir: string;

beforeAll(async () => {
  db = await freshDatabase();
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-service-'));
  // Mixpanel's limit, enforced at 1.1 times the configured rate: any 429 is the pace's fault.
  for (const name of ['web', 'mobile'])
    fakes[name] = await startFakeMixpanel({
      ratePerSecond: RATE * 1.1,
      timings: { pendingMs: 100, stagingMs: 100, startedMs: 200 },
    });
  await writeFile(join(dir, 'service.secret'), 'a'.repeat(48), { mode: 0o600 });
  await writeFile(join(dir, 'callback.secret'), CALLBACK_SECRET, { mode: 0o600 });
  await writeFile(
    join(dir, 'config.yaml'),
    [
      'timeZone: UTC',
      'database:',
      '  url: { env: DATABASE_URL }',
      // The service's settings from the file (the flags would win over them).
      'service:',
      `  secret: { file: ${join(dir, 'service.secret')} }`,
      `  callbackSecret: { file: ${join(dir, 'callback.secret')} }`,
      `  exports: ${join(dir, 'exports')}`,
      '  callbacks: { allowPrivate: true }',
      'projects:',
      ...['web', 'mobile'].flatMap((name) => [
        `  - name: ${name}`,
        '    region: us',
        `    baseUrl: ${fakes[name]!.url}`,
        `    ratePerSecond: ${RATE}`,
        '    oauthToken: { env: MIXPANEL_OAUTH }',
        '    projectToken: { env: MIXPANEL_PROJECT }',
      ]),
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await Promise.all(Object.values(fakes).map((f) => f.close()));
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({
  MIXPANEL_OAUTH: 'fake-oauth-token',
  MIXPANEL_PROJECT: 'fake-project-token',
  DATABASE_URL: db.url,
});
const cli = (args: string[]) => runCli(['--config', join(dir, 'config.yaml'), ...args], env());

async function keyOf(scope: string): Promise<string> {
  const made = await cli(['--json', 'keys', 'create', '--name', scope, '--scope', scope]);
  expect(made.code, made.stderr).toBe(0);
  return ndjson(made.stdout).find((e) => e.type === 'key')!.key as string;
}

/** A callback receiver on loopback that can be down (connections refused) for a while. */
async function startReceiver() {
  const received: Array<{ body: string; signature: string }> = [];
  const onRequest = async (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push({ body, signature: String(req.headers['mixpanel-gdpr-signature'] ?? '') });
    res.writeHead(204).end();
  };
  let server: Server = createServer(onRequest);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/dsr?token=receiver-secret`,
    received,
    async down() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
    async up() {
      server = createServer(onRequest);
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    },
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))),
  };
}

describe('the service end to end: two processes on PostgreSQL, two projects, the fake Mixpanel', () => {
  it('takes 1,000 requests at random times and a 200,000-id upload to the end, with signed callbacks delivered once', async () => {
    const random = seededRandom(SEED);
    const [submitKey, readKey, adminKey] = [await keyOf('submit'), await keyOf('read'), await keyOf('admin')];
    const receiver = await startReceiver();
    await receiver.down();
    const serve = () =>
      startCli(
        [
          '--config',
          join(dir, 'config.yaml'),
          '--poll-min-ms',
          '200',
          '--poll-max-ms',
          '1000',
          'serve',
          '--port',
          '0',
          '--batch-window-ms',
          '1000',
          '--idle-ms',
          '300',
          '--lease-ms',
          '3000',
        ],
        env(),
      );
    const services = [serve(), serve()];
    const urls = await Promise.all(services.map((s) => listeningUrl(s.child)));
    const clients = (key: string) => urls.map((baseUrl) => createServiceClient({ baseUrl, apiKey: key }));
    const submit = clients(submitKey);
    const read = clients(readKey);
    for (const client of read)
      expect((await client.readiness()).checks.map((c) => [c.name, c.ok])).toEqual([
        ['store', true],
        ['migrations', true],
      ]);
    const any = (list: ServiceClient[]) => list[Math.floor(random() * list.length)]!;

    const receivedAt = new Date(Date.now() - 3_600_000).toISOString();
    const requests: NewServiceRequest[] = Array.from({ length: REQUESTS }, (_, i) => {
      const access = i % 10 === 9;
      return {
        ticket: `DSR-${i}`,
        kind: access ? 'access' : 'erasure',
        regulation: i % 3 === 0 ? 'CCPA' : 'GDPR',
        receivedAt,
        distinctIds: Array.from({ length: access ? 1 : 1 + Math.floor(random() * 3) }, (_, k) => `u${i}-${k}`),
        projects: i % 4 === 0 ? ['web'] : ['web', 'mobile'],
        callbackUrl: receiver.url,
      };
    });
    const ids = new Map<string, string>();
    let retried = 0;
    await Promise.all(
      requests.map(async (request, i) => {
        await new Promise((r) => setTimeout(r, random() * 5_000));
        const key = `idem-${i}`;
        const first = await any(submit).createRequest(request, { idempotencyKey: key });
        ids.set(request.ticket, first.value.requestId);
        if (random() < 0.1) {
          // A retried POST, to either process: the same request, never a second.
          const again = await any(submit).createRequest(request, { idempotencyKey: key });
          expect(again.value.requestId).toBe(first.value.requestId);
          retried++;
        }
      }),
    );
    const bulkBody = `${Array.from({ length: BULK_IDS }, (_, i) => `bulk-${i}`).join('\n')}\n`;
    const bulk = await submit[0]!.uploadRequest(
      {
        ticket: 'PURGE-1',
        kind: 'erasure',
        regulation: 'GDPR',
        receivedAt,
        project: ['web', 'mobile'],
        callbackUrl: receiver.url,
      },
      bulkBody,
      { format: 'text' },
    );
    expect(bulk.value.intake.valid).toBe(BULK_IDS);
    const posted = Date.now();
    await receiver.up();

    // Until every request is done, within a bound that says something is stuck.
    const deadline = Date.now() + 240_000;
    for (;;) {
      const open = await read[0]!.listRequests({ open: true, limit: 500 });
      if (open.items.length === 0) break;
      expect(Date.now(), `${open.items.length} requests still open`).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const allDoneMs = Date.now() - posted;
    const states = new Map<string, string>();
    for await (const r of read[1]!.requests({ limit: 500 })) states.set(r.ticket, r.state);
    expect(states.size).toBe(REQUESTS + 1);
    expect([...states.values()].every((s) => s === 'done')).toBe(true);

    // Every callback owed was delivered once, signed; one of each request's says done (retries may arrive out of
    // order: a receiver orders them by createdAt).
    const callbacksDeadline = Date.now() + 60_000;
    const lastState = new Map<string, string>();
    for (;;) {
      lastState.clear();
      for (const { body } of receiver.received) {
        const event = JSON.parse(body) as { type: string; request: { requestId: string; state: string } };
        if (event.type === 'request.state_changed' && lastState.get(event.request.requestId) !== 'done')
          lastState.set(event.request.requestId, event.request.state);
      }
      const done = [...lastState.values()].filter((s) => s === 'done').length;
      if (done === REQUESTS + 1) break;
      if (Date.now() > callbacksDeadline) {
        const missing = [...ids.values(), bulk.value.request.requestId].filter((id) => lastState.get(id) !== 'done');
        for (const id of missing.slice(0, 3))
          console.log(id, JSON.stringify((await read[0]!.getRequest(id)).callbacks));
      }
      expect(
        Date.now(),
        `${done} requests called back as done, ${lastState.size} called back at all, ${receiver.received.length} callbacks`,
      ).toBeLessThan(callbacksDeadline);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const byId = new Map<string, number>();
    for (const { body, signature } of receiver.received) {
      const event = await verifyCallbackSignature({ body, signature, secret: CALLBACK_SECRET });
      byId.set(event.id, (byId.get(event.id) ?? 0) + 1);
    }
    expect([...byId.values()].every((n) => n === 1)).toBe(true);

    // Each erasure id in a SUCCESS deletion task in each project it was sent to; no 429 from the pace.
    let resentIds = 0;
    for (const [name, fake] of Object.entries(fakes)) {
      const seen = new Map<string, number>();
      for (const task of fake.tasks.values())
        if (task.kind === 'deletion') for (const id of task.ids) seen.set(id, (seen.get(id) ?? 0) + 1);
      const expected =
        requests
          .filter((r) => r.kind === 'erasure' && r.projects.includes(name))
          .reduce((n, r) => n + r.distinctIds.length, 0) + BULK_IDS;
      expect(seen.size, name).toBe(expected);
      // An id in two tasks is only allowed where the store recorded its batch's outcome as unknown (a lease lost
      // mid-request, resent by the next holder): nothing is sent twice unrecorded.
      const twice = new Set([...seen].filter(([, n]) => n > 1).map(([id]) => id));
      if (twice.size) {
        const unknownBatches = new Set<string>();
        const batchesOf = new Map<string, string[]>();
        const ledger = await PostgresLedger.open(db.url);
        try {
          for await (const r of ledger.history() as AsyncIterable<LedgerRecord>) {
            if (r.type === 'batch.unknown') unknownBatches.add(`${r.jobId}/${r.batchId}`);
            if (r.type === 'batch.planned')
              for (const id of r.ids)
                if (twice.has(id)) batchesOf.set(id, [...(batchesOf.get(id) ?? []), `${r.jobId}/${r.batchId}`]);
          }
        } finally {
          await ledger.close();
        }
        const unrecorded = [...twice].filter((id) => !(batchesOf.get(id) ?? []).some((b) => unknownBatches.has(b)));
        expect(unrecorded, `${name}: ids in two tasks without a recorded unknown outcome`).toEqual([]);
        resentIds += twice.size;
      }
      // On a 429, the requests around it (ms apart at the fake) say which rule of the pace let it through.
      const limited = fake.requests.findIndex((r) => r.status === 429 || r.fault === 'rate-limit');
      if (limited !== -1)
        console.log(
          `${name}: around the first 429`,
          fake.requests
            .slice(Math.max(0, limited - 8), limited + 3)
            .map((r, i, all) => `${(r.at - (all[i - 1]?.at ?? r.at)).toFixed(2)} ms ${r.operation} ${r.status}`),
        );
      expect(
        fake.requests.filter((r) => r.status === 429 || r.fault === 'rate-limit'),
        name,
      ).toEqual([]);
    }

    // Evidence with the read scope; exports (personal data) only with submit.
    const access = ids.get('DSR-9')!;
    expect((await read[0]!.getEvidence(access)).request.ticket).toBe('DSR-9');
    const [exported] = (await submit[1]!.listExports(access)).exports;
    expect(exported).toMatchObject({ state: 'ready' });
    const download = await submit[1]!.downloadExport(access, exported!.project);
    expect(download.sha256).toBe(exported!.sha256);
    await new Response(download.body).arrayBuffer();
    await expect(read[1]!.downloadExport(access, exported!.project)).rejects.toMatchObject({ status: 403 });
    await expect(
      createServiceClient({ baseUrl: urls[0]!, apiKey: adminKey }).getEvidence(access),
    ).rejects.toMatchObject({
      status: 403,
    });
    console.log(
      `service: ${REQUESTS} requests (+${retried} retried POSTs, +1 upload of ${BULK_IDS} ids) done ${Math.round(allDoneMs / 1000)} s after the last POST, ${receiver.received.length} callbacks, ${Object.values(fakes).reduce((n, f) => n + f.requests.length, 0)} requests at Mixpanel, ${resentIds} ids resent after an unknown outcome, 0 × 429`,
    );

    for (const s of services) s.child.kill('SIGTERM');
    for (const run of await Promise.all(services.map((s) => s.done))) expect(run.code, run.stderr).toBe(130);
    await receiver.close();
    // No key, token or export link was printed.
    const printed = (await Promise.all(services.map((s) => s.done))).map((r) => r.stdout + r.stderr).join('');
    for (const secret of [submitKey, readKey, 'receiver-secret', 'fake-oauth-token', CALLBACK_SECRET]) {
      const at = printed.indexOf(secret);
      expect(at, printed.slice(Math.max(0, at - 300), at + 100)).toBe(-1);
    }
  });
});
