import { describeValue, ValidationError } from '@mixpanel-gdpr/client';
import { dateOfDayNumber, dayNumberOf, weekdayOf } from './dayNumber.js';
import { parseCalendarDate } from './parseCalendarDate.js';

const SATURDAY = 6;
const SUNDAY = 0;

/**
 * `date` itself when it is a working day, otherwise the next one: not a
 * Saturday, Sunday or one of `holidays` ('YYYY-MM-DD').
 */
export function nextWorkingDay(date: string, holidays: readonly string[] = [], field = 'holidays'): string {
  parseCalendarDate(date, 'date');
  if (!Array.isArray(holidays)) {
    throw new ValidationError(field, `${field} must be an array of dates YYYY-MM-DD (got ${describeValue(holidays)})`);
  }
  const closed = new Set(holidays.map((holiday, i) => parseCalendarDate(holiday, `${field}[${i}]`)));
  let day = dayNumberOf(date);
  // Ends: at most holidays.length + 2 days are skipped in a row.
  while (weekdayOf(day) === SATURDAY || weekdayOf(day) === SUNDAY || closed.has(dateOfDayNumber(day))) day += 1;
  return dateOfDayNumber(day);
}
