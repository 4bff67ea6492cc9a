import { ValidationError } from '@mixpanel-gdpr/client';
import { FIRST_DAY, LAST_DAY } from './dayNumber.js';

/** A shifted date must keep a four-digit year, or it could not be written as 'YYYY-MM-DD'. */
export function dateOutOfRange(date: string, shift: string): ValidationError {
  return new ValidationError('date', `date ${date} ${shift} falls outside ${FIRST_DAY}…${LAST_DAY}`);
}
