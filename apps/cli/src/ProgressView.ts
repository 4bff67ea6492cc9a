import type { JobProgress, ProgressEvent } from '@mixpanel-gdpr/workflow';
import pc from 'picocolors';
import { ERROR_CODES, type ErrorCode } from './errorCodes.js';
import { jsonLine } from './escapeTerminal.js';
import { formatDuration } from './formatDuration.js';
import { barCells, ProgressLine } from './ProgressLine.js';
import { counted, noun } from './plural.js';
import { type Colors, colors, toTerminalText } from './toTerminalText.js';

/** What every error line the CLI prints starts with, whatever failed. */
export const ERROR_PREFIX = 'mixpanel-gdpr: error:';

/** How often the bar reads its counts again, in ms: a task can run for days without an event, and the elapsed time moves anyway. */
const REFRESH_MS = 1_000;
/** Without a terminal: at most one progress line per job this often (in ms), plus one when a phase ends. */
const LINE_EVERY_MS = 5_000;
/** Cells in the bar. */
const BAR_CELLS = 20;

/** Views following jobs, so that an interruption can clear their bars and quiet them before it says anything. */
const live = new Set<ProgressView>();

/** Ctrl-C or SIGTERM: clears every bar for good, so the next message starts on a clean line. */
export function haltProgress(): void {
  for (const view of live) view.halt();
}

export interface ViewOptions {
  json: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** Makes every printed string safe (secrets redacted). */
  redact: (text: string) => string;
}

interface Tracked {
  progress: () => JobProgress;
  lastLineAt: number;
  lastLine?: string;
}

interface Counts {
  phase: 'submitting' | 'waiting';
  value: number;
  total: number;
  unit: string;
  detail: string;
  timing: string;
}

/**
 * What the user sees. On a terminal: one progress bar on stderr for every
 * job followed (counts add up), redrawn every second. Piped: a line per job
 * now and then on stderr. With --json: NDJSON events on stdout and nothing
 * else there. Colours follow NO_COLOR and the TTY.
 *
 * Every human line goes through `toTerminalText`: control characters, escape
 * sequences and bidi controls from a server, the ledger or an ids file are
 * shown escaped (`\x1b`), and only our own colours (see `colors`) reach the
 * terminal as colours. NDJSON goes through `jsonLine` instead.
 */
export class ProgressView {
  readonly json: boolean;
  /** Colours for results and messages: markers that `info`/`result` render for their own stream (its TTY, NO_COLOR). */
  readonly color: Colors = colors;
  readonly errColor: Colors = colors;
  #outColorful: boolean;
  #errColorful: boolean;
  #stdout: NodeJS.WriteStream;
  #stderr: NodeJS.WriteStream;
  #jobs = new Map<string, Tracked>();
  #line: ProgressLine | undefined;
  #timer: NodeJS.Timeout | undefined;
  #since = 0;
  #halted = false;

  constructor(private readonly options: ViewOptions) {
    this.json = options.json;
    this.#stdout = options.stdout ?? process.stdout;
    this.#stderr = options.stderr ?? process.stderr;
    const colorful = (stream: NodeJS.WriteStream) =>
      Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
    this.#outColorful = colorful(this.#stdout);
    this.#errColorful = colorful(this.#stderr);
  }

  /** Human message, one line (a newline inside is shown as `\x0a`), on stderr. */
  info(message: string): void {
    const line = toTerminalText(message, this.#errColorful, { newlines: false, redact: this.options.redact });
    this.#aboveBar(() => this.#stderr.write(`${line}\n`));
  }

  /**
   * An error, on one line after `ERROR_PREFIX`; with --json also an object
   * on stdout (`detail` adds fields, such as the job it concerns), so that
   * scripts never parse stderr.
   */
  error(code: ErrorCode, message: string, detail: Record<string, unknown> = {}): void {
    this.info(`${this.errColor.red(ERROR_PREFIX)} ${message}`);
    if (this.json)
      this.#stdout.write(
        `${this.options.redact(jsonLine({ type: 'error', code, message, exitCode: ERROR_CODES[code].exitCode, ...detail }))}\n`,
      );
  }

  /** A result: an NDJSON line with --json, else human text (may span lines), on stdout. */
  result(value: Record<string, unknown>, human: string): void {
    const text = this.json
      ? this.options.redact(jsonLine(value))
      : toTerminalText(human, this.#outColorful, { redact: this.options.redact });
    this.#aboveBar(() => this.#stdout.write(`${text}\n`));
  }

  /** Follows this job's counts (from `workflow.progress`) from now on, added to those of the jobs already followed. */
  track(jobId: string, progress: () => JobProgress): void {
    if (this.#jobs.size === 0) this.#since = Date.now();
    this.#jobs.set(jobId, { progress, lastLineAt: 0 });
    if (this.json || this.#halted) return;
    live.add(this);
    if (!this.#stderr.isTTY) return;
    if (!this.#line) {
      this.#line = new ProgressLine(this.#stderr);
      // Tasks end without an event for hours, and a last batch leaves nothing to report: read the counts on a clock.
      this.#timer = setInterval(() => this.#draw(), REFRESH_MS).unref();
    }
    this.#draw();
  }

  readonly onEvent = (event: ProgressEvent): void => {
    if (this.json) return void this.#stdout.write(`${this.options.redact(jsonLine(event))}\n`);
    if (event.type === 'rate-limited')
      this.info(this.errColor.yellow(`rate limited by Mixpanel: waiting ${formatDuration(event.waitMs)}`));
    if (event.type === 'export' && event.error)
      this.info(this.errColor.red(`export of task ${event.taskId} failed: ${event.error}`));
    if (event.type === 'batch' && event.phase === 'failed')
      this.info(this.errColor.red(`batch ${event.batchId} failed: ${event.error}`));
    if (event.type === 'task' && event.status === 'UNRECOGNISED')
      this.info(
        this.errColor.yellow(`task ${event.taskId} reports an unknown status ${JSON.stringify(event.rawStatus)}`),
      );
    // Once halted (Ctrl-C), progress is over: messages only.
    if (this.#halted) return;
    if (this.#line) return this.#draw();
    if ('jobId' in event && event.jobId !== undefined && this.#jobs.has(event.jobId)) this.#jobLine(event.jobId);
  };

  /** No more progress: the bar's line is erased, and no job is followed any longer. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#line?.clear();
    this.#line = undefined;
    live.delete(this);
    this.#jobs.clear();
  }

  /** Stops for good (an interruption): no bar is drawn again and no progress line printed; messages still print. */
  halt(): void {
    this.#halted = true;
    this.stop();
  }

  #draw(): void {
    if (!this.#line) return;
    const c = this.#counts([...this.#jobs.values()].map((j) => j.progress()));
    const cells = barCells(c.total ? c.value / c.total : 0, BAR_CELLS);
    const label = c.phase === 'submitting' ? 'submitting' : 'waiting   ';
    // Our own words and numbers only (no job id, nothing from a server): no escaping needed. On a narrow
    // terminal the detail goes first, then the time: a part is dropped whole, never cut mid-number.
    const head = `${label} ${cells} ${c.value}/${c.total} ${c.unit}`;
    const fits = [[head, c.detail, c.timing], [head, c.timing], [head]]
      .map((parts) => parts.join(' | '))
      .find((t) => t.length <= this.#line!.width);
    const text = fits ?? head.slice(0, this.#line.width);
    this.#line.draw(text.replace(cells, pc.createColors(this.#errColorful).cyan(cells)));
  }

  /** Not a terminal: one job's counts as a line, when they changed, at most every LINE_EVERY_MS but at once when a phase is done. */
  #jobLine(jobId: string): void {
    const job = this.#jobs.get(jobId)!;
    const c = this.#counts([job.progress()]);
    const line = `job ${jobId}: ${c.phase}: ${c.value}/${c.total} ${c.unit} (${c.detail})`;
    const now = Date.now();
    if (line === job.lastLine || (now - job.lastLineAt < LINE_EVERY_MS && c.value !== c.total)) return;
    job.lastLineAt = now;
    job.lastLine = line;
    this.info(line);
  }

  /** Submitting while any job has a batch to send (ids sent, ETA from the rate limit); then waiting (tasks ended, time elapsed). */
  #counts(all: JobProgress[]): Counts {
    const sum = (key: keyof JobProgress) => all.reduce((n, p) => n + p[key], 0);
    const jobs = all.length > 1 ? `, ${counted(all.length, 'job')}` : '';
    if (sum('batchesWaiting') > 0) {
      const total = sum('idsTotal');
      // One limiter for the project: the batches of every job wait in one queue.
      return {
        phase: 'submitting',
        value: sum('idsSubmitted'),
        total,
        unit: noun(total, 'id'),
        detail: `${counted(sum('tasksTotal'), 'task')}${jobs}`,
        timing: `ETA ${formatDuration(sum('submitEtaMs'))}`,
      };
    }
    const total = sum('tasksTotal');
    return {
      phase: 'waiting',
      value: sum('tasksDone'),
      total,
      unit: `${noun(total, 'task')} done`,
      detail: `${counted(sum('idsSubmitted'), 'id')} submitted${jobs}`,
      timing: `elapsed ${formatDuration(Date.now() - this.#since)}`,
    };
  }

  #aboveBar(write: () => void): void {
    if (!this.#line) return write();
    this.#line.clear();
    write();
    this.#draw();
  }
}
