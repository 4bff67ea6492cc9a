import { InvalidInput } from './InvalidInput.js';
import { decodeUtf8, hasInvalidUtf8, printableBytes, Utf8Decoder } from './Utf8Decoder.js';

/** A line as read: its text, or why it is not one (invalid UTF-8, too long). */
export type Line = string | InvalidInput;

/** Characters kept of an over-long line, for its report: more than `printable` shows. */
const KEPT_OF_LONG_LINE = 100;

/**
 * Lines of UTF-8 text, a chunk (array) per read. CRLF, a missing final
 * newline and a byte order mark are fine. A line longer than `maxLength`
 * characters, or with invalid UTF-8, comes as an `InvalidInput`; an
 * over-long line is never held whole (only its start, for the report), and
 * time stays linear in its length.
 */
export async function* readLines(bytes: AsyncIterable<Uint8Array>, maxLength: number): AsyncGenerator<Line[]> {
  const decoder = new Utf8Decoder();
  const splitter = new LineSplitter(maxLength, decoder);
  for await (const text of decodeUtf8(bytes, decoder)) {
    const lines: Line[] = [];
    splitter.push(text, lines);
    if (lines.length) yield lines;
  }
  const last: Line[] = [];
  splitter.end(last);
  if (last.length) yield last;
}

/**
 * Cuts text at '\n'. The unfinished line is a list of pieces, joined once
 * at its newline: joining it to every new chunk (and splitting again)
 * re-scanned a long line once per read, quadratic time.
 */
class LineSplitter {
  private pieces: string[] = [];
  private pendingLength = 0;
  private first = true;

  constructor(
    private readonly maxLength: number,
    private readonly decoder: Utf8Decoder,
  ) {}

  push(text: string, out: Line[]): void {
    const firstBreak = text.indexOf('\n');
    if (firstBreak === -1) return this.hold(text);
    this.hold(text.slice(0, firstBreak));
    out.push(this.line(this.pieces.length === 1 ? this.pieces[0]! : this.pieces.join(''), this.pendingLength));
    this.pieces = [];
    this.pendingLength = 0;
    const lastBreak = text.lastIndexOf('\n');
    if (lastBreak > firstBreak)
      for (const line of text.slice(firstBreak + 1, lastBreak).split('\n')) out.push(this.line(line, line.length));
    this.hold(text.slice(lastBreak + 1));
  }

  end(out: Line[]): void {
    if (this.pendingLength) out.push(this.line(this.pieces.join(''), this.pendingLength));
  }

  /** Keeps a piece of the unfinished line; past `maxLength`, only its start. */
  private hold(text: string): void {
    const length = this.pendingLength + text.length;
    if (length <= this.maxLength) this.pieces.push(text);
    else if (this.pendingLength <= this.maxLength)
      this.pieces = [(this.pieces.join('') + text.slice(0, KEPT_OF_LONG_LINE)).slice(0, KEPT_OF_LONG_LINE)];
    this.pendingLength = length;
  }

  private line(text: string, length: number): Line {
    if (this.first) {
      this.first = false;
      // A byte order mark is never part of an id.
      if (text.charCodeAt(0) === 0xfeff) return this.line(text.slice(1), length - 1);
    }
    if (length > this.maxLength)
      return new InvalidInput(`line longer than ${this.maxLength} characters`, printableBytes(text, length));
    if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    if (this.decoder.sawInvalid && hasInvalidUtf8(text))
      return new InvalidInput('not valid UTF-8', printableBytes(text));
    return text;
  }
}
