import { describe, expect, it } from 'vitest';
import { ROUND_TRIP_WINDOW, ROUND_TRIPS_BEFORE_FLOOR, RoundTripFloor } from '../src/RoundTripFloor.js';

const floorsOf = (roundTrips: number[]) => {
  const floor = new RoundTripFloor();
  return roundTrips.map((ms) => floor.next(ms));
};

describe('RoundTripFloor', () => {
  it('trusts no floor from the first round trips (the very first not counted at all)', () => {
    const floors = floorsOf([1, 10, 10, 10, 10, 10]);
    expect(ROUND_TRIPS_BEFORE_FLOOR).toBe(5);
    expect(floors).toEqual([0, 0, 0, 0, 10, 10]);
  });

  it('credits only what every recent round trip spent on its way back: the fastest less the spread', () => {
    expect(floorsOf([300, 10, 10, 10, 10, 14]).at(-1)).toBe(6);
  });

  it('credits nothing while round trips vary more than the fastest (the loaded machine that got a 429 in CI)', () => {
    // Round trips seen by one worker at 40 req/s on a loaded machine: the fastest credited in full let the next
    // request arrive 21 ms behind the previous one.
    const floors = floorsOf([120, 99.8, 23.7, 42.5, 73.6, 42.3, 105.9, 54.8, 62.7]);
    expect(floors.at(-1)).toBe(0);
  });

  it('gives the credit back once a slow round trip has left the window, and keeps the fastest ever seen', () => {
    const floor = new RoundTripFloor();
    for (const ms of [50, 20, 20, 20, 20]) floor.next(ms);
    expect(floor.next(20)).toBe(20);
    expect(floor.next(60)).toBe(0);
    const after = Array.from({ length: ROUND_TRIP_WINDOW }, () => floor.next(25));
    expect(after.slice(0, -1).every((ms) => ms === 0)).toBe(true);
    // The 60 ms one has gone; the fastest (20 ms) stays, so the spread counts from it.
    expect(after.at(-1)).toBe(15);
  });
});
