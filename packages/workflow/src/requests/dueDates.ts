import { type ComplianceType, describeValue, parseComplianceType, ValidationError } from '@mixpanel-gdpr/client';
import { addCalendarDays } from './addCalendarDays.js';
import { addMonthsClamped } from './addMonthsClamped.js';
import { nextWorkingDay } from './nextWorkingDay.js';
import { parseCalendarDate } from './parseCalendarDate.js';

export interface DueDateOptions {
  /**
   * Move a due date that falls on a Saturday, Sunday or listed holiday to
   * the next working day, as the UK regulator (ICO) allows. Off by default:
   * the unmoved date is never late.
   * @default undefined (dates are not moved)
   */
  nextWorkingDay?: { holidays?: readonly string[] | undefined } | undefined;
}

export interface DueDates {
  /** Last day of the first period ('YYYY-MM-DD'). */
  dueDate: string;
  /** Last day if the period is extended (once, with notice within the first period). */
  extendedDueDate: string;
}

/** GDPR Art. 12(3): one month, extendable by two further months. */
const GDPR_MONTHS = 1;
const GDPR_EXTENSION_MONTHS = 2;
/** CCPA, Cal. Civ. Code 1798.130(a)(2) and regulations § 7021: 45 calendar days, extendable once by 45. */
const CCPA_DAYS = 45;
const CCPA_EXTENSION_DAYS = 45;

/**
 * The legal due dates of a request received on `receivedDate` (a calendar
 * date in the controller's time zone; see `receivedDateOf`).
 *
 * GDPR's extension is counted from the original due date, not as three
 * months from receipt. At month ends the two readings differ (received
 * 31 January: 28 April against 30 April); this one is never later, so a
 * controller who keeps to it is on time under either.
 */
export function dueDates(regulation: ComplianceType, receivedDate: string, options: DueDateOptions = {}): DueDates {
  const type = parseComplianceType(regulation, 'regulation');
  parseCalendarDate(receivedDate, 'receivedDate');
  if (options === null || typeof options !== 'object') {
    throw new ValidationError('options', `options must be an object (got ${describeValue(options)})`);
  }
  const dueDate =
    type === 'GDPR' ? addMonthsClamped(receivedDate, GDPR_MONTHS) : addCalendarDays(receivedDate, CCPA_DAYS);
  // From the unmoved due date: moving it to a working day must not lengthen the extension too.
  const extendedDueDate =
    type === 'GDPR' ? addMonthsClamped(dueDate, GDPR_EXTENSION_MONTHS) : addCalendarDays(dueDate, CCPA_EXTENSION_DAYS);
  const shift = options.nextWorkingDay;
  if (shift === undefined) return { dueDate, extendedDueDate };
  if (shift === null || typeof shift !== 'object') {
    throw new ValidationError(
      'options.nextWorkingDay',
      `options.nextWorkingDay must be an object such as { holidays: [] } (got ${describeValue(shift)})`,
    );
  }
  const holidays = shift.holidays ?? [];
  const field = 'options.nextWorkingDay.holidays';
  return {
    dueDate: nextWorkingDay(dueDate, holidays, field),
    extendedDueDate: nextWorkingDay(extendedDueDate, holidays, field),
  };
}
