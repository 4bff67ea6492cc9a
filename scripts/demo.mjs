#!/usr/bin/env node
// `pnpm demo`: a full deletion and retrieval against a local fake of Mixpanel
// (stateful, unlike the Prism mock: tasks move PENDING → … → SUCCESS), with
// the real CLI, at Mixpanel's real pace of 1 request/s. No credentials needed.
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startFakeMixpanel } from '../packages/testing/dist/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}demo-output`;
const cli = `${root}apps/cli/dist/bin.js`;

await rm(out, { recursive: true, force: true });
// Private: the ledger refuses a folder others can write to, and the exports are personal data.
await mkdir(out, { recursive: true, mode: 0o700 });
// Mixpanel's own limit, enforced: any 429 in this demo would be the toolkit's fault.
const fake = await startFakeMixpanel({
  timings: { pendingMs: 3_000, stagingMs: 2_000, startedMs: 3_000 },
  ratePerSecond: 1,
});
const env = {
  ...process.env,
  MIXPANEL_GDPR_OAUTH_TOKEN: 'fake-oauth-token',
  MIXPANEL_PROJECT_TOKEN: 'fake-project-token',
  MIXPANEL_GDPR_BASE_URL: fake.url,
  MIXPANEL_GDPR_LEDGER: `${out}/ledger.jsonl`,
};

function run(args, { capture = false, expectCode = 0 } = {}) {
  console.error(`\n$ mixpanel-gdpr ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env,
      stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    });
    let stdout = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === expectCode
        ? resolve(stdout)
        : reject(new Error(`mixpanel-gdpr ${args[0]} exited with ${code}, expected ${expectCode}`)),
    );
  });
}

try {
  console.error(`Fake Mixpanel GDPR API at ${fake.url} (tasks take ~8 s; 1 request/s enforced).`);
  // The sample file holds one id with a control character: it is reported, not sent, so the job exits 1 (see --help).
  // One run, one request: a purge ticket received yesterday, under GDPR.
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  // The fake ends tasks in ~8 s: poll every 3 s. Against Mixpanel the defaults poll every 6 h (2 h for an export).
  const fastPolls = ['--poll-min-ms', '1000', '--poll-max-ms', '3000'];
  await run(
    [
      ...fastPolls,
      'delete',
      '--ids',
      'examples/erasure-requests.txt',
      '--ticket',
      'PURGE-2026-11',
      '--received',
      yesterday,
      '--wait',
    ],
    { expectCode: 1 },
  );
  // A file of access requests: one per ticket (two subjects have a second id), one export per subject.
  await run([
    ...fastPolls,
    'retrieve',
    '--ids',
    'examples/access-requests.csv',
    '--column',
    'distinct_id',
    '--request-column',
    'request_id',
    '--received-column',
    'received',
    '--compliance',
    'CCPA',
    '--disclosure',
    'data',
    '--out',
    'demo-output/exports',
    '--wait',
  ]);
  await run(['requests']);
  await run(['evidence', 'DSAR-1003', '--out', 'demo-output/evidence']);
  await run(['verify']);
  const jobs = (await run(['--json', 'jobs'], { capture: true }))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  for (const job of jobs.reverse()) {
    await run(['report', job.jobId, '--format', 'md']);
    await run(['report', job.jobId, '--format', 'csv', '--output', `demo-output/${job.kind}-report.csv`]);
  }
  const [evidence] = await readdir(`${out}/evidence`).then((files) => files.filter((f) => f.endsWith('.md')));
  console.error(`\n$ cat demo-output/evidence/${evidence}\n`);
  console.error(await readFile(`${out}/evidence/${evidence}`, 'utf8'));
  const rateLimited = fake.requests.filter((r) => r.fault === 'rate-limit').length;
  console.error(
    `\nDone: ${fake.requests.length} API requests, ${rateLimited} rate-limited. Ledger, reports and exports are in demo-output/.`,
  );
  await writeFile(
    `${out}/requests.json`,
    JSON.stringify(
      fake.requests.map(({ ids, ...r }) => ({ ...r, ids: ids?.length })),
      null,
      2,
    ),
  );
} finally {
  await fake.close();
}
