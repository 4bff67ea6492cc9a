import { ApiError, AuthenticationError, PermissionDeniedError, ValidationError } from '@mixpanel-gdpr/client';
import { GaveUpError } from './GaveUpError.js';

/**
 * Failures of one task that need not stop a pass over the others: given up
 * within the pass's limits, an id the ledger holds that is not a usable task
 * id (written by an older version), or an answer about this task alone.
 * Credentials refused, a 404 without witness, or an abort stop the pass.
 */
export function isSkippable(error: unknown): boolean {
  if (error instanceof GaveUpError || error instanceof ValidationError) return true;
  return error instanceof ApiError && !(error instanceof AuthenticationError || error instanceof PermissionDeniedError);
}
