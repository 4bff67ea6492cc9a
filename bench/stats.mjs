/** Median, min and max of a list of numbers. */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), runs: sorted.length };
}

export const fmt = (n, digits = 2) =>
  n === undefined || Number.isNaN(n) ? 'n/a' : Number(n.toFixed(digits)).toLocaleString('en-US');

/** Peak RSS (VmHWM) of a running process in MB, read from /proc; undefined where there is no /proc. */
import { readFileSync } from 'node:fs';
export function peakRssMb(pid) {
  try {
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    // An exiting process (a zombie) has a status file but no VmHWM line.
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}
