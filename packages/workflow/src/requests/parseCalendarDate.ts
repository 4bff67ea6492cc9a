import { describeValue, ValidationError } from '@mixpanel-gdpr/client';
import { daysInMonth } from './dayNumber.js';

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A calendar date as 'YYYY-MM-DD' (years 0001–9999), checked strictly: no
 * time, no offset, and the day must exist ('2026-02-30' is refused, where
 * `new Date` would roll it over to 2 March).
 * @throws ValidationError naming `field` and the value
 */
export function parseCalendarDate(text: unknown, field: string): string {
  const match = typeof text === 'string' ? CALENDAR_DATE.exec(text) : null;
  if (match) {
    const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
    if (year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) return text as string;
  }
  throw new ValidationError(
    field,
    `${field} must be an existing calendar date, YYYY-MM-DD (got ${describeValue(text)})`,
  );
}
