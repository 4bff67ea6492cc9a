import { ValidationError } from '@mixpanel-gdpr/client';
import { InvalidInput } from './InvalidInput.js';
import { idColumnRank, isIdColumnName } from './idColumnName.js';
import { printable } from './printable.js';
import { type Line, readLines } from './readLines.js';

/**
 * Longest line of a text file, in characters (UTF-16 units, as ids are
 * measured). An id has at most MAX_DISTINCT_ID_LENGTH (255) characters, so a
 * longer line is invalid anyway; this bound only keeps a line with no end
 * (a binary or minified file given by mistake) from being held whole in
 * memory: past it, only the line's start is kept, for the report.
 */
export const MAX_TEXT_LINE_LENGTH = 1 << 16;

/**
 * Lines (not blank, not comments) read before deciding whether a text file
 * is really CSV: enough that a file of ids which happen to hold commas is
 * not taken for one, few enough to decide within the first read.
 */
const CSV_SAMPLE_LINES = 10;

/**
 * Lines (blank ones too) within which the header and the sample are looked
 * for: this bounds what is held before the first ids are passed on, and
 * keeps the decision the same wherever reads end.
 */
const HEAD_LINES = 1 << 16;

// A comment is a line whose first non-space character is '#' followed by a space or nothing:
// '#42' stays an id (some systems number users so), '# exported 2024-05-01' is a comment.
const COMMENT = /^\s*#(\s|$)/;

/**
 * One id per line, a chunk per read. Comment lines count as blank lines
 * (their line numbers stay positions). A first line that names an id
 * column (`distinct_id`, `user_id`, `id`…) is reported, not sent; a file
 * that looks like CSV with a header is refused: its lines are rows, and
 * sending them whole would ask Mixpanel about ids like `a@x.com,u1`.
 */
export async function* textIds(bytes: AsyncIterable<Uint8Array>, name: string): AsyncGenerator<Line[]> {
  let head: Line[] | undefined = [];
  let sampled = 0;
  for await (const lines of readLines(bytes, MAX_TEXT_LINE_LENGTH)) {
    blankComments(lines);
    if (!head) {
      yield lines;
      continue;
    }
    // The first lines are held (across reads as small as a byte) until there are enough to judge.
    if (head.length === 0) head = lines;
    else for (const line of lines) head.push(line);
    for (let i = head.length - lines.length; i < head.length && i < HEAD_LINES && sampled < CSV_SAMPLE_LINES; i++)
      if (isContent(head[i]!)) sampled++;
    if (sampled < CSV_SAMPLE_LINES && head.length < HEAD_LINES) continue;
    yield checkHead(head, name);
    head = undefined;
  }
  if (head?.length) yield checkHead(head, name);
}

function blankComments(lines: Line[]): void {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (typeof line !== 'string') continue;
    const c = line.charCodeAt(0);
    // Fast path: a line that starts with a printable ASCII character other than '#' is no comment.
    if (c > 32 && c < 127 && c !== 35) continue;
    if (COMMENT.test(line)) lines[i] = '';
  }
}

const isContent = (line: Line): line is string => typeof line === 'string' && line.trim() !== '';

/** The first lines, their header (if any) marked invalid; throws if they look like CSV. */
function checkHead(head: Line[], name: string): Line[] {
  const content = contentLines(head);
  if (content.length === 0) return head;
  const [first, ...rows] = content;
  const header = head[first!] as string;
  const cells = header.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
  if (cells.length > 1) {
    const commas = cells.length - 1;
    if (
      cells.some(isIdColumnName) ||
      (rows.length > 0 && rows.every((row) => countCommas(head[row] as string) === commas))
    )
      throw csvError(cells, name);
  } else if (isIdColumnName(header)) {
    head[first!] = new InvalidInput(
      `looks like a header line: "${printable(header.trim())}" names a column, not a user`,
      printable(header),
    );
  }
  return head;
}

/** Indexes of the first sampled lines that hold something, within the head. */
function contentLines(head: Line[]): number[] {
  const found: number[] = [];
  for (let i = 0; i < head.length && i < HEAD_LINES && found.length < CSV_SAMPLE_LINES; i++)
    if (isContent(head[i]!)) found.push(i);
  return found;
}

function countCommas(line: string): number {
  let n = 0;
  for (let i = line.indexOf(','); i !== -1; i = line.indexOf(',', i + 1)) n++;
  return n;
}

/** Header cells named in the error; a first line of thousands of commas is summarised. */
const SHOWN_COLUMNS = 20;

function csvError(cells: string[], name: string): ValidationError {
  // The likeliest id column is suggested: in `email,distinct_id`, not the email.
  const ranked = cells.filter(isIdColumnName).sort((a, b) => idColumnRank(a) - idColumnRank(b));
  const found = ranked[0];
  const column = found === undefined ? 'NAME' : /^[\w$.-]+$/.test(found) ? found : JSON.stringify(found);
  const shown = cells.slice(0, SHOWN_COLUMNS).map((cell) => printable(cell));
  const columns = `${shown.join(', ')}${cells.length > SHOWN_COLUMNS ? `, … (${cells.length} columns)` : ''}`;
  return new ValidationError(
    'ids',
    `${name} looks like CSV with a header (columns: ${columns}), not one id per line: read it as CSV, naming the id column (--format csv --column ${column})`,
  );
}
