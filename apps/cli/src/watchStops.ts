import { EXIT } from './exitCodes.js';

export type StopReason = 'SIGINT' | 'SIGTERM' | 'stdout closed';

/** Why the run was asked to stop early, once it was. */
export interface Stops {
  reason?: StopReason;
}

/**
 * Ctrl-C, SIGTERM (a service manager, `kill`, a container stopping) and a
 * closed stdout (`… --json | head -1`) all stop a run the same way: its signal
 * is aborted, so the request in flight settles and is recorded, the ledger is
 * closed and its lock released, and bin.ts says how to resume. `clearProgress`
 * (the progress bars) runs before the first word is printed. A second
 * signal quits at once; the ledger is safe either way (every append is synced,
 * and a lock left by a dead process is taken over).
 *
 * A run that only reads (`jobs`, `report`, help, a dry run) has nothing to
 * save, so a closed stdout ends it at once with 0: waiting would gain nothing,
 * and a write waiting for 'drain' on a dead pipe would never end.
 */
export function watchStops(
  controller: AbortController,
  readOnly: () => boolean,
  clearProgress: () => void = () => {},
): Stops {
  const stops: Stops = {};
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stops.reason) process.exit(EXIT.interrupted);
      stops.reason = signal;
      // The progress bar goes first, and on a terminal the echoed ^C with it: the message starts on a clean line.
      clearProgress();
      const clean = process.stderr.isTTY ? '\r\x1b[2K' : '';
      process.stderr.write(
        `${clean}stopping: settling the request in flight and saving the ledger (${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again to quit now)\n`,
      );
      controller.abort(new Error('interrupted'));
    });
  }
  // Node ignores SIGPIPE, so a closed pipe is an EPIPE 'error' on every later write: unhandled, it was a crash with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    if (readOnly()) process.exit(EXIT.ok);
    if (stops.reason) return;
    stops.reason = 'stdout closed';
    controller.abort(new Error('stdout closed'));
  });
  // Messages are a courtesy: without stderr the run goes on, silently.
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  return stops;
}
