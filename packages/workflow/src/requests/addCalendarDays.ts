import { assertWholeNumber } from './assertWholeNumber.js';
import { dateOutOfRange } from './dateOutOfRange.js';
import { dateOfDayNumber, dayNumberOf, FIRST_DAY, LAST_DAY } from './dayNumber.js';
import { parseCalendarDate } from './parseCalendarDate.js';

/** `date` plus `days` calendar days (negative goes back): '2026-01-01' + 45 → '2026-02-15'. */
export function addCalendarDays(date: string, days: number): string {
  parseCalendarDate(date, 'date');
  assertWholeNumber(days, 'days');
  const result = dayNumberOf(date) + days;
  if (result < dayNumberOf(FIRST_DAY) || result > dayNumberOf(LAST_DAY)) throw dateOutOfRange(date, `+ ${days} days`);
  return dateOfDayNumber(result);
}
