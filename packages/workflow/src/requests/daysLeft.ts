import { dayNumberOf } from './dayNumber.js';
import { localDate } from './localDate.js';
import { parseCalendarDate } from './parseCalendarDate.js';

/**
 * Whole calendar days from today (the local date of `nowMs` in `timeZone`)
 * to `dueDate`: 0 on the due day itself, negative once it has passed.
 */
export function daysLeft(dueDate: string, nowMs: number, timeZone: string): number {
  return dayNumberOfDate(dueDate, 'dueDate') - dayNumberOfDate(localDate(nowMs, timeZone, 'nowMs'), 'nowMs');
}

/**
 * Day numbers of the dates seen last, checked once: a listing asks the days
 * left of every open request, whose due dates are a few hundred distinct days.
 */
const known = new Map<string, number>();
const KNOWN_MAX = 4096;

function dayNumberOfDate(date: string, field: string): number {
  let day = known.get(date);
  if (day === undefined) {
    parseCalendarDate(date, field);
    day = dayNumberOf(date);
    if (known.size >= KNOWN_MAX) known.delete(known.keys().next().value!);
    known.set(date, day);
  }
  return day;
}
