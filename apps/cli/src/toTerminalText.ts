import { randomBytes } from 'node:crypto';
import pc from 'picocolors';
import { escapeTerminal } from './escapeTerminal.js';

const STYLES = ['red', 'green', 'yellow', 'cyan', 'bold', 'dim'] as const;
export type Style = (typeof STYLES)[number];
/** Colour functions for human text, to pass to `ProgressView.info`/`result`. */
export type Colors = Record<Style, (text: string | number) => string>;

/*
 * Why markers instead of colour codes: untrusted text (a server's status or
 * error, an id) is interpolated into our messages, and once it is one string
 * a hostile `\x1b[2J` cannot be told from our own `\x1b[31m`. So our colours
 * are written as markers holding a per-process random nonce, nothing that
 * reaches the terminal is ever written without going through
 * `toTerminalText`, which escapes *everything* and only then turns markers
 * into colours. A server cannot forge a marker (it never sees the nonce), and
 * forgetting to escape a value is impossible: there is no unescaped path.
 */
const NONCE = randomBytes(8).toString('hex');
const open = (style: Style) => `\uE000${NONCE}${style}\uE001`;
const CLOSE = `\uE000${NONCE}/\uE001`;
const MARKER = new RegExp(`\uE000${NONCE}(${STYLES.join('|')}|/)\uE001`, 'g');

/** Colours as markers; the stream they are written to decides whether they show. */
export const colors: Colors = Object.freeze(
  Object.fromEntries(STYLES.map((s) => [s, (text: string | number) => `${open(s)}${text}${CLOSE}`])) as Colors,
);

export interface TerminalTextOptions {
  /** false: a one-line message, where a newline is shown as `\x0a`. @default true */
  newlines?: boolean;
  /** Applied to the text between markers, so that no secret can break (or be hidden by) a marker. @default none */
  redact?: (text: string) => string;
}

/** `text` redacted, escaped for a terminal (see `escapeTerminal`), with our markers turned into colours, or dropped when `colorful` is false. */
export function toTerminalText(
  text: string,
  colorful: boolean,
  { newlines = true, redact = (t) => t }: TerminalTextOptions = {},
): string {
  const paint = pc.createColors(colorful);
  // A stack of open styles, each with the text written inside it so far: nested styles render like picocolors' own nesting.
  const stack: Array<{ style?: Style; text: string }> = [{ text: '' }];
  const add = (raw: string) => (stack.at(-1)!.text += escapeTerminal(redact(raw), { newlines }));
  const closeOne = () => {
    const done = stack.pop()!;
    stack.at(-1)!.text += paint[done.style!](done.text);
  };
  let at = 0;
  for (const match of text.matchAll(MARKER)) {
    add(text.slice(at, match.index));
    at = match.index + match[0].length;
    if (match[1] !== '/') stack.push({ style: match[1] as Style, text: '' });
    else if (stack.length > 1) closeOne();
  }
  add(text.slice(at));
  while (stack.length > 1) closeOne();
  return stack[0]!.text;
}
