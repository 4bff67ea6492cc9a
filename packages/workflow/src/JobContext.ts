import type { Sleep } from '@mixpanel-gdpr/client';
import type { Ledger } from './ledger/Ledger.js';
import type { ProgressListener } from './progress.js';
import type { RateLimiter } from './RateLimiter.js';
import type { ResolvedWorkflowOptions } from './resolveWorkflowOptions.js';
import type { WorkflowClient } from './WorkflowClient.js';

/** What every stage of a job works with; built once by `createWorkflow`. */
export interface JobContext {
  client: WorkflowClient;
  ledger: Ledger;
  limiter: RateLimiter;
  options: ResolvedWorkflowOptions;
  emit: ProgressListener;
  now: () => number;
  sleep: Sleep;
  random: () => number;
  fetch: typeof fetch;
}
