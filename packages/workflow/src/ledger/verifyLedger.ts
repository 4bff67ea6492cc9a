import { lineHash } from './ledgerChain.js';
import { openLedgerForReading } from './openLedgerForReading.js';
import { parseFirstLine, parseRecordLine, type ReadRecord } from './parseLedger.js';
import { readLines } from './readLines.js';

export interface VerifyLedgerOptions {
  /**
   * A head noted earlier (`FileLedger.head`, or this function's `head`). The
   * chain cannot show an edit to its last line, nor lines cut off its end:
   * only a hash kept elsewhere can. Verification fails unless a line hashes
   * to it, or a purge after it names it as its `previousHead`.
   */
  knownHead?: string;
}

export type LedgerVerification =
  | {
      ok: true;
      /** Record lines (the header excepted). */
      records: number;
      /** The first line carrying `prev`: 2 for a ledger written by version 2; past the end when no line does yet. */
      chainStartsAtLine: number;
      /** The hash of the last complete line: compare it with one noted elsewhere to cover the last line. */
      head: string;
      /** Where `knownHead` was found: the line it hashes, or the purge record that names it. */
      knownHeadAt?: { line: number; via: 'line' | 'purge' };
      /** A last line without its newline: an append torn by a crash, never replayed (the next writable open cuts it off). */
      torn?: { line: number; bytes: number };
    }
  | {
      ok: false;
      /** The first broken line (1-based). */
      line: number;
      reason: string;
      /** Record lines checked before it. */
      records: number;
    };

/**
 * Checks a ledger's hash chain without changing or locking it: every line
 * from the first that carries `prev` on must carry the hash of the line
 * before it, and every line must read as a header or a record. An edit to
 * line N shows at line N + 1 (its `prev` no longer matches); an edit to the
 * last line shows only through `head`. Reads a line at a time.
 */
export async function verifyLedger(path: string, options: VerifyLedgerOptions = {}): Promise<LedgerVerification> {
  const handle = await openLedgerForReading(path);
  try {
    let head: string | undefined;
    let chainStart: number | undefined;
    let records = 0;
    let lines = 0;
    let torn: { line: number; bytes: number } | undefined;
    let knownHeadAt: { line: number; via: 'line' | 'purge' } | undefined;
    for await (const { bytes, number, complete } of readLines(handle)) {
      if (!complete) {
        torn = { line: number, bytes: bytes.length };
        break;
      }
      const broken = (reason: string): LedgerVerification => ({ ok: false, line: number, reason, records });
      const text = bytes.toString('utf8');
      let read: ReadRecord | undefined;
      try {
        if (number === 1) {
          const first = parseFirstLine(text, path);
          if (!('header' in first)) read = first;
        } else if (chainStart !== undefined || text.trim()) read = parseRecordLine(text, path, number);
      } catch (error) {
        return broken((error as Error).message.replace(/; nothing was changed.*$/, ''));
      }
      if (read) {
        if (read.prev !== undefined) {
          chainStart ??= number;
          if (read.prev !== head)
            return broken(
              number === 1
                ? 'line 1 carries a prev, but no line comes before it'
                : `its prev is not the hash of line ${number - 1}: line ${number - 1} was changed, removed or moved here, or this line's prev was changed`,
            );
        } else if (chainStart !== undefined) {
          return broken(
            `it carries no prev, though the chain starts at line ${chainStart}: it was inserted or changed`,
          );
        }
        records++;
        if (read.record.type === 'ledger.purged' && read.record.previousHead === options.knownHead)
          knownHeadAt = { line: number, via: 'purge' };
      }
      head = lineHash(bytes);
      lines = number;
      if (head === options.knownHead) knownHeadAt = { line: number, via: 'line' };
    }
    if (head === undefined) return { ok: false, line: 1, reason: 'the file holds no complete line', records };
    if (options.knownHead !== undefined && !knownHeadAt)
      return {
        ok: false,
        line: lines,
        reason: `no line hashes to the head you noted (${options.knownHead}): a line up to where it was noted was changed, or lines were cut off the end`,
        records,
      };
    return {
      ok: true,
      records,
      chainStartsAtLine: chainStart ?? lines + 1,
      head,
      ...(knownHeadAt && { knownHeadAt }),
      ...(torn && { torn }),
    };
  } finally {
    await handle.close();
  }
}
