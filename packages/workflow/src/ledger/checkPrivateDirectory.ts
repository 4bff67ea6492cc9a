import { stat } from 'node:fs/promises';

/**
 * Refuses a directory where another user could create, rename or replace
 * the ledger, its lock or its pace file: one that is group- or
 * world-writable (the sticky bit does not help: in /tmp an attacker still
 * creates `ledger.jsonl` before us, as a symlink or as their own file), or
 * that is owned by neither the current user nor root (its owner could
 * change its mode at any time). A root-owned directory that only root can
 * write is safe. Skipped where there are no uids (Windows).
 *
 * Only the ledger's own directory is checked, not its ancestors: moving a
 * directory needs write access to its parent, which is the user's own
 * business. `what` names the file in messages.
 */
export async function checkPrivateDirectory(dir: string, what: string): Promise<void> {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  const stats = await stat(dir);
  if (!stats.isDirectory()) throw new Error(`the directory ${dir} of ${what} is not a directory`);
  if (stats.uid !== uid && stats.uid !== 0) {
    throw new Error(
      `the directory ${dir} of ${what} belongs to uid ${stats.uid}, not to you (uid ${uid}): its owner could replace the file; use a directory of your own`,
    );
  }
  const writers = [stats.mode & 0o020 && 'its group', stats.mode & 0o002 && 'every user'].filter(Boolean).join(' and ');
  if (writers) {
    const mode = (stats.mode & 0o7777).toString(8).padStart(4, '0');
    throw new Error(
      `the directory ${dir} of ${what} is writable by ${writers} (mode ${mode}): another user could plant a symlink or their own file there; use a private directory (chmod go-w ${dir}) or another path`,
    );
  }
}
