import type { FileHandle } from 'node:fs/promises';

/** Gathers small writes into ~1 MiB ones. */
export function bufferedWriter(handle: FileHandle) {
  let parts: string[] = [];
  let size = 0;
  const flush = async () => {
    if (!parts.length) return;
    const data = Buffer.from(parts.join(''));
    parts = [];
    size = 0;
    // A short write (disk full) is continued; an error aborts the purge, and the old ledger stays.
    for (let done = 0; done < data.length; ) {
      const { bytesWritten } = await handle.write(data, done);
      if (bytesWritten === 0) throw new Error('a write wrote nothing: the disk may be full');
      done += bytesWritten;
    }
  };
  return {
    flush,
    async write(text: string) {
      parts.push(text);
      size += text.length;
      if (size >= 1 << 20) await flush();
    },
  };
}
