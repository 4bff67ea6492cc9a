import { localDate } from './localDate.js';

/**
 * The day a request was received, in the controller's time zone: the legal
 * periods count calendar days there, so 23:30 UTC on 31 January is already
 * 1 February in Berlin (and due 1 March, not 28 February).
 */
export function receivedDateOf(receivedAtMs: number, timeZone: string): string {
  return localDate(receivedAtMs, timeZone, 'receivedAtMs');
}
