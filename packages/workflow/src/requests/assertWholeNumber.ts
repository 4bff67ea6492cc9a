import { ValidationError } from '@mixpanel-gdpr/client';

/** A count of days or months; `field` names the argument in the error. */
export function assertWholeNumber(value: unknown, field: string): asserts value is number {
  if (!Number.isSafeInteger(value)) {
    throw new ValidationError(field, `${field} must be a whole number (got ${String(value)})`);
  }
}
