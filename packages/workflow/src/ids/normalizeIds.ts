import { distinctIdProblem } from '@mixpanel-gdpr/client';
import { CompactIdSet } from './CompactIdSet.js';
import { InvalidInput } from './InvalidInput.js';
import { printable } from './printable.js';

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

/**
 * Ids from any (async) iterable. An item that is an array is a chunk of ids:
 * file readers yield chunks so that a million ids cost a few hundred awaits,
 * not a million.
 */
export type IdSource = Iterable<unknown> | AsyncIterable<unknown>;

/**
 * Trims, validates and deduplicates ids, yielding chunks of valid ids (each
 * id once, in input order). Invalid ids, and the `InvalidInput`s readers
 * yield for records they could not read as written, are collected in
 * `stats`, never dropped silently. Memory: the distinct valid ids once, as
 * bytes in a `CompactIdSet` (about 21 bytes an id of 13 characters, where a
 * `Set` of strings took about 100). `seen` is for tests that force hash
 * collisions; each call needs a set of its own.
 */
export async function* normalizeIds(
  source: IdSource,
  stats: IdStats,
  seen: { add(id: string): boolean } = new CompactIdSet(),
): AsyncGenerator<string[]> {
  let position = 0;
  const accept = (raw: unknown, out: string[]) => {
    position++;
    if (raw instanceof InvalidInput) {
      stats.read++;
      return void stats.invalid.push({ position, value: raw.display, reason: raw.reason });
    }
    const id = typeof raw === 'string' ? raw.trim() : raw;
    if (id === '') return;
    stats.read++;
    const problem =
      id === undefined || id === null ? 'missing' : (distinctIdProblem(id) ?? unicodeProblem(id as string));
    if (problem) return void stats.invalid.push({ position, value: printable(id), reason: problem });
    if (!seen.add(id as string)) return void stats.duplicates++;
    stats.valid++;
    out.push(id as string);
  };
  for await (const item of source) {
    const out: string[] = [];
    if (Array.isArray(item)) for (const raw of item) accept(raw, out);
    else accept(item, out);
    if (out.length) yield out;
  }
}

export function emptyIdStats(): IdStats {
  return { read: 0, valid: 0, duplicates: 0, invalid: [] };
}

/**
 * A lone surrogate (from a JSON `\ud800` escape, or a program) has no UTF-8
 * form: sent, it would arrive as another id, or none.
 */
function unicodeProblem(id: string): string | undefined {
  // String.prototype.isWellFormed is in Node 20; the ES2023 lib typings lack it.
  return (id as unknown as { isWellFormed(): boolean }).isWellFormed()
    ? undefined
    : 'not valid Unicode (a lone surrogate)';
}
