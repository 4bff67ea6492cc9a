/** Erase the whole line, from its start. */
const CLEAR = '\r\x1b[2K';

/**
 * The one line a terminal shows a progress bar on, redrawn in place. Only
 * `\r` and erase-line are used: no saved cursor position, no hidden cursor,
 * no line-wrap switch, so nothing is left to restore if the process dies,
 * and lines written above the bar stay where they are. (cli-progress,
 * used before, restored the cursor to where the bar had started on stop,
 * so whatever came next overwrote the lines printed while it ran.)
 */
export class ProgressLine {
  #shown = false;
  #text = '';

  constructor(private readonly stream: NodeJS.WriteStream) {}

  /** Shows `text` (already safe for a terminal, one line that fits) in place of what was there. */
  draw(text: string): void {
    // Redrawn every second and on every event: only a change is written.
    if (this.#shown && text === this.#text) return;
    this.stream.write(`${CLEAR}${text}`);
    this.#text = text;
    this.#shown = true;
  }

  /** Erases the line; the cursor is left at its start, so what comes next starts clean. */
  clear(): void {
    if (!this.#shown) return;
    this.stream.write(CLEAR);
    this.#shown = false;
  }

  /** Columns available for the line: one less than the terminal's, so it never wraps. */
  get width(): number {
    return Math.max(20, (this.stream.columns || 80) - 1);
  }
}

/** A bar of `width` cells, `fraction` (0-1) of them full. */
export function barCells(fraction: number, width: number): string {
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '\u2588'.repeat(full) + '\u2591'.repeat(width - full);
}
