import { DAY_MS } from './dayNumber.js';
import { wallClockMs } from './wallClockMs.js';

const HOUR_MS = 3_600_000;
/** Beyond any offset tzdb has had (local mean times reached about ±16 h), so nothing earlier can be the answer. */
const BEFORE_MS = 17 * HOUR_MS;
/** Far enough to cross a skipped day (Samoa dropped 30 December 2011) at the largest offsets. */
const AFTER_MS = 48 * HOUR_MS;
/** Probe spacing: no zone has changed its offset twice within 3 hours. */
const STEP_MS = 3 * HOUR_MS;

const offsetAt = (epochMs: number, timeZone: string) => wallClockMs(epochMs, timeZone) - epochMs;

/**
 * The first instant whose local date in `timeZone` is day `dayNumber` or
 * later. Usually local midnight; where midnight is skipped (America/Santiago
 * springs from 00:00 to 01:00) the moment the clocks jump; where the whole
 * day is skipped, the start of the next day that exists.
 *
 * Walks the offset's constant stretches in time order: within a stretch of
 * offset o the wall clock is t + o, so the first instant reaching midnight is
 * max(stretch start, midnight - o), if that is still inside the stretch.
 */
export function firstInstantOfDay(dayNumber: number, timeZone: string): number {
  const key = `${timeZone} ${dayNumber}`;
  const known = days.get(key);
  if (known !== undefined) return known;
  const first = searchFirstInstant(dayNumber, timeZone);
  if (days.size >= DAYS_MAX) days.delete(days.keys().next().value!);
  days.set(key, first);
  return first;
}

/**
 * Days already found, by zone and day. The search converts about twenty
 * instants through Intl (some 100 µs a day); every request received takes
 * two (its due date and its extended one), and requests received on one
 * day share them. A day's first instant never changes in a process (its
 * tzdb is fixed), so nothing here goes stale. Oldest out first: 4,096 days
 * are eleven years of due dates in one zone.
 */
const days = new Map<string, number>();
const DAYS_MAX = 4_096;

function searchFirstInstant(dayNumber: number, timeZone: string): number {
  const midnight = dayNumber * DAY_MS;
  let start = midnight - BEFORE_MS;
  let offset = offsetAt(start, timeZone);
  for (let probe = start + STEP_MS; probe <= midnight + AFTER_MS; probe += STEP_MS) {
    let probeOffset = offsetAt(probe, timeZone);
    while (probeOffset !== offset) {
      const change = firstChange(start, probe, offset, timeZone);
      const candidate = Math.max(start, midnight - offset);
      if (candidate < change) return candidate;
      start = change;
      offset = offsetAt(change, timeZone);
      probeOffset = offsetAt(probe, timeZone);
    }
    const candidate = Math.max(start, midnight - offset);
    if (candidate <= probe) return candidate;
  }
  throw new RangeError(`no local day ${dayNumber} found in ${timeZone}`);
}

/** The first instant in (from, to] whose offset is not `offset`, to the second (tzdb changes fall on whole seconds). */
function firstChange(from: number, to: number, offset: number, timeZone: string): number {
  let lo = from;
  let hi = to;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, timeZone) === offset) lo = mid;
    else hi = mid;
  }
  return hi;
}
