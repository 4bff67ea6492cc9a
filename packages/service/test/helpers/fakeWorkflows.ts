import { join } from 'node:path';
import { type FakeMixpanel, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import { createWorkflow, createWorkflowClient, type Workflow } from '@mixpanel-gdpr/workflow';
import type { TestServiceOptions } from './startTestService.js';

/**
 * Workflows of two projects (web, mobile), each on a fake Mixpanel of its
 * own with quick tasks, for `startTestService({ workflows })`. The fakes are
 * pushed to `fakes` for the caller to close.
 */
export function fakeWorkflows(fakes: FakeMixpanel[]): NonNullable<TestServiceOptions['workflows']> {
  return async (ledger, _now, observe, dir) => {
    const map = new Map<string, Workflow>();
    for (const project of ['web', 'mobile']) {
      const fake = await startFakeMixpanel({ timings: { pendingMs: 20, stagingMs: 20, startedMs: 40 } });
      fakes.push(fake);
      map.set(
        project,
        createWorkflow({
          ledger,
          client: createWorkflowClient({
            oauthToken: 'fake-oauth-token',
            projectToken: 'fake-project-token',
            baseUrl: fake.url,
          }),
          ratePerSecond: 50,
          pollMinDelayMs: 20,
          pollMaxDelayMs: 100,
          exportDir: join(dir, 'exports'),
          onProgress: (event) => observe(project, event),
        }),
      );
    }
    return map;
  };
}
