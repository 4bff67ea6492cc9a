import { join } from 'node:path';
import { REQUEST_DEFAULTS } from './defaults.js';
import { downloadExport, ExpiredLinkError } from './downloadExport.js';
import { fetchStatus } from './fetchStatus.js';
import { isSkippable } from './isSkippable.js';
import type { JobContext } from './JobContext.js';
import type { JobState, TaskRecord } from './ledger/LedgerState.js';

/**
 * Downloads a finished retrieval's export as soon as it is seen. An expired
 * link, a missing link or a failed download leads to a fresh status poll for
 * a new link, up to `maxExportLinkRefreshes` times; then the failure is
 * recorded (and retried by the next `status` pass).
 */
export async function downloadTaskExport(
  ctx: JobContext,
  job: JobState,
  task: TaskRecord,
  firstLink: string | undefined,
  signal?: AbortSignal,
): Promise<void> {
  const file = exportPath(ctx, job, task);
  let link = firstLink;
  let lastError = 'Mixpanel reported SUCCESS without an export link';
  for (let refresh = 0; refresh <= ctx.options.maxExportLinkRefreshes; refresh++) {
    if (refresh > 0 || !link) {
      try {
        link = ((await fetchStatus(ctx, job, task.taskId, signal)) as { downloadUrl?: string }).downloadUrl;
      } catch (error) {
        // No fresh link this time (a 404, a pass's limits): record the failure; the next pass tries again.
        if (signal?.aborted || !isSkippable(error)) throw error;
        lastError = `asking Mixpanel for a fresh export link failed: ${(error as Error).message}`;
        break;
      }
    }
    if (!link) continue;
    try {
      const { exportTimeoutMs: timeoutMs, exportIdleTimeoutMs: idleTimeoutMs, maxExportBytes: maxBytes } = ctx.options;
      const { bytes, sha256 } = await downloadExport(link, file, {
        fetch: ctx.fetch,
        maxBytes,
        timeoutMs,
        idleTimeoutMs,
        signal,
      });
      await ctx.ledger.append({
        type: 'export.downloaded',
        jobId: job.jobId,
        at: ctx.now(),
        taskId: task.taskId,
        file,
        bytes,
        sha256,
      });
      ctx.emit({ type: 'export', jobId: job.jobId, taskId: task.taskId, file, bytes });
      return;
    } catch (error) {
      if (signal?.aborted) throw error;
      lastError = (error as Error).message;
      if (!(error instanceof ExpiredLinkError)) await ctx.sleep(ctx.options.errorBackoffMs, signal);
    }
  }
  await ctx.ledger.append({
    type: 'export.failed',
    jobId: job.jobId,
    at: ctx.now(),
    taskId: task.taskId,
    error: lastError,
  });
  ctx.emit({ type: 'export', jobId: job.jobId, taskId: task.taskId, error: lastError });
}

/**
 * Where a task's export goes: under its request when the task holds one
 * request's ids (`<dir>/<request id>/<project>/<task>.zip`: the request id,
 * not the caller's ticket, which could hold a `/`), else under the job.
 */
function exportPath(ctx: JobContext, job: JobState, task: TaskRecord): string {
  const dir = job.exportDir ?? ctx.options.exportDir;
  const requestId = [...job.batches.values()].find((b) => b.taskId === task.taskId)?.requestId;
  if (requestId) return join(dir, requestId, job.projectName ?? REQUEST_DEFAULTS.defaultProject, `${task.taskId}.zip`);
  return join(dir, job.jobId, `${task.taskId}.zip`);
}
