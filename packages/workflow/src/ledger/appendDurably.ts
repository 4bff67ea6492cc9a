import type { LedgerFile } from './LedgerFile.js';

/** An append that did not become durable. `rolledBack`: the file was cut back to its size before it. */
export class LedgerAppendError extends Error {
  constructor(
    message: string,
    readonly rolledBack: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'LedgerAppendError';
  }
}

/**
 * Writes `data` at the end of the file and syncs it, or leaves the file as
 * it was: a short write (disk full, quota) or a failed write or sync cuts
 * the file back to `sizeBefore`, so the ledger still opens and holds none
 * of this append. If even that fails, the error says so (`rolledBack`
 * false) and the caller must stop appending: the file may now end in a
 * partial line, which the next writable open drops as torn.
 */
export async function appendDurably(
  file: LedgerFile,
  data: Uint8Array,
  sizeBefore: number,
  path: string,
): Promise<void> {
  try {
    const { bytesWritten } = await file.write(data);
    // Retrying the rest would most likely fail the same way; and a partial
    // line must not stay at the end while later appends land after it.
    if (bytesWritten !== data.length) throw new Error(`only ${bytesWritten} of ${data.length} bytes were written`);
    await file.datasync();
  } catch (error) {
    const reason = describe(error);
    try {
      await file.truncate(sizeBefore);
      await file.datasync();
    } catch (rollbackError) {
      throw new LedgerAppendError(
        `could not append to ledger ${path} (${reason}; the disk may be full), nor cut off the partial write (${describe(rollbackError)}): no more appends are accepted; free space and open the ledger again (it drops an unfinished last line)`,
        false,
        { cause: error },
      );
    }
    throw new LedgerAppendError(
      `could not append to ledger ${path} (${reason}; the disk may be full): nothing of this append was recorded`,
      true,
      { cause: error },
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
