import { describeValue, ValidationError } from '@mixpanel-gdpr/client';
import { utcMs } from './dayNumber.js';

// A day inside the ends of years 1–9999, so the local date in any zone (offsets stay under a day) is one too.
const EARLIEST_MS = utcMs(1, 1, 2);
const LATEST_MS = utcMs(9999, 12, 30);

/** An instant in ms since 1970-01-01T00:00:00Z. */
export function assertEpochMs(value: unknown, field: string): asserts value is number {
  if (typeof value === 'number' && value >= EARLIEST_MS && value <= LATEST_MS) return;
  throw new ValidationError(
    field,
    `${field} must be a time in ms since 1970-01-01T00:00:00Z, within years 1–9999 (got ${describeValue(value)})`,
  );
}
