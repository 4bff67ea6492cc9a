/** Documented exit codes (see `mixpanel-gdpr --help`). */
export const EXIT = Object.freeze({
  /**
   * Done: every id succeeded, or (without --wait) every batch was submitted.
   * Also when stdout was closed by its reader (`… | head`): that is how the
   * reader says it has seen enough, so it is not a failure; a job stopped for
   * it is saved, and stderr says how to resume it.
   */
  ok: 0,
  /**
   * The job ended but some ids did not succeed (failed tasks, failed batches or exports, tasks revoked by
   * someone else). The ids of a job cancelled on purpose (CANCELLED) are what was asked for: not a failure.
   */
  someFailed: 1,
  /** Bad input or usage: nothing was sent. */
  usage: 2,
  /** Mixpanel refused the credentials (401/403): renew the OAuth token or check the region. */
  auth: 3,
  /** Another error stopped the job (network, Mixpanel); the ledger keeps what was done: resume it. */
  failed: 4,
  /**
   * Interrupted by SIGINT (Ctrl-C) or SIGTERM; `mixpanel-gdpr resume JOB`
   * continues. One code for both (not 143 for SIGTERM): a script needs to
   * know "stopped, resumable", not which signal did it.
   */
  interrupted: 130,
});

const HELP: Array<[code: number, text: string]> = [
  [
    EXIT.ok,
    'done (with --wait: every id succeeded; without: every batch submitted);\nalso when stdout is closed early (| head): a job stops, saved, resumable',
  ],
  [
    EXIT.someFailed,
    'finished, but some ids did not succeed (see the report); requests --check: a request is at risk or\noverdue; verify: the chain is broken; evidence --lookup: no record of the id',
  ],
  [EXIT.usage, 'bad input or usage; nothing was sent'],
  [EXIT.auth, 'Mixpanel refused the credentials (401/403)'],
  [EXIT.failed, 'another error stopped the job; resume it'],
  [EXIT.interrupted, 'interrupted (Ctrl-C or SIGTERM; a second one quits at once); resume it'],
];

/** The codes for `--help`, built from `EXIT` so the numbers are written once. */
export const EXIT_CODES_HELP = `\nExit codes:\n${HELP.map(([code, text]) => `  ${String(code).padEnd(5)}${text.replaceAll('\n', `\n${' '.repeat(7)}`)}`).join('\n')}`;
