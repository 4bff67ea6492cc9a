/** Characters of a value shown in a report; the rest is summarised by its length. */
const SHOWN_CHARACTERS = 80;

/**
 * A value shortened and escaped for reports. `length` is the value's real
 * length when `value` is only the start of it (an over-long line is never
 * held whole).
 */
export function printable(value: unknown, length?: number): string {
  const text = typeof value === 'string' ? value : typeName(value);
  const total = length ?? text.length;
  const shown = text.length > SHOWN_CHARACTERS ? text.slice(0, SHOWN_CHARACTERS) : text;
  const escaped = JSON.stringify(shown).slice(1, -1);
  return total > shown.length ? `${escaped}… (${total} characters)` : escaped;
}

/** What a non-string is, without calling its own toString (which may be missing, or throw). */
function typeName(value: unknown): string {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return String(value);
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return '[object]';
  }
}
