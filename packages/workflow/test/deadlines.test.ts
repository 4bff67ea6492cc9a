import { type ComplianceType, ValidationError } from '@mixpanel-gdpr/client';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { addCalendarDays } from '../src/requests/addCalendarDays.js';
import { addMonthsClamped } from '../src/requests/addMonthsClamped.js';
import { assertTimeZone } from '../src/requests/assertTimeZone.js';
import { daysLeft } from '../src/requests/daysLeft.js';
import { deadlineOf } from '../src/requests/deadlineOf.js';
import { dueDates } from '../src/requests/dueDates.js';
import { endOfLocalDay } from '../src/requests/endOfLocalDay.js';
import { type ExtensionDecision, extensionAllowed } from '../src/requests/extensionAllowed.js';
import { localDate } from '../src/requests/localDate.js';
import { parseCalendarDate } from '../src/requests/parseCalendarDate.js';
import { receivedDateOf } from '../src/requests/receivedDateOf.js';
import { startOfLocalDay } from '../src/requests/startOfLocalDay.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const DAY_MS = 86_400_000;
/** Whole days from one date to another, through UTC (independent of the code under test). */
const daysBetween = (from: string, to: string) => (at(`${to}T00:00:00Z`) - at(`${from}T00:00:00Z`)) / DAY_MS;

/** Catches the ValidationError `run` throws (failing the test when it throws nothing or something else). */
function validationError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

describe('dueDates: the cases of docs/deadlines.md', () => {
  it.each<[ComplianceType, string, string, string]>([
    ['GDPR', '2026-03-03', '2026-04-03', '2026-06-03'],
    // Two months from the original due date (28 Feb), not three from receipt (30 Apr): the earlier reading.
    ['GDPR', '2026-01-31', '2026-02-28', '2026-04-28'],
    ['GDPR', '2028-01-31', '2028-02-29', '2028-04-29'],
    ['GDPR', '2026-08-31', '2026-09-30', '2026-11-30'],
    ['GDPR', '2026-12-15', '2027-01-15', '2027-03-15'],
    ['CCPA', '2026-01-01', '2026-02-15', '2026-04-01'],
    ['CCPA', '2026-11-20', '2027-01-04', '2027-02-18'],
  ])('%s received %s is due %s, extended %s', (regulation, received, due, extended) => {
    expect(dueDates(regulation, received)).toEqual({ dueDate: due, extendedDueDate: extended });
  });
});

describe('GDPR months at month ends and in leap years', () => {
  it.each([
    ['2026-03-31', '2026-04-30', '2026-06-30'],
    ['2026-01-30', '2026-02-28', '2026-04-28'],
    ['2028-01-30', '2028-02-29', '2028-04-29'],
    ['2028-02-29', '2028-03-29', '2028-05-29'],
    ['2026-12-31', '2027-01-31', '2027-03-31'],
    ['2026-05-31', '2026-06-30', '2026-08-30'],
    ['2026-10-31', '2026-11-30', '2027-01-30'],
    ['2026-11-30', '2026-12-30', '2027-02-28'],
    ['2026-12-29', '2027-01-29', '2027-03-29'],
    // 2100 is not a leap year (divisible by 100), 2000 is (divisible by 400), 2028 is (by 4).
    ['2100-01-31', '2100-02-28', '2100-04-28'],
    ['2000-01-31', '2000-02-29', '2000-04-29'],
    ['2027-01-29', '2027-02-28', '2027-04-28'],
  ])('received %s: due %s, extended %s', (received, due, extended) => {
    expect(dueDates('GDPR', received)).toEqual({ dueDate: due, extendedDueDate: extended });
  });

  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-02-29', 12, '2029-02-28'],
    ['2028-02-29', 48, '2032-02-29'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-01-15', -1, '2025-12-15'],
    ['2026-01-31', 0, '2026-01-31'],
    ['2026-11-30', 14, '2028-01-30'],
  ])('addMonthsClamped(%s, %i) is %s', (date, months, expected) => {
    expect(addMonthsClamped(date, months)).toBe(expected);
  });

  it.each([
    ['2028-02-29', true],
    ['2000-02-29', true],
    ['2100-02-29', false],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-04-31', false],
  ])('parseCalendarDate accepts %s: %s', (date, valid) => {
    if (valid) expect(parseCalendarDate(date, 'date')).toBe(date);
    else expect(() => parseCalendarDate(date, 'date')).toThrow(ValidationError);
  });
});

describe('CCPA: 45 and 90 calendar days', () => {
  it.each([
    ['2026-12-01', '2027-01-15', '2027-03-01'],
    ['2026-12-31', '2027-02-14', '2027-03-31'],
    ['2027-11-17', '2028-01-01', '2028-02-15'],
    ['2026-01-20', '2026-03-06', '2026-04-20'],
    ['2028-01-20', '2028-03-05', '2028-04-19'],
  ])('received %s: due %s, extended %s', (received, due, extended) => {
    expect(dueDates('CCPA', received)).toEqual({ dueDate: due, extendedDueDate: extended });
  });

  it.each([
    ['2026-02-20', 10, '2026-03-02'],
    ['2028-02-20', 10, '2028-03-01'],
    ['2026-01-01', -1, '2025-12-31'],
  ])('addCalendarDays(%s, %i) is %s', (date, days, expected) => {
    expect(addCalendarDays(date, days)).toBe(expected);
  });
});

describe('time zones: the received date is the controller’s calendar date', () => {
  it.each([
    // zone, instant, local date, GDPR due date, dueAt (end of the due date in that zone)
    ['UTC', '2026-01-31T23:30:00Z', '2026-01-31', '2026-02-28', '2026-03-01T00:00:00.000Z'],
    ['Europe/Berlin', '2026-01-31T23:30:00Z', '2026-02-01', '2026-03-01', '2026-03-01T23:00:00.000Z'],
    ['UTC', '2026-03-01T05:00:00Z', '2026-03-01', '2026-04-01', '2026-04-02T00:00:00.000Z'],
    // Due after the US change to PDT (8 March): the due date ends at 07:00 UTC, not 08:00.
    ['America/Los_Angeles', '2026-03-01T05:00:00Z', '2026-02-28', '2026-03-28', '2026-03-29T07:00:00.000Z'],
    ['Pacific/Pago_Pago', '2026-03-01T05:00:00Z', '2026-02-28', '2026-03-28', '2026-03-29T11:00:00.000Z'],
    ['UTC', '2026-04-30T12:00:00Z', '2026-04-30', '2026-05-30', '2026-05-31T00:00:00.000Z'],
    ['Pacific/Kiritimati', '2026-04-30T12:00:00Z', '2026-05-01', '2026-06-01', '2026-06-01T10:00:00.000Z'],
  ])('%s at %s: received %s, due %s, late from %s', (zone, instant, received, due, dueAt) => {
    expect(receivedDateOf(at(instant), zone)).toBe(received);
    expect(localDate(at(instant), zone)).toBe(received);
    const deadline = deadlineOf('GDPR', at(instant), zone);
    expect(deadline.dueDate).toBe(due);
    expect(iso(deadline.dueAt)).toBe(dueAt);
    expect(iso(deadline.extendedDueAt)).toBe(iso(endOfLocalDay(deadline.extendedDueDate, zone)));
  });

  it.each([
    // zone, date, start, end: across DST changes the day is 23 or 25 hours long
    ['Europe/Berlin', '2026-03-29', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
    ['Europe/Berlin', '2026-10-25', '2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z'],
    ['America/Los_Angeles', '2026-03-08', '2026-03-08T08:00:00.000Z', '2026-03-09T07:00:00.000Z'],
    ['America/Los_Angeles', '2026-11-01', '2026-11-01T07:00:00.000Z', '2026-11-02T08:00:00.000Z'],
    ['Pacific/Kiritimati', '2026-06-01', '2026-05-31T10:00:00.000Z', '2026-06-01T10:00:00.000Z'],
    ['Pacific/Pago_Pago', '2026-06-01', '2026-06-01T11:00:00.000Z', '2026-06-02T11:00:00.000Z'],
    // Local mean time before 1893: Berlin was +00:53:28.
    ['Europe/Berlin', '1890-01-01', '1889-12-31T23:06:32.000Z', '1890-01-01T23:06:32.000Z'],
  ])('%s %s runs from %s to %s', (zone, date, start, end) => {
    expect(iso(startOfLocalDay(date, zone))).toBe(start);
    expect(iso(endOfLocalDay(date, zone))).toBe(end);
  });

  it('a due date of 2026-03-29 in Berlin (the spring-forward day) ends at 22:00 UTC', () => {
    // CCPA: no GDPR receipt in 2026 falls due on 29 March (February has no 29th).
    const deadline = deadlineOf('CCPA', at('2026-02-12T12:00:00Z'), 'Europe/Berlin');
    expect(deadline.dueDate).toBe('2026-03-29');
    expect(iso(deadline.dueAt)).toBe('2026-03-29T22:00:00.000Z');
  });

  /** What Intl itself shows at an instant, to check the skipped midnights independently. */
  const wallClock = (ms: number, timeZone: string) =>
    new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium' }).format(ms);

  it.each([
    // Chile springs forward at 24:00 on the first Saturday of September: 6 September 2026 starts at 01:00.
    ['America/Santiago', '2026-09-06', '2026-09-06T04:00:00.000Z', '2026-09-05 23:59:59', '2026-09-06 01:00:00'],
    // Cuba springs forward at 00:00 on the second Sunday of March.
    ['America/Havana', '2026-03-08', '2026-03-08T05:00:00.000Z', '2026-03-07 23:59:59', '2026-03-08 01:00:00'],
    // East of UTC too: Lebanon springs forward at 00:00 on the last Sunday of March; Iran did until 2022.
    ['Asia/Beirut', '2026-03-29', '2026-03-28T22:00:00.000Z', '2026-03-28 23:59:59', '2026-03-29 01:00:00'],
    ['Asia/Tehran', '2021-03-22', '2021-03-21T20:30:00.000Z', '2021-03-21 23:59:59', '2021-03-22 01:00:00'],
    // Samoa skipped 30 December 2011 altogether: the first instant on or after it is 31 December 00:00.
    ['Pacific/Apia', '2011-12-30', '2011-12-30T10:00:00.000Z', '2011-12-29 23:59:59', '2011-12-31 00:00:00'],
  ])('%s: midnight of %s is skipped, the day starts when the clocks jump (%s)', (zone, date, start, before, after) => {
    const startMs = startOfLocalDay(date, zone);
    expect(iso(startMs)).toBe(start);
    expect(wallClock(startMs - 1000, zone)).toBe(before);
    expect(wallClock(startMs, zone)).toBe(after);
  });

  it('a due date ending at a skipped midnight is late from the jump', () => {
    expect(iso(endOfLocalDay('2026-09-05', 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
    const deadline = deadlineOf('GDPR', at('2026-08-05T15:00:00Z'), 'America/Santiago');
    expect(deadline).toMatchObject({ dueDate: '2026-09-05', extendedDueDate: '2026-11-05' });
    expect(iso(deadline.dueAt)).toBe('2026-09-06T04:00:00.000Z');
  });
});

describe('nextWorkingDay option (UK ICO practice)', () => {
  it.each<[string, ComplianceType, string, string[] | undefined, string, string]>([
    ['off by default: Saturday stays', 'GDPR', '2026-01-31', undefined, '2026-02-28', '2026-04-28'],
    ['Saturday 28 Feb → Monday 2 Mar', 'GDPR', '2026-01-31', [], '2026-03-02', '2026-04-28'],
    [
      'Good Friday and Easter Monday skipped',
      'GDPR',
      '2026-03-03',
      ['2026-04-03', '2026-04-06'],
      '2026-04-07',
      '2026-06-03',
    ],
    ['a Friday without holidays stays', 'GDPR', '2026-03-03', [], '2026-04-03', '2026-06-03'],
    ['holiday on the extended date', 'GDPR', '2026-03-03', ['2026-06-03'], '2026-04-03', '2026-06-04'],
    ['CCPA Sunday → Monday', 'CCPA', '2026-01-01', [], '2026-02-16', '2026-04-01'],
  ])('%s', (_name, regulation, received, holidays, due, extended) => {
    const options = holidays === undefined ? {} : { nextWorkingDay: { holidays } };
    expect(dueDates(regulation, received, options)).toEqual({ dueDate: due, extendedDueDate: extended });
  });

  it('extends from the unmoved due date, so a moved due date does not lengthen the extension', () => {
    // Due Sat 2026-02-28, moved to Mon 2 Mar; the extension still runs from 28 Feb to 28 Apr.
    expect(dueDates('GDPR', '2026-01-31', { nextWorkingDay: {} }).extendedDueDate).toBe('2026-04-28');
  });

  it('deadlineOf ends the moved due date', () => {
    const deadline = deadlineOf('GDPR', at('2026-01-31T12:00:00Z'), 'Europe/London', { nextWorkingDay: {} });
    expect(deadline.dueDate).toBe('2026-03-02');
    expect(iso(deadline.dueAt)).toBe('2026-03-03T00:00:00.000Z');
  });
});

describe('extensionAllowed', () => {
  const receivedAtMs = at('2026-01-31T10:00:00Z');
  const gdpr = deadlineOf('GDPR', receivedAtMs, 'UTC');
  const ccpa = deadlineOf('CCPA', receivedAtMs, 'UTC');

  it('allows one extension while the first period runs', () => {
    expect(iso(gdpr.dueAt)).toBe('2026-03-01T00:00:00.000Z');
    expect(ccpa.dueDate).toBe('2026-03-17');
    expect(extensionAllowed('GDPR', { receivedAtMs, dueAt: gdpr.dueAt, extended: false }, gdpr.dueAt - 1)).toEqual({
      allowed: true,
    });
    expect(extensionAllowed('CCPA', { receivedAtMs, dueAt: ccpa.dueAt, extended: false }, receivedAtMs)).toEqual({
      allowed: true,
    });
  });

  it.each<[ComplianceType, number, RegExp]>([
    ['GDPR', gdpr.dueAt, /ended at 2026-03-01T00:00:00\.000Z .*within the first month/],
    ['GDPR', gdpr.dueAt + 5 * DAY_MS, /received at 2026-01-31T10:00:00\.000Z ended at 2026-03-01T00:00:00\.000Z/],
    ['CCPA', ccpa.dueAt, /ended at 2026-03-18T00:00:00\.000Z .*within the first 45 days/],
  ])('refuses %s once the first period is over (now %i)', (regulation, nowMs, reason) => {
    const dueAt = regulation === 'GDPR' ? gdpr.dueAt : ccpa.dueAt;
    const decision = extensionAllowed(regulation, { receivedAtMs, dueAt, extended: false }, nowMs);
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) expect(decision.reason).toMatch(reason);
  });

  it.each<[ComplianceType, RegExp]>([
    ['GDPR', /already extended once.*two further months/],
    ['CCPA', /already extended once.*45 more days/],
  ])('refuses a second %s extension', (regulation, reason) => {
    const decision = extensionAllowed(regulation, { receivedAtMs, dueAt: gdpr.dueAt, extended: true }, receivedAtMs);
    expect(decision).toEqual({ allowed: false, reason: expect.stringMatching(reason) });
  });

  it('narrows on allowed', () => {
    expectTypeOf<Extract<ExtensionDecision, { allowed: false }>>().toHaveProperty('reason').toBeString();
    expectTypeOf(dueDates).parameter(0).toEqualTypeOf<ComplianceType>();
  });
});

describe('daysLeft', () => {
  it.each([
    ['2026-03-01', '2026-03-01T00:00:00Z', 'UTC', 0],
    ['2026-03-01', '2026-03-01T23:59:59Z', 'UTC', 0],
    ['2026-03-01', '2026-03-02T00:00:00Z', 'UTC', -1],
    ['2026-03-01', '2026-03-11T12:00:00Z', 'UTC', -10],
    ['2026-03-01', '2026-02-27T23:59:00Z', 'UTC', 2],
    ['2026-04-03', '2026-01-01T00:00:00Z', 'UTC', 92],
    // 23:30 UTC on 28 Feb: still the 28th in UTC and Los Angeles, already 1 March in Berlin and Kiritimati.
    ['2026-03-01', '2026-02-28T23:30:00Z', 'UTC', 1],
    ['2026-03-01', '2026-02-28T23:30:00Z', 'Europe/Berlin', 0],
    ['2026-03-01', '2026-02-28T23:30:00Z', 'America/Los_Angeles', 1],
    ['2026-03-01', '2026-02-28T23:30:00Z', 'Pacific/Kiritimati', 0],
    ['2026-03-01', '2026-03-01T10:30:00Z', 'Pacific/Kiritimati', -1],
    ['2026-03-01', '2026-03-02T10:30:00Z', 'Pacific/Pago_Pago', 0],
  ])('due %s, now %s in %s: %i', (due, now, zone, expected) => {
    expect(daysLeft(due, at(now), zone)).toBe(expected);
  });
});

describe('bad input: a ValidationError naming the field and the value', () => {
  it.each<[string, () => unknown, string, string]>([
    ['impossible date', () => parseCalendarDate('2026-02-30', 'receivedDate'), 'receivedDate', '"2026-02-30"'],
    ['month 13', () => parseCalendarDate('2026-13-01', 'receivedDate'), 'receivedDate', '"2026-13-01"'],
    ['no zero padding', () => parseCalendarDate('2026-2-3', 'receivedDate'), 'receivedDate', '"2026-2-3"'],
    ['with a time', () => parseCalendarDate('2026-01-01T00:00Z', 'd'), 'd', '"2026-01-01T00:00Z"'],
    ['year 0', () => parseCalendarDate('0000-01-01', 'd'), 'd', '"0000-01-01"'],
    ['leading space', () => parseCalendarDate(' 2026-01-01', 'd'), 'd', '" 2026-01-01"'],
    ['not a string', () => parseCalendarDate(20260101, 'd'), 'd', '20260101'],
    ['unknown zone', () => assertTimeZone('Mars/Olympus_Mons', 'timeZone'), 'timeZone', '"Mars/Olympus_Mons"'],
    ['fixed offset', () => assertTimeZone('+01:00', 'timeZone'), 'timeZone', '"+01:00"'],
    ['empty zone', () => assertTimeZone('', 'tz'), 'tz', '""'],
    ['no zone', () => assertTimeZone(undefined, 'tz'), 'tz', 'undefined'],
    ['unknown regulation', () => dueDates('HIPAA' as ComplianceType, '2026-01-01'), 'regulation', '"HIPAA"'],
    ['bad received date', () => dueDates('GDPR', '2026-02-29'), 'receivedDate', '"2026-02-29"'],
    [
      'bad holiday',
      () => dueDates('GDPR', '2026-01-31', { nextWorkingDay: { holidays: ['2026-01-01', '1 May'] } }),
      'options.nextWorkingDay.holidays[1]',
      '"1 May"',
    ],
    ['NaN received time', () => deadlineOf('GDPR', Number.NaN, 'UTC'), 'receivedAtMs', 'NaN'],
    ['received time as text', () => receivedDateOf('2026' as unknown as number, 'UTC'), 'receivedAtMs', '"2026"'],
    ['bad zone for a deadline', () => deadlineOf('CCPA', 0, 'Europe/Berlln'), 'timeZone', '"Europe/Berlln"'],
    ['fractional months', () => addMonthsClamped('2026-01-01', 1.5), 'months', '1.5'],
    ['past year 9999', () => addCalendarDays('9999-12-31', 1), 'date', '9999-12-31'],
    ['bad due date', () => daysLeft('2026-02-31', 0, 'UTC'), 'dueDate', '"2026-02-31"'],
    ['bad now', () => daysLeft('2026-02-01', Number.POSITIVE_INFINITY, 'UTC'), 'nowMs', 'Infinity'],
    [
      'due before receipt',
      () => extensionAllowed('GDPR', { receivedAtMs: 10 * DAY_MS, dueAt: DAY_MS, extended: false }, 0),
      'dueAt',
      '1970-01-02T00:00:00.000Z',
    ],
    [
      'extended not a boolean',
      () => extensionAllowed('GDPR', { receivedAtMs: 0, dueAt: DAY_MS, extended: 'no' as unknown as boolean }, 0),
      'extended',
      '"no"',
    ],
  ])('%s', (_name, run, field, shown) => {
    const error = validationError(run);
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
    expect(error.message).toContain(shown);
  });
});

describe('properties', () => {
  const seed = Number(process.env.DEADLINE_SEED) || Date.now() % 2 ** 31;
  console.log(`deadline properties seed: ${seed} (rerun with DEADLINE_SEED=${seed})`);

  /** Any date from 1900 to 2199, built without the code under test. */
  const calendarDate = fc
    .integer({ min: at('1900-01-01T00:00:00Z') / DAY_MS, max: at('2199-12-31T00:00:00Z') / DAY_MS })
    .map((day) => iso(day * DAY_MS).slice(0, 10));

  it('GDPR: due 28–31 days after receipt, on the same day number or the month’s last; extended ≥ due + 59 days', () => {
    fc.assert(
      fc.property(calendarDate, (received) => {
        const { dueDate, extendedDueDate } = dueDates('GDPR', received);
        const days = daysBetween(received, dueDate);
        expect(days).toBeGreaterThanOrEqual(28);
        expect(days).toBeLessThanOrEqual(31);
        const receivedDay = Number(received.slice(8));
        const dueDay = Number(dueDate.slice(8));
        if (dueDay !== receivedDay) expect(addCalendarDays(dueDate, 1).slice(8)).toBe('01');
        expect(daysBetween(dueDate, extendedDueDate)).toBeGreaterThanOrEqual(59);
        expect(daysBetween(dueDate, extendedDueDate)).toBeLessThanOrEqual(62);
      }),
      { seed, numRuns: 2000 },
    );
  });

  it('CCPA: due exactly 45 days after receipt, extended exactly 90', () => {
    fc.assert(
      fc.property(calendarDate, (received) => {
        const { dueDate, extendedDueDate } = dueDates('CCPA', received);
        expect(daysBetween(received, dueDate)).toBe(45);
        expect(daysBetween(received, extendedDueDate)).toBe(90);
      }),
      { seed, numRuns: 2000 },
    );
  });

  it('startOfLocalDay is the first instant of that date (or later) in any zone Intl knows', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    fc.assert(
      fc.property(fc.constantFrom(...zones), calendarDate, (zone, date) => {
        const start = startOfLocalDay(date, zone);
        expect(localDate(start - 1, zone) < date).toBe(true);
        expect(localDate(start, zone) >= date).toBe(true);
        expect(endOfLocalDay(date, zone)).toBe(startOfLocalDay(addCalendarDays(date, 1), zone));
      }),
      { seed, numRuns: 1000 },
    );
  });
});
