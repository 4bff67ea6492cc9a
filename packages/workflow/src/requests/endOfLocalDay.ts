import { assertTimeZone } from './assertTimeZone.js';
import { dayNumberOf } from './dayNumber.js';
import { firstInstantOfDay } from './firstInstantOfDay.js';
import { parseCalendarDate } from './parseCalendarDate.js';

/**
 * Epoch ms of the first instant after `date` in `timeZone`: the start of the
 * next day. A deadline on `date` has passed once now >= this. Where clocks
 * fall back across midnight and the date briefly returns, this is the first
 * midnight, the earlier and so the safe end.
 */
export function endOfLocalDay(date: string, timeZone: string): number {
  parseCalendarDate(date, 'date');
  assertTimeZone(timeZone, 'timeZone');
  return firstInstantOfDay(dayNumberOf(date) + 1, timeZone);
}
