import { open, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A config is a few dozen lines: anything past this is the wrong file, and is not read whole. */
const MAX_CONFIG_BYTES = 1_048_576;

/**
 * The text of the config file at `path`, which must be safe from other
 * users: the file names the API URL that tokens are sent to and where the
 * tokens are read from, so whoever can change it can have them sent
 * elsewhere. Refused (an Error saying why, without the file name, which the
 * caller adds) when it is not a regular file, belongs to another user than
 * you or root, or is writable by its group or others; or when its folder
 * lets others replace it (theirs, or writable by others without the sticky
 * bit). A symlink is followed, and the file and folder it leads to are
 * checked. Only the mode is checked where there are no uids (Windows: not at
 * all).
 */
export async function readConfigFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error('is not a regular file');
    unsafe(stats, 'the file');
    const folder = dirname(await realpath(path));
    unsafe(await stat(folder), `its folder ${folder}`, { sticky: true });
    if (stats.size > MAX_CONFIG_BYTES) throw new Error(`is larger than ${MAX_CONFIG_BYTES} bytes: not a config file`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function unsafe(
  stats: { uid: number; mode: number },
  what: string,
  { sticky = false }: { sticky?: boolean } = {},
): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  if (stats.uid !== uid && stats.uid !== 0)
    throw new Error(
      `cannot be trusted: ${what} belongs to uid ${stats.uid}, not to you (uid ${uid}) or root; its owner could change where tokens are sent`,
    );
  // In a sticky folder (/tmp) others cannot rename or delete our file, only create their own.
  if (sticky && stats.mode & 0o1000) return;
  const writers = [stats.mode & 0o020 && 'its group', stats.mode & 0o002 && 'every user'].filter(Boolean).join(' and ');
  if (writers) {
    const mode = (stats.mode & 0o7777).toString(8).padStart(4, '0');
    throw new Error(
      `cannot be trusted: ${what} is writable by ${writers} (mode ${mode}), who could change where tokens are sent; chmod go-w it`,
    );
  }
}
