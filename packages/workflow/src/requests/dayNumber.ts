/**
 * Calendar arithmetic on day numbers (days since 1970-01-01), through UTC so
 * no time zone or DST can shift a date. Internal to the deadline functions.
 */
export const DAY_MS = 86_400_000;

/** Earliest and latest calendar dates accepted: four-digit years. */
export const FIRST_DAY = '0001-01-01';
export const LAST_DAY = '9999-12-31';

/** ms of a UTC wall time; `setUTCFullYear` because `Date.UTC` reads years 0–99 as 1900–1999. */
export function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** Days in a month (1–12) of a proleptic Gregorian year. */
export function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month + 1, 0)).getUTCDate();
}

/** The day number of a date already checked by `parseCalendarDate`. */
export function dayNumberOf(date: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return utcMs(year!, month!, day!) / DAY_MS;
}

export function dateOfDayNumber(dayNumber: number): string {
  const date = new Date(dayNumber * DAY_MS);
  return formatDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/** 'YYYY-MM-DD' of a year 1–9999. */
export function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(dayNumber: number): number {
  // 1970-01-01 was a Thursday.
  return (((dayNumber + 4) % 7) + 7) % 7;
}
