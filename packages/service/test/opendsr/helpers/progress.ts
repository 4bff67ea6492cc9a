import type { Ledger, RequestState } from '@mixpanel-gdpr/workflow';

/**
 * Moves a request along at Mixpanel by appending what the work loop would
 * (one job per project, one batch with the request's ids, one task), so a
 * test needs no fake Mixpanel: `submitted` puts every id in a task, `done`
 * has every task succeed (and, for an access request, its export fetched).
 */
export async function progress(ledger: Ledger, request: RequestState, to: 'submitted' | 'done', at: number) {
  for (const project of request.projects) {
    const jobId = `job-${project}-${request.requestId}`;
    const taskId = `task-${project}-${request.requestId}`;
    if (to === 'submitted')
      await ledger.append(
        {
          type: 'job.created',
          jobId,
          at,
          kind: request.kind === 'erasure' ? 'deletion' : 'retrieval',
          complianceType: request.regulation,
          batchSize: 1000,
          projectName: project,
          requestIds: [request.requestId],
        },
        { type: 'batch.planned', jobId, at, batchId: 'b1', ids: request.ids ?? [], requestId: request.requestId },
        { type: 'batch.submitted', jobId, at, batchId: 'b1', taskId },
      );
    else
      await ledger.append(
        { type: 'task.status', jobId, at, taskId, status: 'SUCCESS', rawStatus: 'SUCCESS' },
        ...(request.kind === 'access'
          ? [{ type: 'export.downloaded' as const, jobId, at, taskId, file: `${taskId}.zip`, bytes: 10, sha256: 'ab' }]
          : []),
      );
  }
}
