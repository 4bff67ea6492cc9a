/**
 * Characters a terminal acts on instead of printing: C0 controls (ESC opens
 * colour, title, clear-screen and hyperlink sequences; CR and BS overwrite
 * what was printed; BEL rings), DEL, C1 controls (U+009B is a one-character
 * CSI on terminals that honour UTF-8 C1), the Unicode line and paragraph
 * separators, and the bidirectional controls that reorder what is displayed
 * ("Trojan Source": U+202A–202E, U+2066–2069, plus the LRM/RLM/ALM marks).
 * Tab is kept: it only moves the cursor right.
 */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const UNSAFE_KEEPING_NEWLINES =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
/** The same set minus C0 (which JSON.stringify escapes itself). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const visible = (c: string) => {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * `text` with every character above shown as a visible escape (`\x1b`,
 * `\u202e`), so text from a server, a ledger or an ids file can only print.
 * Backslashes are left alone: a literal `\x1b` in the input prints the same,
 * harmlessly. `newlines: false` for one-line messages, so a value cannot
 * start a line that looks like ours.
 */
export function escapeTerminal(text: string, { newlines = true }: { newlines?: boolean } = {}): string {
  return text.replace(newlines ? UNSAFE_KEEPING_NEWLINES : UNSAFE, visible);
}

/**
 * One NDJSON line. JSON.stringify already writes C0 controls as `\u001b`, but
 * leaves DEL, C1, U+2028/2029 and the bidi controls raw (valid JSON). Those can
 * only occur inside string literals, so writing them as `\uXXXX` too keeps
 * every value identical for a parser while `--json` on a terminal stays inert.
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
