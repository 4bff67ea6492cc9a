import { describeValue, ValidationError } from '@mixpanel-gdpr/client';
import { REQUEST_DEFAULTS } from '../defaults.js';
import { assertTimeZone } from './assertTimeZone.js';
import { parseCalendarDate } from './parseCalendarDate.js';

/** How requests' deadlines and risk are judged; every field documented in `REQUEST_DEFAULTS`. */
export interface RequestPolicy {
  timeZone: string;
  submitWithinMs: number;
  atRiskDaysLeft: number;
  nextWorkingDay: boolean;
  /** Dates (YYYY-MM-DD) that are not working days, for `nextWorkingDay`. */
  holidays: string[];
  retentionMs: number;
}

export type RequestPolicyOptions = { [K in keyof RequestPolicy]?: RequestPolicy[K] | undefined };

/** Merges the defaults and validates once; messages name the option and the bad value. */
export function resolveRequestPolicy(options: RequestPolicyOptions = {}): RequestPolicy {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const p: RequestPolicy = { ...REQUEST_DEFAULTS, holidays: [], ...given };
  assertTimeZone(p.timeZone, 'timeZone');
  const bad = (field: keyof RequestPolicy, rule: string) =>
    new ValidationError(field, `${field} must be ${rule} (got ${describeValue(p[field])})`);
  for (const key of ['submitWithinMs', 'retentionMs'] as const)
    if (!(typeof p[key] === 'number' && p[key] > 0 && Number.isFinite(p[key]))) throw bad(key, 'a positive number');
  if (!Number.isInteger(p.atRiskDaysLeft) || p.atRiskDaysLeft < 0) throw bad('atRiskDaysLeft', 'an integer >= 0');
  if (typeof p.nextWorkingDay !== 'boolean') throw bad('nextWorkingDay', 'true or false');
  if (!Array.isArray(p.holidays)) throw bad('holidays', 'a list of dates (YYYY-MM-DD)');
  for (const [i, d] of p.holidays.entries()) parseCalendarDate(d, `holidays[${i}]`);
  return p;
}

/** The deadline options a policy implies. */
export function deadlineOptions(policy: RequestPolicy) {
  return policy.nextWorkingDay ? { nextWorkingDay: { holidays: policy.holidays } } : {};
}
