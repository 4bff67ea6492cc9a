// The dashboard's demo: `mixpanel-gdpr serve` (the real CLI, a file store) in front of two fake Mixpanel
// projects, with requests filed through the service's API so that every state shows: done, failed,
// submitted, not submitted, cancelled; at risk, overdue and extended; an access request with its export.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServiceClient } from '../../packages/service-client/dist/index.js';
import { startFakeMixpanel } from '../../packages/testing/dist/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = `${root}apps/cli/dist/bin.js`;
const DAY_MS = 86_400_000;
/** Ids whose deletion the fake fails: one request shows `failed`. */
const FAILING_ID = 'demo-user-fails';

/** Starts the demo and resolves once every request is filed (`port` 0: a free one). */
export async function startDashboardDemo({
  out: folder = `${root}demo-output/dashboard`,
  port = 8080,
  log = console.error,
} = {}) {
  // The config names its files by absolute path: relative ones would be read from the config's folder.
  const out = resolve(folder);
  await rm(out, { recursive: true, force: true });
  // Private: the store and the keys are secrets, the exports personal data.
  await mkdir(out, { recursive: true, mode: 0o700 });
  // web answers in seconds; mobile takes a day per task (its requests stay submitted).
  const web = await startFakeMixpanel({
    ratePerSecond: 1,
    timings: { pendingMs: 1_000, stagingMs: 1_000, startedMs: 2_000 },
    failIds: [FAILING_ID],
  });
  const mobile = await startFakeMixpanel({
    ratePerSecond: 1,
    timings: { pendingMs: 60_000, stagingMs: 60_000, startedMs: DAY_MS },
  });
  await writeFile(`${out}/service.secret`, `${crypto.randomUUID()}${crypto.randomUUID()}`, { mode: 0o600 });
  await writeFile(
    `${out}/config.yaml`,
    [
      'timeZone: Europe/Berlin',
      `ledger: ${out}/ledger.jsonl`,
      'service:',
      `  secret: { file: ${out}/service.secret }`,
      `  exports: ${out}/exports`,
      'projects:',
      ...Object.entries({ web, mobile }).flatMap(([name, fake]) => [
        `  - name: ${name}`,
        '    region: eu',
        `    baseUrl: ${fake.url}`,
        '    ratePerSecond: 1',
        '    oauthToken: { env: DEMO_OAUTH }',
        '    projectToken: { env: DEMO_PROJECT }',
      ]),
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const env = { ...process.env, DEMO_OAUTH: 'fake-oauth-token', DEMO_PROJECT: 'fake-project-token' };
  const run = (args) => spawn(process.execPath, [cli, '--config', `${out}/config.yaml`, ...args], { env });

  const keys = {};
  for (const [name, scope] of [
    ['read', 'read'],
    ['submit', 'read,submit'],
    ['admin', 'read,submit,admin'],
  ]) {
    keys[name] = await keyOf(run(['--json', 'keys', 'create', '--name', `demo ${name}`, '--scope', scope]));
    await writeFile(`${out}/${name}.key`, `${keys[name]}\n`, { mode: 0o600 });
  }
  // Requests received now wait up to 10 minutes to fill a batch: they show as not submitted meanwhile.
  const serve = run(['--poll-min-ms', '1000', 'serve', '--port', String(port), '--batch-window-ms', '600000']);
  // Its log (one JSON line per answer) goes to a file: the terminal keeps the demo's own lines.
  const serveLog = createWriteStream(`${out}/serve.log`, { mode: 0o600 });
  serve.stdout.pipe(serveLog);
  serve.stderr.pipe(serveLog);
  const url = await listening(serve);
  const admin = createServiceClient({ baseUrl: url, apiKey: keys.admin });
  const now = Date.now();
  const strip = ({ daysAgo, ...rest }) => rest;
  const filed = [];
  const request = async (ticket, fields) => {
    const { value } = await admin.createRequest(
      strip({
        ticket,
        kind: 'erasure',
        regulation: 'GDPR',
        distinctIds: [`${ticket.toLowerCase()}-user`],
        projects: ['web'],
        ...fields,
        receivedAt: new Date(now - fields.daysAgo * DAY_MS).toISOString(),
      }),
    );
    filed.push(value);
    return value;
  };
  // Done within seconds (web), one failed, one access request with its export.
  await request('DSR-2101', { daysAgo: 3 });
  // An access request has batches of its own: its failure is its own, not its batch neighbours'.
  await request('DSAR-2102', { daysAgo: 2, kind: 'access', distinctIds: [FAILING_ID] });
  await request('DSAR-2103', { daysAgo: 4, kind: 'access', distinctIds: ['dsar-2103-user'] });
  await request('CCPA-2104', { daysAgo: 5, regulation: 'CCPA', projects: ['web', 'mobile'] });
  // Submitted and waiting on mobile: at risk (4 days left), overdue, extended, and a spread of due dates.
  await request('DSR-2105', { daysAgo: 27, projects: ['mobile'] });
  await request('DSR-2106', { daysAgo: 40, projects: ['mobile'] });
  const extended = await request('DSR-2107', { daysAgo: 20, projects: ['mobile'] });
  await admin.extendRequest(extended.requestId, 'complex: the subject holds accounts in several products');
  for (let i = 0; i < 36; i += 1)
    await request(`DSR-${2200 + i}`, {
      daysAgo: 1 + ((i * 7) % 26),
      projects: i % 3 === 0 ? ['web', 'mobile'] : ['mobile'],
      distinctIds: Array.from({ length: 1 + (i % 3) }, (_, j) => `subject-${2200 + i}-${j}`),
      ...(i % 5 === 0 && { regulation: 'CCPA' }),
      ...(i % 4 === 1 && { kind: 'access' }),
    });
  const demo = {
    url,
    keys,
    out,
    /** Resolves once the API shows a request in each of `states` (or rejects after `timeoutMs`). */
    async waitForStates(states = ['done', 'failed', 'submitted', 'not_submitted', 'cancelled'], timeoutMs = 180_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const seen = new Set();
        for await (const r of admin.requests({ limit: 500 })) seen.add(r.state);
        const missing = states.filter((s) => !seen.has(s));
        if (missing.length === 0) return;
        if (Date.now() > until) throw new Error(`after ${timeoutMs} ms no request is ${missing.join(', ')}`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    },
    /** Every request filed, as the API answered. */
    filed,
    async stop() {
      await new Promise((resolve) => {
        serve.once('close', resolve);
        serve.kill('SIGTERM');
      });
      await Promise.all([web.close(), mobile.close()]);
    },
  };
  // Requests gathered for a batch are planned together once one of them is at risk (the old ones above are).
  // Filed after that, these two wait for the batch window: not submitted yet, and one withdrawn.
  await demo.waitForStates(['submitted'], 60_000);
  await request('DSR-2301', { daysAgo: 0, projects: ['web', 'mobile'] });
  const withdrawn = await request('DSR-2302', { daysAgo: 0 });
  await admin.cancelRequest(withdrawn.requestId, 'withdrawn by the data subject');
  log(`filed ${filed.length} requests`);
  return demo;
}

function keyOf(child) {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('close', (code) => {
      const made = stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .find((e) => e.type === 'key');
      if (code === 0 && made) resolve(made.key);
      else reject(new Error(`keys create exited ${code}: ${stderr}`));
    });
  });
}

function listening(child) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const look = (chunk) => {
      seen += chunk;
      const match = /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.once('close', (code) => reject(new Error(`serve exited (${code}) before listening:\n${seen}`)));
  });
}
