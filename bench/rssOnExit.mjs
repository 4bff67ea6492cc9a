// Preloaded (`node --import`) into a process a benchmark starts: at exit, writes the process's own peak RSS
// (getrusage, in kB) to BENCH_RSS_FILE, exact where sampling /proc could miss the last peak.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) process.once('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
