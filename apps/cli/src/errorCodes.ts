import { EXIT } from './exitCodes.js';

/**
 * Every error the CLI reports has one of these codes: on stderr after
 * "mixpanel-gdpr: error:", and with --json also as
 * `{"type":"error","code":…,"message":…,"exitCode":…}` on stdout, so that a
 * script never parses stderr. A code always comes with the same exit code.
 * Codes are part of the interface: add, never rename.
 */
export const ERROR_CODES = Object.freeze({
  usage: { exitCode: EXIT.usage, help: 'bad option, value or job id; nothing sent' },
  invalid_input: { exitCode: EXIT.usage, help: 'ids, token file, ledger or job unusable; nothing sent' },
  project_mismatch: { exitCode: EXIT.usage, help: 'job of another project, region or API URL; nothing sent' },
  auth: { exitCode: EXIT.auth, help: 'Mixpanel refused the credentials (401/403)' },
  not_found: { exitCode: EXIT.failed, help: 'Mixpanel knows no such task (404): region or URL wrong?' },
  rate_limited: { exitCode: EXIT.failed, help: 'Mixpanel kept answering 429 (too many requests)' },
  network: { exitCode: EXIT.failed, help: 'Mixpanel unreachable, or no answer in time' },
  deadline: { exitCode: EXIT.failed, help: '--watch-deadline-ms passed, tasks running; watch later' },
  incomplete: { exitCode: EXIT.failed, help: 'status could not poll every task; run it again' },
  failed: { exitCode: EXIT.failed, help: 'another error stopped the job; resume it' },
  interrupted: { exitCode: EXIT.interrupted, help: 'Ctrl-C or SIGTERM; resume the job' },
} satisfies Record<string, { exitCode: number; help: string }>);

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODES_HELP = `
Error codes (after "mixpanel-gdpr: error:" on stderr; with --json, also a line
{"type":"error","code":…,"message":…,"exitCode":…} on stdout):
${Object.entries(ERROR_CODES)
  .map(([code, { exitCode, help }]) => `  ${code.padEnd(17)}${String(exitCode).padEnd(5)}${help}`)
  .join('\n')}`;
