import type { ComplianceType } from '@mixpanel-gdpr/client';
import { type DueDateOptions, dueDates } from './dueDates.js';
import { endOfLocalDay } from './endOfLocalDay.js';
import { receivedDateOf } from './receivedDateOf.js';

export interface Deadline {
  /** Last day of the first period, in the controller's time zone. */
  dueDate: string;
  /** Epoch ms of the first instant after `dueDate` ends there: late from this instant on. */
  dueAt: number;
  /** Last day if extended. */
  extendedDueDate: string;
  /** Epoch ms of the first instant after `extendedDueDate` ends. */
  extendedDueAt: number;
}

/**
 * The deadlines of a request received at `receivedAtMs`, counted in
 * calendar days of `timeZone` (the controller's; IANA name, e.g. 'UTC').
 */
export function deadlineOf(
  regulation: ComplianceType,
  receivedAtMs: number,
  timeZone: string,
  options?: DueDateOptions,
): Deadline {
  const receivedDate = receivedDateOf(receivedAtMs, timeZone);
  // Only a valid answer is kept (a bad regulation or option throws first), and only for options that are plain
  // data: a day's deadlines are the same for every request received that day.
  const key = keyOf(regulation, receivedDate, timeZone, options);
  const known = key === undefined ? undefined : days.get(key);
  if (known) return { ...known };
  const { dueDate, extendedDueDate } = dueDates(regulation, receivedDate, options);
  const deadline = {
    dueDate,
    dueAt: endOfLocalDay(dueDate, timeZone),
    extendedDueDate,
    extendedDueAt: endOfLocalDay(extendedDueDate, timeZone),
  };
  if (key !== undefined) {
    if (days.size >= DAYS_MAX) days.delete(days.keys().next().value!);
    days.set(key, { ...deadline });
  }
  return deadline;
}

/**
 * Deadlines already computed, by regulation, zone, day received and
 * options: each costs the due dates' arithmetic and two searches of a day's
 * first instant, and a service filing a thousand requests a second receives
 * most of them on a few days. Oldest out first.
 */
const days = new Map<string, Deadline>();
const DAYS_MAX = 4_096;

function keyOf(
  regulation: ComplianceType,
  receivedDate: string,
  timeZone: string,
  options: DueDateOptions | undefined,
): string | undefined {
  if (typeof regulation !== 'string') return undefined;
  if (options === undefined) return `${regulation} ${timeZone} ${receivedDate}`;
  if (typeof options !== 'object' || options === null) return undefined;
  const shift = options.nextWorkingDay;
  if (shift === undefined) return `${regulation} ${timeZone} ${receivedDate}`;
  if (typeof shift !== 'object' || shift === null) return undefined;
  const holidays = shift.holidays ?? [];
  if (!Array.isArray(holidays) || !holidays.every((h) => typeof h === 'string')) return undefined;
  // JSON: a holiday holding a space or a comma cannot pass for two.
  return `${regulation} ${timeZone} ${receivedDate} ${JSON.stringify(holidays)}`;
}
