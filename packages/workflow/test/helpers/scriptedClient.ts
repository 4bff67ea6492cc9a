import type { DeletionStatus, RetrievalStatus } from '@mixpanel-gdpr/client';
import type { ProjectIdentity, WorkflowClient } from '../../src/index.js';

export type StatusAnswer = DeletionStatus | RetrievalStatus | Error;

/**
 * A client whose answers come from the test: creates hand out t1, t2, …
 * (or what `create` decides), status polls ask `status`. Every call is
 * logged in `calls`.
 */
export function scriptedClient(script: {
  status?: (taskId: string, n: number) => StatusAnswer;
  create?: (ids: readonly string[], n: number) => string | Error;
  project?: ProjectIdentity;
}) {
  const calls: Array<{ op: string; taskId?: string; ids?: number }> = [];
  const polls = new Map<string, number>();
  let created = 0;
  const create = async ({ distinctIds }: { distinctIds: readonly string[] }) => {
    calls.push({ op: 'create', ids: distinctIds.length });
    const n = ++created;
    const outcome = script.create?.(distinctIds, n) ?? `t${n}`;
    if (outcome instanceof Error) throw outcome;
    return { taskId: outcome };
  };
  const status = async (taskId: string) => {
    calls.push({ op: 'status', taskId });
    const n = (polls.get(taskId) ?? 0) + 1;
    polls.set(taskId, n);
    const answer = script.status?.(taskId, n) ?? { taskId, status: 'PENDING' as const, rawStatus: 'PENDING' };
    if (answer instanceof Error) throw answer;
    return answer as never;
  };
  const client: WorkflowClient = {
    createDeletion: create,
    createRetrieval: create,
    getDeletionStatus: status,
    getRetrievalStatus: status,
    cancelDeletion: async (taskId: string) => {
      calls.push({ op: 'cancel', taskId });
      return { taskId, cancelled: true as const };
    },
    ...(script.project && { project: script.project }),
  };
  return { client, calls };
}

export const requestSummary = {
  method: 'GET',
  url: 'https://mixpanel.com/api/app/data-deletions/v3.0/x?token=[REDACTED]',
};
