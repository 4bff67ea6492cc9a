/**
 * Installs the packed tarball into a fresh project outside the workspace, as
 * another repository would, then type-checks and runs a file that imports the
 * schema types and calls the client.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPnpm } from '../../../scripts/pnpm.mjs';
import { SPEC_PATH } from '../../../scripts/prism.mjs';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const TSC = require.resolve('typescript/bin/tsc');
const PACKAGE_DIR = new URL('..', import.meta.url).pathname;

let dir: string;
let server: Server;
let baseUrl: string;
const seen: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-consumer-'));
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
    res.setHeader('content-type', 'application/json');
    if (req.method === 'POST') res.writeHead(201).end('{"status":"ok","results":{"task_id":"t-1"}}');
    else res.end('{"status":"ok","results":{"status":"success","result":"https://storage.example/x.zip"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('a consumer project', () => {
  it('installs the tarball, type-checks against the schema types and calls the client', {
    timeout: 180_000,
  }, async () => {
    await runPnpm(['pack', '--pack-destination', dir], { cwd: PACKAGE_DIR });
    const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'))!;
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', `./${tarball}`], {
      cwd: dir,
    });
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          lib: ['ES2022', 'DOM'],
          types: [],
          outDir: 'out',
        },
        files: ['consumer.ts'],
      }),
    );
    await writeFile(
      join(dir, 'consumer.ts'),
      `import { createMixpanelGdprClient, ConflictError, type TaskCreated } from '@mixpanel-gdpr/client';
import type { components, paths, TaskStatus } from '@mixpanel-gdpr/client/schema';

type Body = components['schemas']['PrivacyRequest'];
const body: Body = { distinct_ids: ['u1'], compliance_type: 'GDPR' };
const done: TaskStatus = 'SUCCESS';
type CancelPath = keyof paths;
const path: CancelPath = '/data-deletions/v3.0/{taskId}';

const client = createMixpanelGdprClient({ oauthToken: 'consumer-oauth', projectToken: 'consumer-project', baseUrl: ${JSON.stringify(baseUrl)} });
const created: TaskCreated = await client.createDeletion({ distinctIds: body.distinct_ids, complianceType: body.compliance_type });
const status = await client.getRetrievalStatus(created.taskId);
console.log(JSON.stringify({ created, status: status.status, link: status.downloadUrl, done: status.status === done, path, conflict: typeof ConflictError }));
`,
    );
    await run(process.execPath, [TSC, '-p', '.'], { cwd: dir });
    const { stdout } = await run(process.execPath, ['out/consumer.js'], { cwd: dir });
    expect(JSON.parse(stdout)).toEqual({
      created: { taskId: 't-1' },
      status: 'SUCCESS',
      link: 'https://storage.example/x.zip',
      done: true,
      path: '/data-deletions/v3.0/{taskId}',
      conflict: 'function',
    });
    expect(seen).toEqual([
      'POST /data-deletions/v3.0?token=consumer-project Bearer consumer-oauth',
      'GET /data-retrievals/v3.0/t-1?token=consumer-project Bearer consumer-oauth',
    ]);
  });

  it('finds the exact spec its types came from at @mixpanel-gdpr/client/openapi.yml', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', "console.log(import.meta.resolve('@mixpanel-gdpr/client/openapi.yml'))"],
      { cwd: dir },
    );
    const shipped = new URL(stdout.trim());
    expect(shipped.pathname).toMatch(/node_modules\/@mixpanel-gdpr\/client\/dist\/openapi\.yml$/);
    expect(await readFile(shipped, 'utf8')).toBe(await readFile(SPEC_PATH, 'utf8'));
  });

  it('fails to type-check a consumer that misuses the schema types (so the check above is real)', {
    timeout: 60_000,
  }, async () => {
    await writeFile(
      join(dir, 'bad.ts'),
      `import type { TaskStatus } from '@mixpanel-gdpr/client/schema';\nconst s: TaskStatus = 'DONE';\nexport { s };\n`,
    );
    await writeFile(
      join(dir, 'tsconfig.bad.json'),
      JSON.stringify({ extends: './tsconfig.json', files: ['bad.ts'], compilerOptions: { noEmit: true } }),
    );
    const result = await run(process.execPath, [TSC, '-p', 'tsconfig.bad.json'], { cwd: dir }).then(
      () => 'passed',
      (error: { stdout: string }) => error.stdout,
    );
    expect(result).toContain(`Type '"DONE"' is not assignable to type`);
  });
});
