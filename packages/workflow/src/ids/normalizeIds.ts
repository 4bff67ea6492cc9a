import { distinctIdProblem } from '@mixpanel-gdpr/client';

/** An id that cannot be sent, with where it came from and why. */
export interface InvalidId {
  /** 1-based position in the input (line or record). */
  position: number;
  /** The value, shortened and escaped for reports. */
  value: string;
  reason: string;
}

export interface IdStats {
  /** Values read from the input, blank lines excluded. */
  read: number;
  valid: number;
  duplicates: number;
  invalid: InvalidId[];
}

export type IdSource = Iterable<unknown> | AsyncIterable<unknown>;

/**
 * Trims, validates and deduplicates ids from any (async) iterable, yielding
 * each valid id once, in input order. Invalid ids are collected in `stats`,
 * never dropped silently. Memory: one Set of the distinct valid ids.
 */
export async function* normalizeIds(source: IdSource, stats: IdStats): AsyncGenerator<string> {
  const seen = new Set<string>();
  let position = 0;
  for await (const raw of source) {
    position++;
    const id = typeof raw === 'string' ? raw.trim() : raw;
    if (id === '') continue;
    stats.read++;
    const problem = id === undefined || id === null ? 'missing' : distinctIdProblem(id);
    if (problem) {
      stats.invalid.push({ position, value: printable(id), reason: problem });
      continue;
    }
    if (seen.has(id as string)) {
      stats.duplicates++;
      continue;
    }
    seen.add(id as string);
    stats.valid++;
    yield id as string;
  }
}

export function emptyIdStats(): IdStats {
  return { read: 0, valid: 0, duplicates: 0, invalid: [] };
}

function printable(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  const escaped = JSON.stringify(text.length > 80 ? text.slice(0, 80) : text).slice(1, -1);
  return text.length > 80 ? `${escaped}… (${text.length} characters)` : escaped;
}
