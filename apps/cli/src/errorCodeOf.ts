import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  TimeoutError,
  ValidationError,
} from '@mixpanel-gdpr/client';
import { GaveUpError, ProjectMismatchError, TaskNotFoundError, WatchDeadlineError } from '@mixpanel-gdpr/workflow';
import { CommanderError } from 'commander';
import { CliError } from './CliError.js';
import type { ErrorCode } from './errorCodes.js';

/**
 * The code of an error that ended a run (or one job of it). Kept apart from ERROR_CODES: it needs the client's and
 * the workflow's error classes, which `--help` does not load.
 */
export function errorCodeOf(error: unknown): ErrorCode {
  if (error instanceof CliError) return error.code;
  if (error instanceof CommanderError) return 'usage';
  // Before ValidationError: another project's job is refused like bad input, but says why.
  if (error instanceof ProjectMismatchError) return 'project_mismatch';
  if (error instanceof ValidationError) return 'invalid_input';
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) return 'auth';
  if (error instanceof AbortError) return 'interrupted';
  if (error instanceof WatchDeadlineError || (error instanceof GaveUpError && error.reason === 'deadline'))
    return 'deadline';
  if (error instanceof TaskNotFoundError || error instanceof NotFoundError) return 'not_found';
  if (error instanceof RateLimitError) return 'rate_limited';
  if (error instanceof ConnectionError || error instanceof TimeoutError) return 'network';
  // A call given up on after retries: what it kept meeting says more than "gave up".
  if (error instanceof GaveUpError && error.cause !== undefined) return errorCodeOf(error.cause);
  return 'failed';
}
