import { constants } from 'node:fs';
import { createInterface } from 'node:readline';
import { isLedgerRecord } from './isLedgerRecord.js';
import { isLedgerHeader } from './ledgerHeader.js';
import { openPrivateFile } from './openPrivateFile.js';
import type { LedgerRecord } from './records.js';

/**
 * A ledger file's records, streamed line by line (a ledger of millions of
 * ids is never held whole). The header is skipped, and so is a last line
 * torn by a crash (no newline, or not JSON); any other line that is not a
 * record is corruption, and throws naming its line.
 */
export async function* readHistory(path: string): AsyncGenerator<LedgerRecord> {
  const handle = await openPrivateFile(path, constants.O_RDONLY, 'ledger');
  try {
    const lines = createInterface({ input: handle.createReadStream({ autoClose: false }), crlfDelay: Infinity });
    let number = 0;
    let pending: { text: string; line: number } | undefined;
    for await (const text of lines) {
      if (pending) yield parse(pending.text, pending.line, path);
      number++;
      pending = undefined;
      if (number === 1 && isHeader(text)) continue;
      if (text.trim()) pending = { text, line: number };
    }
    // The last line: whole if it parses, torn by a crash otherwise.
    if (pending) {
      const value = tryParse(pending.text);
      if (isLedgerRecord(value)) yield value;
    }
  } finally {
    await handle.close();
  }
}

function isHeader(text: string): boolean {
  return isLedgerHeader(tryParse(text));
}

function parse(text: string, line: number, path: string): LedgerRecord {
  const value = tryParse(text);
  if (!isLedgerRecord(value)) throw new Error(`ledger ${path} is corrupt at line ${line}: not a record`);
  return value;
}

/** A line's value without its chain link (`prev` belongs to the file, not to the record). */
function tryParse(text: string): unknown {
  try {
    const value = JSON.parse(text) as { prev?: unknown } | null;
    if (value && typeof value === 'object') delete value.prev;
    return value;
  } catch {
    return undefined;
  }
}
