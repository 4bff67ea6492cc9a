import { InvalidInput } from './InvalidInput.js';
import { hasInvalidUtf8, printableBytes } from './Utf8Decoder.js';

/**
 * Characters a ticket id never holds, which would hide in a report or a log:
 * control characters (C0, DEL, C1: a tab, a newline inside quotes, NUL),
 * line and paragraph separators, and the bidirectional overrides and
 * isolates that make text display in another order than it is stored.
 */
const HIDDEN_CHARACTER = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/**
 * The text of a request cell (request, received, regulation, kind),
 * trimmed and otherwise as written, or why it cannot be passed on.
 * `what` names the cell for the reason (`"request_id" cell in row 3`);
 * `row` shows the whole row or line when the cell itself is empty.
 * `mayHoldInvalidUtf8`: the decoder saw an invalid byte (CSV only; an
 * NDJSON line with one never gets this far).
 */
export function requestText(
  value: string,
  what: string,
  row: () => string,
  mayHoldInvalidUtf8 = false,
): string | InvalidInput {
  const text = value.trim();
  if (!text) return new InvalidInput(`empty ${what}`, row());
  if (mayHoldInvalidUtf8 && hasInvalidUtf8(text))
    return new InvalidInput(`${what} is not valid UTF-8`, printableBytes(text));
  // String.prototype.isWellFormed is in Node 20; the ES2023 lib typings lack it.
  if (!(text as unknown as { isWellFormed(): boolean }).isWellFormed())
    return new InvalidInput(`${what} is not valid Unicode (a lone surrogate)`, printableBytes(text));
  const hidden = HIDDEN_CHARACTER.exec(text);
  if (hidden)
    return new InvalidInput(`${what} holds a control character (${codePoint(hidden[0])})`, printableBytes(text));
  return text;
}

const codePoint = (character: string) => `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
