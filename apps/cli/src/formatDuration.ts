const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * A duration for people, in its two largest units: "45 s", "2 min 5 s",
 * "3 h 20 min", "4 d 2 h". Rounded up to the second, so a wait is never
 * shown shorter than it is.
 */
export function formatDuration(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / SECOND_MS) * SECOND_MS;
  const units: Array<[number, string]> = [
    [DAY_MS, 'd'],
    [HOUR_MS, 'h'],
    [MINUTE_MS, 'min'],
    [SECOND_MS, 's'],
  ];
  const first = units.findIndex(([size]) => total >= size);
  if (first === -1) return '0 s';
  const [size, unit] = units[first]!;
  const [nextSize, nextUnit] = units[first + 1] ?? [0, ''];
  const major = Math.floor(total / size);
  const minor = nextSize ? Math.floor((total % size) / nextSize) : 0;
  return minor ? `${major} ${unit} ${minor} ${nextUnit}` : `${major} ${unit}`;
}
