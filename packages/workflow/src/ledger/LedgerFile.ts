import type { FileHandle } from 'node:fs/promises';

/**
 * The few operations an open ledger performs on its file. A seam: tests
 * wrap it to make `write` come up short or fail with ENOSPC, which a real
 * disk does only when full.
 */
export interface LedgerFile {
  /** Appends (the file is opened O_APPEND); may write fewer bytes than given. */
  write(data: Uint8Array): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export function ledgerFileOf(handle: FileHandle): LedgerFile {
  return {
    write: (data) => handle.write(data),
    datasync: () => handle.datasync(),
    truncate: (length) => handle.truncate(length),
    close: () => handle.close(),
  };
}
