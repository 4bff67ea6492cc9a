import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';

/** Makes the rename durable. Windows cannot open a directory: there it is skipped. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(dir, constants.O_RDONLY);
  } catch (error) {
    if (process.platform === 'win32') return;
    throw error;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
