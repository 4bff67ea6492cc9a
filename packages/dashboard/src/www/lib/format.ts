import type { RequestState, ServiceRequest } from '@mixpanel-gdpr/service-client';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const integer = new Intl.NumberFormat(undefined);

/** An RFC 3339 time in the reader's own time zone. */
export const formatDateTime = (iso: string): string => dateTime.format(new Date(iso));

export const formatCount = (n: number): string => integer.format(n);

const STATE_LABELS: Record<RequestState, string> = {
  not_submitted: 'Not submitted',
  submitted: 'Submitted',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};
export const REQUEST_STATES = Object.keys(STATE_LABELS) as RequestState[];
export const stateLabel = (state: RequestState): string => STATE_LABELS[state];

/** Done and cancelled requests are closed: nothing is left to do before the deadline. */
export const isOpen = (request: Pick<ServiceRequest, 'state'>): boolean =>
  request.state !== 'done' && request.state !== 'cancelled';

/** "today", "in 3 days", "2 days overdue". */
export function daysLeftText(daysLeft: number): string {
  if (daysLeft === 0) return 'due today';
  const n = Math.abs(daysLeft);
  const days = `${n} day${n === 1 ? '' : 's'}`;
  return daysLeft > 0 ? days : `${days} overdue`;
}

/** A duration as "3 d 4 h", "2 h 5 min" or "40 s": the two largest units are enough to read at a glance. */
export function durationText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [unit, size] of units) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || (parts.length > 0 && unit !== 's')) parts.push(`${n} ${unit}`);
  }
  return parts.length ? parts.join(' ') : '0 s';
}
