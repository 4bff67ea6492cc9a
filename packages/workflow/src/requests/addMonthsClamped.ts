import { assertWholeNumber } from './assertWholeNumber.js';
import { dateOutOfRange } from './dateOutOfRange.js';
import { daysInMonth, formatDate } from './dayNumber.js';
import { parseCalendarDate } from './parseCalendarDate.js';

/**
 * `date` plus `months` months, counted as EU Regulation 1182/71 counts them:
 * the day with the same number, or the month's last day when it has no such
 * day ('2026-01-31' + 1 → '2026-02-28', '2028-01-31' + 1 → '2028-02-29').
 */
export function addMonthsClamped(date: string, months: number): string {
  parseCalendarDate(date, 'date');
  assertWholeNumber(months, 'months');
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const newYear = Math.floor(index / 12);
  const newMonth = index - newYear * 12 + 1;
  if (newYear < 1 || newYear > 9999) throw dateOutOfRange(date, `+ ${months} months`);
  return formatDate(newYear, newMonth, Math.min(day, daysInMonth(newYear, newMonth)));
}
