/**
 * Type test, as a consumer with `exactOptionalPropertyTypes: true` sees the
 * packages: through their built declarations (linked like installed
 * packages), not their sources. Optional options must accept `undefined`,
 * so `process.env.X` can be passed as it is (TS2379 otherwise).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { createMixpanelGdprClient, REGION_BASE_URLS } from '@mixpanel-gdpr/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveWorkflowOptions, WORKFLOW_DEFAULTS } from '../src/index.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const TSC = require.resolve('typescript/bin/tsc');
const WORKFLOW_DIR = new URL('..', import.meta.url).pathname;
const CLIENT_DIR = dirname(require.resolve('@mixpanel-gdpr/client/package.json'));
const NODE_TYPES_DIR = dirname(require.resolve('@types/node/package.json'));

const CONSUMER = `import { createMixpanelGdprClient, type ClientOptions } from '@mixpanel-gdpr/client';
import { createWorkflow, createWorkflowClient, MemoryLedger, type NewJob, type WorkflowOptions, type WorkflowTunables } from '@mixpanel-gdpr/workflow';

const env = process.env;
const number = (name: string) => (env[name] === undefined ? undefined : Number(env[name]));
const clientOptions: ClientOptions = { oauthToken: 'o', projectToken: 'p', baseUrl: env.MIXPANEL_GDPR_BASE_URL, userAgent: env.USER_AGENT, timeoutMs: number('TIMEOUT_MS'), fetch: undefined };
createMixpanelGdprClient(clientOptions);
const client = createWorkflowClient({ oauthToken: 'o', projectToken: 'p', baseUrl: env.MIXPANEL_GDPR_BASE_URL, maxResponseBytes: undefined });
const tunables: WorkflowTunables = { ratePerSecond: number('RATE'), pollMinDelayMs: undefined };
const options: WorkflowOptions = { client, ledger: new MemoryLedger(), exportDir: env.EXPORT_DIR, lastRequestAt: number('LAST_MS'), onProgress: undefined, ...tunables };
const workflow = createWorkflow(options);
const job: NewJob = { kind: 'retrieval', complianceType: 'GDPR', ids: ['a'], source: env.SOURCE, exportDir: env.EXPORT_DIR, disclosureType: undefined };
export const done = workflow.createJob(job, { signal: undefined }).then((id) => workflow.run(id, { wait: undefined }));

// Control: the flag is really on, so a plain optional field still refuses undefined.
const control: { field?: string } = { field: env.CONTROL };
export { control };
`;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-exact-'));
  await mkdir(join(dir, 'node_modules', '@mixpanel-gdpr'), { recursive: true });
  await mkdir(join(dir, 'node_modules', '@types'), { recursive: true });
  await symlink(CLIENT_DIR, join(dir, 'node_modules', '@mixpanel-gdpr', 'client'));
  await symlink(WORKFLOW_DIR, join(dir, 'node_modules', '@mixpanel-gdpr', 'workflow'));
  await symlink(NODE_TYPES_DIR, join(dir, 'node_modules', '@types', 'node'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await writeFile(join(dir, 'consumer.ts'), CONSUMER);
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: true,
        noEmit: true,
        lib: ['ES2023', 'DOM'],
        types: ['node'],
      },
      files: ['consumer.ts'],
    }),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('with exactOptionalPropertyTypes', () => {
  it('ClientOptions, WorkflowOptions, WorkflowTunables and NewJob take process.env values and undefined', async () => {
    const output = await run(process.execPath, [TSC, '-p', '.'], { cwd: dir }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    // Only the control line fails: every option above type-checks.
    const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(errors, output).toHaveLength(1);
    expect(errors[0]).toMatch(/^consumer\.ts\(\d+,\d+\): error TS2375: .*'\{ field: string \| undefined; \}'/);
  });
});

describe('an option set to undefined', () => {
  const allUndefined = (keys: string[]) => Object.fromEntries(keys.map((key) => [key, undefined]));

  it('takes the client default', () => {
    const keys = [
      'region',
      'baseUrl',
      'fetch',
      'timeoutMs',
      'maxResponseBytes',
      'maxRetries',
      'minRetryDelayMs',
      'maxRetryDelayMs',
      'maxDeletionIds',
      'maxRetrievalIds',
      'userAgent',
      'beforeAttempt',
      'sleep',
      'random',
      'now',
    ];
    const client = createMixpanelGdprClient({ oauthToken: 'o', projectToken: 'p', ...allUndefined(keys) });
    expect({ region: client.region, baseUrl: client.baseUrl }).toEqual({ region: 'us', baseUrl: REGION_BASE_URLS.us });
  });

  it('takes the workflow default', () => {
    expect(resolveWorkflowOptions({ ...allUndefined(Object.keys(WORKFLOW_DEFAULTS)), exportDir: undefined })).toEqual(
      resolveWorkflowOptions({}),
    );
  });
});
