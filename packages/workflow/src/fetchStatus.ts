import type { DeletionStatus, RetrievalStatus } from '@mixpanel-gdpr/client';
import { callApi } from './callApi.js';
import type { JobContext } from './JobContext.js';
import type { JobState } from './ledger/LedgerState.js';

/**
 * One status call through the limiter. A 404 is thrown as is (a
 * `NotFoundError`): what it means is decided by `notFoundRule`, not here.
 */
export async function fetchStatus(
  ctx: JobContext,
  job: JobState,
  taskId: string,
  signal?: AbortSignal,
): Promise<RetrievalStatus | DeletionStatus> {
  const status = await callApi(ctx, { kind: 'status', signal }, (s) =>
    job.kind === 'deletion'
      ? ctx.client.getDeletionStatus(taskId, { signal: s })
      : ctx.client.getRetrievalStatus(taskId, { signal: s }),
  );
  ctx.answers.answered(taskId, ctx.now());
  return status;
}
