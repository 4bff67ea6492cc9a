import { keyFingerprint, purgeLedger, type RequestState } from '@mixpanel-gdpr/workflow';
import { CliError } from '../CliError.js';
import type { GlobalOptions } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { openSession, type Session } from '../openSession.js';
import { counted } from '../plural.js';
import { readPurgeKey } from '../readPurgeKey.js';

export interface PurgeOptions {
  keyFile?: string;
  retentionDays?: string;
}

/**
 * Data minimisation: the distinct ids of requests that ended (done or
 * cancelled) longer ago than the retention period, and of their jobs, are
 * replaced in the ledger by keyed hashes. A job shared with a request still
 * within its retention waits for it: its batches hold both requests' ids.
 * With the key, `evidence --lookup ID` still answers.
 */
export async function purge(o: PurgeOptions, globals: GlobalOptions): Promise<number> {
  const days = o.retentionDays === undefined ? undefined : Number(o.retentionDays);
  // 0 is allowed: an operator may minimise at once, once requests have ended.
  if (days !== undefined && !(Number.isInteger(days) && days >= 0))
    throw new CliError(`--retention-days must be a whole number of days (got ${JSON.stringify(o.retentionDays)})`);
  const key = readPurgeKey(o.keyFile);
  // Read first without the lock, to choose; the purge itself takes the lock.
  const session = await openSession(globals, { readOnly: true });
  let chosen: { requestIds: Set<string>; jobIds: Set<string> };
  try {
    const retentionMs = days !== undefined ? days * 86_400_000 : session.desk.policy.retentionMs;
    chosen = purgeable(session, Date.now() - retentionMs);
  } finally {
    await session.close();
  }
  const { view, config } = { view: session.view, config: session.config };
  if (chosen.jobIds.size === 0 && chosen.requestIds.size === 0) {
    view.result(
      { type: 'purge', requests: 0, jobs: 0, replaced: 0 },
      'nothing to purge: no request ended before the retention period',
    );
    return EXIT.ok;
  }
  if (globals.dryRun) {
    view.result(
      { type: 'purge', dryRun: true, requests: chosen.requestIds.size, jobs: chosen.jobIds.size },
      `Dry run: would purge the ids of ${counted(chosen.requestIds.size, 'request')} and ${counted(chosen.jobIds.size, 'job')}; nothing was changed.`,
    );
    return EXIT.ok;
  }
  const result = await purgeLedger(config.ledgerPath, { key, ...chosen, now: Date.now }).catch((error: Error) => {
    throw new CliError(error.message, 'invalid_input');
  });
  view.result(
    {
      type: 'purge',
      requests: chosen.requestIds.size,
      jobs: chosen.jobIds.size,
      ...result,
      keyFingerprint: keyFingerprint(key),
    },
    `purged ${counted(result.replaced, 'id')} of ${counted(chosen.requestIds.size, 'request')} and ${counted(chosen.jobIds.size, 'job')} (key ${keyFingerprint(key)}); new head ${result.head}. Keep the key: lookups need it.`,
  );
  return EXIT.ok;
}

/** Requests ended before `before`, with their jobs, closed over shared jobs (see `purge`). Jobs of no request: when done before it. */
function purgeable(session: Session, before: number): { requestIds: Set<string>; jobIds: Set<string> } {
  const state = session.ledger.state;
  const ended = (r: RequestState) => {
    if (r.purgedAt !== undefined) return false;
    const { progress } = session.desk.view(r);
    const at =
      progress.stage === 'done' ? progress.doneAt : progress.stage === 'cancelled' ? r.cancelled?.at : undefined;
    return at !== undefined && at < before;
  };
  const requestIds = new Set([...state.requests.values()].filter(ended).map((r) => r.requestId));
  const jobIds = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    jobIds.clear();
    for (const job of state.jobs.values()) {
      if (!job.requestIds?.length) continue;
      if (job.requestIds.every((id) => requestIds.has(id))) jobIds.add(job.jobId);
    }
    for (const id of [...requestIds]) {
      if (!state.requests.get(id)!.jobIds.every((j) => jobIds.has(j))) {
        requestIds.delete(id);
        changed = true;
      }
    }
  }
  const done = new Set(state.purges.flatMap((p) => p.jobIds));
  for (const job of state.jobs.values()) {
    if (job.requestIds?.length || !job.ingested || done.has(job.jobId)) continue;
    const summary = session.workflow.summary(job.jobId);
    if (summary.complete && job.updatedAt < before) jobIds.add(job.jobId);
  }
  return { requestIds, jobIds };
}
