import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';

/** Not on Windows: there the checks that need it are skipped (0 adds nothing to the flags). */
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
/** A FIFO planted where a file is expected would block a read-only open forever; on a regular file it changes nothing. */
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

/**
 * Opens a file that holds personal data (a ledger, its lock, a pace file, a
 * report) so that another user of the machine cannot redirect it: a symbolic
 * link is refused rather than followed (O_NOFOLLOW: a planted
 * `ledger.jsonl -> /home/victim/important` would otherwise be truncated),
 * and the opened file must be a regular file of ours with one name (a hard
 * link would make the same bytes reachable from elsewhere). When `flags`
 * allow writing, the file is made 0600 through the handle (fchmod), so an
 * existing file keeps no looser mode. Each refusal names the path and the
 * problem. `what` names the file in messages ("ledger", "report file").
 */
export async function openPrivateFile(path: string, flags: number, what: string): Promise<FileHandle> {
  const handle = await open(path, flags | O_NOFOLLOW | O_NONBLOCK, 0o600).catch((error: NodeJS.ErrnoException) => {
    // Linux and macOS say ELOOP for a symlink under O_NOFOLLOW, FreeBSD says EMLINK.
    if (error.code === 'ELOOP' || error.code === 'EMLINK')
      throw new Error(`${what} ${path} is a symbolic link: refusing to follow it (replace it with the file itself)`);
    if (error.code === 'ENXIO') throw new Error(`${what} ${path} is not a regular file`);
    throw error;
  });
  try {
    const problem = privateFileProblem(await handle.stat());
    if (problem) throw new Error(`${what} ${path} ${problem}`);
    if (flags & (constants.O_WRONLY | constants.O_RDWR)) await handle.chmod(0o600);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Why a file we opened must not be used, or undefined when it is a regular file of ours with one name. */
function privateFileProblem(stats: { isFile(): boolean; uid: number; nlink: number }): string | undefined {
  if (!stats.isFile()) return 'is not a regular file';
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid)
    return `is owned by uid ${stats.uid}, not by you (uid ${uid}): another user may have planted it; remove it or choose another path`;
  if (stats.nlink > 1)
    return `has ${stats.nlink} hard links: another name could reach the same data; copy it to a file of its own`;
  return undefined;
}
