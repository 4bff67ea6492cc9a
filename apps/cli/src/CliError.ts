import type { ErrorCode } from './errorCodes.js';

/** A failure the CLI itself detected, with its error code (which sets the exit code) and a one-line message for the user. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode = 'usage',
  ) {
    super(message);
  }
}
