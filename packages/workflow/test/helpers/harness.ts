import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeMixpanel, type FakeMixpanelOptions, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import {
  createWorkflow,
  createWorkflowClient,
  type Ledger,
  MemoryLedger,
  type ProgressEvent,
  type Workflow,
  type WorkflowOptions,
} from '../../src/index.js';

export interface Harness {
  fake: FakeMixpanel;
  workflow: Workflow;
  ledger: Ledger;
  events: ProgressEvent[];
  dir: string;
  close(): Promise<void>;
}

/** A workflow against a fresh fake Mixpanel, fast enough for tests: short task times, 50 req/s. */
export async function harness(
  fakeOptions: FakeMixpanelOptions = {},
  workflowOptions: Partial<WorkflowOptions> = {},
): Promise<Harness> {
  const fake = await startFakeMixpanel({ timings: { pendingMs: 100, stagingMs: 100, startedMs: 100 }, ...fakeOptions });
  const dir = await mkdtemp(join(tmpdir(), 'mpgdpr-wf-'));
  const ledger = workflowOptions.ledger ?? new MemoryLedger();
  const events: ProgressEvent[] = [];
  const client = createWorkflowClient({
    oauthToken: 'fake-oauth-token',
    projectToken: 'fake-project-token',
    baseUrl: fake.url,
    timeoutMs: 5_000,
  });
  const workflow = createWorkflow({
    client,
    ledger,
    exportDir: join(dir, 'exports'),
    ratePerSecond: 50,
    pollMinDelayMs: 50,
    pollMaxDelayMs: 500,
    errorBackoffMs: 10,
    errorMaxBackoffMs: 100,
    rateLimitBackoffMs: 20,
    onProgress: (e) => events.push(e),
    ...workflowOptions,
  });
  return {
    fake,
    workflow,
    ledger,
    events,
    dir,
    async close() {
      await ledger.close();
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const ids = (n: number, prefix = 'user') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** A clock that only moves when slept on: unit tests never wait in real time. */
export function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    advance: (ms: number) => void (now += ms),
    sleeps,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      // Let everything already scheduled run at the current time first.
      await new Promise((resolve) => setImmediate(resolve));
      now += ms;
    },
  };
}
