import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createServiceClient, type ServiceClient } from '@mixpanel-gdpr/service-client';
import {
  createRequestDesk,
  createWorkflow,
  FileLedger,
  type KeyScope,
  type ProgressEvent,
  type RequestDesk,
  type Workflow,
  type WorkflowClient,
} from '@mixpanel-gdpr/workflow';
import { createApiKey } from '../../src/apiKeys.js';
import type { CallbackUrlPolicy } from '../../src/callbacks/CallbackUrlPolicy.js';
import { createService, type Service } from '../../src/createService.js';
import type { OpendsrOptions } from '../../src/opendsr/opendsrHandlers.js';

export interface TestService {
  service: Service;
  desk: RequestDesk;
  dir: string;
  ledger: FileLedger;
  baseUrl: string;
  /** A client with a key of these scopes. */
  client(...scopes: KeyScope[]): Promise<ServiceClient>;
  /** The raw key of these scopes (one per call). */
  key(...scopes: KeyScope[]): Promise<string>;
  /** Every line the service logged. */
  logs: string[];
  /** The injected clock: move it with `clock.ms += …`. */
  clock: { ms: number };
  close(): Promise<void>;
}

export const NOW = Date.parse('2026-11-30T10:00:00Z');

/** The service on real HTTP (loopback, a free port) over a file ledger in a temporary folder, on an injected clock. */
export interface TestServiceOptions {
  intakePerMinute?: number;
  opendsr?: OpendsrOptions;
  callbackPolicy?: CallbackUrlPolicy;
  /** A built dashboard's folder, served at `/`. */
  dashboardRoot?: string;
  /** The projects' workflows (default: web and mobile, planning only); `observe` feeds the service's metrics. */
  workflows?: (
    ledger: FileLedger,
    now: () => number,
    observe: (project: string, event: ProgressEvent) => void,
    dir: string,
  ) => Promise<Map<string, Workflow>> | Map<string, Workflow>;
}

export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const dir = await mkdtemp(join(tmpdir(), 'mpgdpr-service-'));
  const ledger = await FileLedger.open(join(dir, 'ledger.jsonl'));
  const clock = { ms: NOW };
  const now = () => clock.ms;
  // Workflows that plan but never send (these tests drive HTTP, not Mixpanel): bulk uploads plan their jobs.
  const offline = {} as WorkflowClient;
  let observe: (project: string, event: ProgressEvent) => void = () => {};
  const projects = options.workflows
    ? await options.workflows(ledger, now, (project, event) => observe(project, event), dir)
    : new Map(['web', 'mobile'].map((p) => [p, createWorkflow({ ledger, client: offline, now })]));
  const desk = createRequestDesk({ ledger, projects, now });
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const service = await createService({
    ledger,
    desk,
    projects: [...projects.keys()],
    secret: new Uint8Array(32).fill(7),
    version: '0.0.0-test',
    now,
    logger: { level: 'info', stream },
    ...(options.intakePerMinute !== undefined && { intakePerMinute: options.intakePerMinute }),
    ...(options.opendsr && { opendsr: options.opendsr }),
    ...(options.callbackPolicy && { callbackPolicy: options.callbackPolicy }),
    ...(options.dashboardRoot !== undefined && { dashboardRoot: options.dashboardRoot }),
  });
  observe = (project, event) => service.metrics.observe(project, event);
  const baseUrl = await service.app.listen({ host: '127.0.0.1', port: 0 });
  const key = async (...scopes: KeyScope[]) =>
    (await createApiKey(ledger, { name: `test ${scopes.join('+')}`, scopes, now: now() })).key;
  return {
    service,
    desk,
    dir,
    ledger,
    baseUrl,
    key,
    client: async (...scopes) => createServiceClient({ baseUrl, apiKey: await key(...scopes) }),
    logs,
    clock,
    async close() {
      await service.app.close();
      await ledger.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
