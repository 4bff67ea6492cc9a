import { seededRandom as random } from '@mixpanel-gdpr/testing';
import { describe, expect, it } from 'vitest';
import { utcMs } from '../src/requests/dayNumber.js';
import { firstInstantOfDay } from '../src/requests/firstInstantOfDay.js';
import { wallClockMs } from '../src/requests/wallClockMs.js';

/** Zones whose offsets move oddly: half-hour DST (Lord Howe), a skipped day (Apia), midnight jumps (Santiago), +2 h DST (Troll), negative DST (Dublin), Ramadan switches (Casablanca), local mean times. */
const ZONES = [
  'Europe/Berlin',
  'America/Santiago',
  'Australia/Lord_Howe',
  'Pacific/Apia',
  'America/St_Johns',
  'Asia/Kathmandu',
  'Europe/Dublin',
  'Africa/Casablanca',
  'Antarctica/Troll',
];
const HOUR_MS = 3_600_000;

/** Intl itself, no conversion kept (formatters of its own, one per zone): what the cached conversions must equal. */
const formats = new Map<string, Intl.DateTimeFormat>();
function reference(epochMs: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  const format =
    formats.get(timeZone) ??
    new Intl.DateTimeFormat('en-US', {
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
  formats.set(timeZone, format);
  const wholeSecondMs = Math.floor(epochMs / 1000) * 1000;
  for (const { type, value } of format.formatToParts(wholeSecondMs)) parts[type] = value;
  const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
  return (
    utcMs(
      year,
      Number(parts.month),
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    ) +
    (epochMs - wholeSecondMs)
  );
}

describe('wallClockMs with its hour cache', () => {
  it('equals Intl at the start and at a random instant of every hour of a year, in zones whose offsets move oddly', () => {
    const seed = Number(process.env.WALL_CLOCK_SEED ?? Date.now() % 1_000_000);
    console.log(`wallClockCache seed: ${seed} (WALL_CLOCK_SEED=${seed} replays it)`);
    const next = random(seed);
    const from = Date.UTC(2011, 0, 1);
    for (const zone of ZONES)
      for (let hour = from; hour < from + 8_766 * HOUR_MS; hour += HOUR_MS) {
        // A random instant of each hour (ms included) first, so its hour is converted before its ends are asked.
        const inside = hour + Math.floor(next() * HOUR_MS);
        expect([zone, inside, wallClockMs(inside, zone)]).toEqual([zone, inside, reference(inside, zone)]);
        expect([zone, hour, wallClockMs(hour, zone)]).toEqual([zone, hour, reference(hour, zone)]);
      }
  });

  it('equals Intl at random instants from the year 1 to 2200 (local mean times, old changes)', () => {
    const seed = Number(process.env.WALL_CLOCK_SEED ?? Date.now() % 1_000_000);
    console.log(`wallClockCache seed: ${seed} (WALL_CLOCK_SEED=${seed} replays it)`);
    const next = random(seed);
    const from = Date.UTC(1, 0, 1);
    const span = Date.UTC(2200, 0, 1) - from;
    for (const zone of ZONES)
      for (let i = 0; i < 3_000; i++) {
        const at = from + Math.floor(next() * span);
        expect([zone, at, wallClockMs(at, zone)]).toEqual([zone, at, reference(at, zone)]);
      }
  });
});

describe('firstInstantOfDay with its day cache', () => {
  it('gives the same instant asked again, and a day asked again after others still its own', () => {
    const day = Math.floor(Date.UTC(2011, 11, 30) / 86_400_000);
    // Apia skipped 30 December 2011: its first instant is that of the 31st.
    const skipped = firstInstantOfDay(day, 'Pacific/Apia');
    expect(skipped).toBe(firstInstantOfDay(day + 1, 'Pacific/Apia'));
    for (let d = day - 5_000; d < day; d++) firstInstantOfDay(d, 'Pacific/Apia');
    expect(firstInstantOfDay(day, 'Pacific/Apia')).toBe(skipped);
    expect(firstInstantOfDay(day, 'Europe/Berlin')).toBe(Date.UTC(2011, 11, 29, 23));
  });
});
