import { describeValue, ValidationError } from '@mixpanel-gdpr/client';
import { formatterFor } from './wallClockMs.js';

/**
 * An IANA time zone name Intl knows ('Europe/Berlin', 'UTC'). Fixed offsets
 * ('+01:00', which newer engines accept) are refused: they know no DST, so
 * dates near a clock change would come out an hour wrong all summer.
 * @throws ValidationError naming `field` and the value
 */
export function assertTimeZone(timeZone: unknown, field: string): asserts timeZone is string {
  if (typeof timeZone === 'string' && /^[A-Za-z]/.test(timeZone)) {
    try {
      formatterFor(timeZone);
      return;
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
    }
  }
  throw new ValidationError(
    field,
    `${field} must be an IANA time zone name such as "Europe/Berlin" or "UTC" (got ${describeValue(timeZone)})`,
  );
}
