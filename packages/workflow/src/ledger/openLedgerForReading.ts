import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkPrivateDirectory } from './checkPrivateDirectory.js';
import { openPrivateFile } from './openPrivateFile.js';

/**
 * Opens an existing ledger to read it, with the checks of a writable open
 * (a private directory, no symlink, a regular file of ours with one name),
 * and a message for a ledger that is not there.
 */
export async function openLedgerForReading(path: string): Promise<FileHandle> {
  const missing = (error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? new Error(`no ledger at ${path}: no job has been started with it`) : error;
  };
  await checkPrivateDirectory(dirname(path), `ledger ${path}`).catch(missing);
  return openPrivateFile(path, constants.O_RDONLY, 'ledger').catch(missing);
}
