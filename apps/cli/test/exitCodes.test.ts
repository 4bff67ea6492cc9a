import type { JobSummary } from '@mixpanel-gdpr/workflow';
import { describe, expect, it } from 'vitest';
import { EXIT, EXIT_CODES_HELP } from '../src/exitCodes.js';
import { summaryExitCode } from '../src/formatSummary.js';

function summary(
  byOutcome: Record<string, number>,
  complete: boolean,
  extra: { invalid?: number; failedBatches?: number } = {},
): JobSummary {
  return {
    jobId: 'j',
    kind: 'deletion',
    complianceType: 'GDPR',
    createdAt: '',
    updatedAt: '',
    complete,
    state: complete ? 'complete' : 'in progress',
    ids: { read: 0, valid: 0, duplicates: 0, invalid: extra.invalid ?? 0, byOutcome },
    batches: { total: 0, byPhase: extra.failedBatches ? { failed: extra.failedBatches } : {}, resentAfterUnknown: 0 },
    tasks: { total: 0, byStatus: {}, fromConflicts: 0, cancelled: 0, tooLateToCancel: 0 },
    exports: { downloaded: 0, failed: 0, bytes: 0 },
    notes: [],
  };
}

describe('exit code of a job', () => {
  it('is ok when every id succeeded, or when submitted without waiting and nothing has ended badly', () => {
    expect(summaryExitCode(summary({ SUCCESS: 3 }, true), true)).toBe(EXIT.ok);
    expect(summaryExitCode(summary({ PENDING: 2, SUCCESS: 1, UNRECOGNISED: 1 }, false), false)).toBe(EXIT.ok);
  });

  it('says some failed for a task that ended other than SUCCESS, even before the job is complete', () => {
    for (const ended of ['FAILURE', 'REVOKED', 'NOT_FOUND'])
      expect(summaryExitCode(summary({ [ended]: 1, PENDING: 1 }, false), false)).toBe(EXIT.someFailed);
  });

  it('says some failed for a complete job with anything but SUCCESS, failed batches, invalid ids when waited on, or an unfinished wait', () => {
    expect(summaryExitCode(summary({ SUCCESS: 1, NOT_SUBMITTED: 1 }, true), false)).toBe(EXIT.someFailed);
    expect(summaryExitCode(summary({ SUCCESS: 1 }, true, { failedBatches: 1 }), false)).toBe(EXIT.someFailed);
    expect(summaryExitCode(summary({ SUCCESS: 1 }, true, { invalid: 1 }), true)).toBe(EXIT.someFailed);
    expect(summaryExitCode(summary({ PENDING: 1 }, false), true)).toBe(EXIT.someFailed);
  });
});

describe('--help', () => {
  it('lists every exit code with its number, aligned', () => {
    for (const code of Object.values(EXIT)) expect(EXIT_CODES_HELP).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
    expect(EXIT_CODES_HELP).toContain(
      '\n  0    done (with --wait: every id succeeded; without: every batch submitted);\n       also when stdout is closed early',
    );
  });
});
