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
  const { dueDate, extendedDueDate } = dueDates(regulation, receivedDateOf(receivedAtMs, timeZone), options);
  return {
    dueDate,
    dueAt: endOfLocalDay(dueDate, timeZone),
    extendedDueDate,
    extendedDueAt: endOfLocalDay(extendedDueDate, timeZone),
  };
}
