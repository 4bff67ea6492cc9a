import { MixpanelGdprError } from '@mixpanel-gdpr/client';
import type { TaskRecord } from './ledger/LedgerState.js';

/** `watchDeadlineMs` passed with tasks still running. They stay in the ledger; poll or watch again later. */
export class WatchDeadlineError extends MixpanelGdprError {
  override name = 'WatchDeadlineError';
  constructor(
    readonly jobId: string,
    readonly deadlineMs: number,
    /** Polls made during this watch. */
    readonly polls: number,
    /** Last known status of each task still outstanding. */
    readonly lastStatuses: Record<string, number>,
  ) {
    const statuses = Object.entries(lastStatuses)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    super(
      `stopped watching job ${jobId} after ${deadlineMs} ms and ${polls} polls with tasks still outstanding (last seen: ${statuses}); they stay in the ledger: poll or watch again later`,
    );
  }

  static from(
    jobId: string,
    deadlineMs: number,
    outcome: { polls: number; outstanding: TaskRecord[] },
  ): WatchDeadlineError {
    const lastStatuses: Record<string, number> = {};
    for (const task of outcome.outstanding)
      lastStatuses[task.status ?? 'SUBMITTED'] = (lastStatuses[task.status ?? 'SUBMITTED'] ?? 0) + 1;
    return new WatchDeadlineError(jobId, deadlineMs, outcome.polls, lastStatuses);
  }
}
