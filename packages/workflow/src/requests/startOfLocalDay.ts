import { assertTimeZone } from './assertTimeZone.js';
import { dayNumberOf } from './dayNumber.js';
import { firstInstantOfDay } from './firstInstantOfDay.js';
import { parseCalendarDate } from './parseCalendarDate.js';

/**
 * Epoch ms of the first instant of `date` in `timeZone`: local midnight, or,
 * where the clocks skip midnight (America/Santiago, America/Havana on their
 * spring-forward days), the moment they jump to 01:00.
 */
export function startOfLocalDay(date: string, timeZone: string): number {
  parseCalendarDate(date, 'date');
  assertTimeZone(timeZone, 'timeZone');
  return firstInstantOfDay(dayNumberOf(date), timeZone);
}
