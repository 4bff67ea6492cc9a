import { assertEpochMs } from './assertEpochMs.js';
import { assertTimeZone } from './assertTimeZone.js';
import { DAY_MS, dateOfDayNumber } from './dayNumber.js';
import { wallClockMs } from './wallClockMs.js';

/**
 * The calendar date ('YYYY-MM-DD') in `timeZone` at the instant `epochMs`.
 * `field` names `epochMs` in the error, for callers with their own name for it.
 */
export function localDate(epochMs: number, timeZone: string, field = 'epochMs'): string {
  assertEpochMs(epochMs, field);
  assertTimeZone(timeZone, 'timeZone');
  return dateOfDayNumber(Math.floor(wallClockMs(epochMs, timeZone) / DAY_MS));
}
