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
  const hourStart = Math.floor(epochMs / HOUR_MS) * HOUR_MS;
  const hourKey = `${timeZone} ${hourStart}`;
  let offset = hours.get(hourKey);
  if (offset === undefined) {
    const atStart = wallClockOfSecondCached(hourStart, timeZone) - hourStart;
    const atEnd = wallClockOfSecondCached(hourStart + HOUR_MS, timeZone) - (hourStart + HOUR_MS);
    offset = atStart === atEnd ? atStart : null;
    if (hours.size >= HOURS_MAX) hours.delete(hours.keys().next().value!);
    hours.set(hourKey, offset);
  }
  if (offset !== null) return epochMs + offset;
  // The offset changes within this hour: the second itself.
  const wholeSecondMs = Math.floor(epochMs / 1000) * 1000;
  return wallClockOfSecondCached(wholeSecondMs, timeZone) + (epochMs - wholeSecondMs);
}

const HOUR_MS = 3_600_000;
/**
 * The zone's offset through each hour converted (UTC hours), or null where
 * it changes within the hour. The same offset at both ends of an hour is
 * its offset all through it: no zone has changed its offset twice within
 * 3 hours (see firstInstantOfDay). Requests received over weeks arrive at
 * instants all different, and each needs its local date: one Intl call an
 * hour rather than one each. 8,192 hours are almost a year.
 */
const hours = new Map<string, number | null>();
const HOURS_MAX = 8_192;

/** The wall clock at a whole second (epoch ms), the last seconds converted kept. */
function wallClockOfSecondCached(wholeSecondMs: number, timeZone: string): number {
  const key = `${timeZone} ${wholeSecondMs}`;
  const known = recent.get(key);
  if (known !== undefined) return known;
  const wall = wallClockOfSecond(wholeSecondMs, timeZone);
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(key, wall);
  return wall;
}

/**
 * The last seconds converted: the hours' ends, and the seconds of hours in
 * which the offset changes (the search of a day's first instant probes them).
 * One `formatToParts` costs more than everything else a request's health needs.
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
