import { closeSync, constants, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { openPrivateFile } from '@mixpanel-gdpr/workflow';

/**
 * How far ahead of our clock a pace file's time may be and still be
 * believed: clocks step back a little now and then (NTP corrections, a
 * laptop syncing after sleep). Further ahead, the file says something
 * impossible (the clock was set back, the file was edited), and believing
 * it would make the next command wait that long in silence.
 * @default 60_000 ms
 */
export const PACE_FUTURE_TOLERANCE_MS = 60_000;

/** An epoch-ms time and a newline take 14 bytes; a longer file is not a pace file. */
const MAX_PACE_BYTES = 32;
/** Integer epoch ms; a fraction is accepted because 0.1 wrote `performance` times with one. */
const PACE_FORMAT = /^\d{1,15}(\.\d{1,6})?\n?$/;

/**
 * Reads when the project's last request was sent (epoch ms), from the file
 * the previous command left next to the ledger. Anything doubtful is
 * ignored with a `warn`ing naming the file, never waited on: a symlink, a
 * file of another user, garbage, a time in the future. A missing file is
 * normal (first command) and silent.
 */
export async function readPaceFile(
  path: string,
  warn: (message: string) => void,
  now: () => number = Date.now,
): Promise<number | undefined> {
  let text: string;
  try {
    const handle = await openPrivateFile(path, constants.O_RDONLY, 'pace file');
    try {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(MAX_PACE_BYTES + 1), 0, MAX_PACE_BYTES + 1, 0);
      text = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      warn(`ignoring the time of the last request: ${(error as Error).message}`);
    return undefined;
  }
  if (!PACE_FORMAT.test(text)) {
    warn(
      `ignoring pace file ${path}: it should hold the time of the last request in epoch ms, not ${JSON.stringify(text.slice(0, 20))}`,
    );
    return undefined;
  }
  const at = Number(text);
  const aheadMs = at - now();
  if (aheadMs > PACE_FUTURE_TOLERANCE_MS) {
    warn(
      `ignoring pace file ${path}: it says the last request was sent at ${new Date(at).toISOString()}, ${Math.round(aheadMs / 1000)} s from now (was the clock set back?)`,
    );
    return undefined;
  }
  return at;
}

/**
 * Records each request's time (synchronously: the rate limiter calls it as
 * it grants). A failure is warned about once and does not stop the job: the
 * file only paces the next command.
 */
export function paceFileWriter(path: string, warn: (message: string) => void): PaceFileWriter {
  let warned = false;
  let pending: number | undefined;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === undefined) return;
    const atMs = pending;
    pending = undefined;
    try {
      writePaceFile(path, atMs);
    } catch (error) {
      if (!warned)
        warn(
          `could not record the time of the last request in ${path} (${(error as Error).message}): the next command may not wait for the 1 request/s pace`,
        );
      warned = true;
    }
  };
  // Written just after the request has gone, not between the grant and the send: five file calls there
  // made arrivals uneven (at 50 req/s, 429s). Grants in between are coalesced; the latest time wins.
  const record = (atMs: number) => {
    pending = atMs;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return Object.assign(record, { flush });
}

/** Records a grant's time (soon after, off the request's path); `flush` writes any pending time now. */
export type PaceFileWriter = ((atMs: number) => void) & { flush(): void };

/**
 * Written whole to a fresh file, then renamed over the old one: a reader
 * sees the old time or the new one, never a mix, and a symlink planted at
 * `path` is replaced, never written through. Rounded up: erring late keeps
 * the pace.
 */
function writePaceFile(path: string, atMs: number): void {
  const temp = `${path}.new`;
  // Left by a process killed between open and rename (rm removes a link, not its target).
  rmSync(temp, { force: true });
  const fd = openSync(
    temp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
    0o600,
  );
  try {
    writeSync(fd, `${Math.ceil(atMs)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
