import { ValidationError } from '@mixpanel-gdpr/client';
import { InvalidInput } from './InvalidInput.js';
import { printable } from './printable.js';
import { rawJsonValue } from './rawJsonValue.js';
import { readLines } from './readLines.js';
import { releaseAcrossYield } from './releaseAcrossYield.js';

/**
 * Longest NDJSON line read, in characters. Larger than for plain ids
 * because a record may carry other fields beside the id; past this, the
 * line is reported invalid without being held whole.
 * (1 Mi characters.)
 */
export const MAX_NDJSON_LINE_LENGTH = 1 << 20;

// A JSON number is an id only when written as a plain integer that a double holds exactly.
const PLAIN_INTEGER = /^-?(0|[1-9]\d*)$/;

/**
 * The `field` of each NDJSON line, a chunk per read; positions are line
 * numbers. A line without the field (or with it null or empty) is an
 * invalid id naming the field; a line that is not JSON throws naming it.
 */
export async function* ndjsonField(
  bytes: AsyncIterable<Uint8Array>,
  field: string,
  name: string,
): AsyncGenerator<unknown[]> {
  let lineNumber = 0;
  for await (const lines of readLines(bytes, MAX_NDJSON_LINE_LENGTH)) {
    const values: unknown[] = [];
    for (const line of lines) {
      lineNumber++;
      // A blank line still counts, so that positions in reports are line numbers.
      values.push(typeof line === 'string' ? fieldValue(line, field, name, lineNumber) : line);
    }
    releaseAcrossYield(lines);
    yield values;
  }
}

function fieldValue(line: string, field: string, name: string, lineNumber: number): unknown {
  if (!line.trim()) return '';
  return idField(parseJsonLine(line, name, lineNumber), line, field);
}

/** The value of a line that is not blank; a line that is not JSON stops the read. */
export function parseJsonLine(line: string, name: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new ValidationError('ids', `${name} line ${lineNumber} is not valid JSON`);
  }
}

/** Whether `record` (a parsed line) can hold fields: only an object, not an array or a string. */
export const isJsonObject = (record: unknown): record is Record<string, unknown> =>
  record !== null && typeof record === 'object' && !Array.isArray(record);

/** The id in `field` of `record`, parsed from `line`, or why there is none. */
export function idField(record: unknown, line: string, field: string): unknown {
  // Only an own field of an object: not `length` of a string, not `constructor` of every object.
  if (!isJsonObject(record))
    return new InvalidInput(`no field ${JSON.stringify(field)}: the line is not a JSON object`, printable(line));
  if (!Object.hasOwn(record, field)) return new InvalidInput(`no field ${JSON.stringify(field)}`, printable(line));
  const value = record[field];
  // null and "" are how exports write a missing id: reported, where a blank line is skipped.
  if (value === null || (typeof value === 'string' && !value.trim()))
    return new InvalidInput(`field ${JSON.stringify(field)} is ${value === null ? 'null' : 'empty'}`, printable(line));
  return typeof value === 'number' ? numericId(line, field, value) : value;
}

/** Numeric user ids are common in exports; the id is the literal as written, or the record is invalid. */
function numericId(line: string, field: string, value: number): string | InvalidInput {
  const raw = rawJsonValue(line, field) ?? String(value);
  if (PLAIN_INTEGER.test(raw) && Number.isSafeInteger(value)) return raw;
  return new InvalidInput(
    'a number that JSON cannot carry exactly (only integers up to 2^53-1 can): quote it as a string',
    printable(raw),
  );
}
