import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApiKey, createService, type ServiceOptions } from '@mixpanel-gdpr/service';
import { createServiceClient, type ServiceClient } from '@mixpanel-gdpr/service-client';
import {
  createRequestDesk,
  createWorkflow,
  FileLedger,
  type KeyScope,
  type WorkflowClient,
} from '@mixpanel-gdpr/workflow';

export interface DashboardService {
  /** The service's origin, e.g. `http://127.0.0.1:41234`: the dashboard is at `/`. */
  baseUrl: string;
  ledger: FileLedger;
  /** A new raw key of these scopes. */
  key(...scopes: KeyScope[]): Promise<string>;
  /** A key client (no session) of these scopes, to seed and to check what the pages did. */
  client(...scopes: KeyScope[]): Promise<ServiceClient>;
  /** The service's clock, fixed for the run (the browser's runs on; tests stay within a minute of it). */
  nowMs: number;
  /** Every line the service logged. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * The real service serving the built dashboard, on loopback and a free port,
 * over a file ledger in a temporary folder: projects `web` and `mobile`
 * whose workflows plan but never send (these tests drive a browser, not
 * Mixpanel), on an injected clock.
 */
export async function startDashboardService(): Promise<DashboardService> {
  const dashboardRoot = await builtDashboardRoot();
  const dir = await mkdtemp(join(tmpdir(), 'mpgdpr-dashboard-'));
  const ledger = await FileLedger.open(join(dir, 'ledger.jsonl'));
  const nowMs = Date.now();
  const now = () => nowMs;
  const offline = {} as WorkflowClient;
  const projects = new Map(['web', 'mobile'].map((p) => [p, createWorkflow({ ledger, client: offline, now })]));
  const desk = createRequestDesk({ ledger, projects, now });
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const options: ServiceOptions & { dashboardRoot: string } = {
    ledger,
    desk,
    projects: [...projects.keys()],
    secret: new Uint8Array(32).fill(7),
    version: '0.0.0-test',
    now,
    logger: { level: 'info', stream },
    dashboardRoot,
  };
  const service = await createService(options);
  const baseUrl = await service.app.listen({ host: '127.0.0.1', port: 0 });
  const key = async (...scopes: KeyScope[]) =>
    (await createApiKey(ledger, { name: `${scopes.join('+')} key`, scopes, now: now() })).key;
  return {
    baseUrl,
    ledger,
    key,
    client: async (...scopes) => createServiceClient({ baseUrl, apiKey: await key(...scopes) }),
    nowMs,
    logs,
    async close() {
      await service.app.close();
      await ledger.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The package's own export, as built (`dist/`): the tests drive the files the service will serve. */
async function builtDashboardRoot(): Promise<string> {
  const built = new URL('../../dist/index.js', import.meta.url).href;
  const { dashboardRoot } = (await import(built)) as { dashboardRoot: string };
  await access(join(dashboardRoot, 'assets', 'app.js')).catch(() => {
    throw new Error(
      `${dashboardRoot}assets/app.js is missing: build the dashboard first (pnpm --filter @mixpanel-gdpr/dashboard build)`,
    );
  });
  return dashboardRoot;
}
