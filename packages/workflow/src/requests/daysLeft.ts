import { dayNumberOf } from './dayNumber.js';
import { localDate } from './localDate.js';
import { parseCalendarDate } from './parseCalendarDate.js';

/**
 * Whole calendar days from today (the local date of `nowMs` in `timeZone`)
 * to `dueDate`: 0 on the due day itself, negative once it has passed.
 */
export function daysLeft(dueDate: string, nowMs: number, timeZone: string): number {
  parseCalendarDate(dueDate, 'dueDate');
  return dayNumberOf(dueDate) - dayNumberOf(localDate(nowMs, timeZone, 'nowMs'));
}
