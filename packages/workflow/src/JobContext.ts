import type { Sleep } from '@mixpanel-gdpr/client';
import type { CallLimits } from './callApi.js';
import type { ExportDownloads } from './ExportDownloads.js';
import type { Ledger } from './ledger/Ledger.js';
import type { ProgressListener } from './progress.js';
import type { RateLimiter } from './RateLimiter.js';
import type { ResolvedWorkflowOptions } from './resolveWorkflowOptions.js';
import type { StatusAnswers } from './StatusAnswers.js';
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
  /** Which tasks of this project answered a status poll lately: the witnesses of `notFoundRule`. */
  answers: StatusAnswers;
  /** Bounds on each call's retries and waits, set per command (see `CallLimits`). */
  limits?: CallLimits;
  /** Export downloads running beside the polls of this command, when it has any. */
  downloads?: ExportDownloads;
}
