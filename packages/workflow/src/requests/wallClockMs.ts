import { utcMs } from './dayNumber.js';

/** One formatter per zone: building one costs far more than formatting with it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** @throws RangeError for a name Intl does not know */
export function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The wall-clock time in `timeZone` at `epochMs`, as ms since 1970-01-01
 * 00:00 on that wall clock: `wallClockMs(t, tz) - t` is the zone's offset at
 * t. Intl gives whole seconds; tzdb offsets (old local mean times included,
 * e.g. +00:53:28) are whole seconds too, so the ms carry over unchanged.
 */
export function wallClockMs(epochMs: number, timeZone: string): number {
  const wholeSecondMs = Math.floor(epochMs / 1000) * 1000;
  const key = `${timeZone} ${wholeSecondMs}`;
  const known = recent.get(key);
  if (known !== undefined) return known + (epochMs - wholeSecondMs);
  const wall = wallClockOfSecond(wholeSecondMs, timeZone);
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(key, wall);
  return wall + (epochMs - wholeSecondMs);
}

/**
 * The last instants converted. A listing of 100,000 requests asks the local
 * date of the same "now" in the same zone for each of them, and one
 * `formatToParts` costs more than everything else a request's health needs.
 */
const recent = new Map<string, number>();
const RECENT_MAX = 256;

function wallClockOfSecond(wholeSecondMs: number, timeZone: string): number {
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of formatterFor(timeZone).formatToParts(wholeSecondMs)) part[type] = value;
  // Probes a few hours before 0001-01-01 land in 1 BC, which is year 0.
  const year = part.era === 'BC' ? 1 - Number(part.year) : Number(part.year);
  return utcMs(year, Number(part.month), Number(part.day), Number(part.hour), Number(part.minute), Number(part.second));
}
