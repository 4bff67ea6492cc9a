import cliProgress from 'cli-progress';
import pc from 'picocolors';
import type { JobProgress, JobState, ProgressEvent } from '@mixpanel-gdpr/workflow';
import { jsonLine } from './escapeTerminal.js';
import { colors, toTerminalText, type Colors } from './toTerminalText.js';

export interface ViewOptions {
  json: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** Makes every printed string safe (secrets redacted). */
  redact: (text: string) => string;
}

/**
 * What the user sees. On a terminal: a progress bar with counts and ETA on
 * stderr. Piped: a line now and then on stderr. With --json: NDJSON events on
 * stdout and nothing else there. Colours follow NO_COLOR and the TTY.
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
  #bar: cliProgress.SingleBar | undefined;
  #job: JobState | undefined;
  #progress: (() => JobProgress) | undefined;
  #phase: 'submitting' | 'waiting' = 'submitting';
  #lastLineAt = 0;
  #stdout: NodeJS.WriteStream;
  #stderr: NodeJS.WriteStream;

  constructor(private readonly options: ViewOptions) {
    this.json = options.json;
    this.#stdout = options.stdout ?? process.stdout;
    this.#stderr = options.stderr ?? process.stderr;
    const colorful = (stream: NodeJS.WriteStream) => Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
    this.#outColorful = colorful(this.#stdout);
    this.#errColorful = colorful(this.#stderr);
  }

  /** Human message, one line (a newline inside is shown as `\x0a`), on stderr. */
  info(message: string): void {
    const line = toTerminalText(message, this.#errColorful, { newlines: false, redact: this.options.redact });
    this.#withBarHidden(() => this.#stderr.write(`${line}\n`));
  }

  /** A result: an NDJSON line with --json, else human text (may span lines), on stdout. */
  result(value: Record<string, unknown>, human: string): void {
    this.#stdout.write(this.json ? `${this.options.redact(jsonLine(value))}\n` : `${toTerminalText(human, this.#outColorful, { redact: this.options.redact })}\n`);
  }

  /** Follow this job's counts (from `workflow.progress`) from now on. */
  track(job: JobState, phase: 'submitting' | 'waiting', progress: () => JobProgress): void {
    this.#job = job;
    this.#progress = progress;
    this.#phase = phase;
    if (this.json || !this.#stderr.isTTY) return;
    this.#bar?.stop();
    this.#bar = new cliProgress.SingleBar(
      {
        stream: this.#stderr,
        // Submissions are paced by the rate limit, so their ETA means something; a task's end does not.
        // Written by cli-progress itself, not through `info`: real colour codes, and a payload of numbers only.
        format: `${phase === 'submitting' ? 'submitting' : 'waiting   '} ${pc.createColors(this.#errColorful).cyan('{bar}')} {value}/{total} {unit} | {detail} | ${phase === 'submitting' ? 'ETA {eta}' : 'elapsed {duration_formatted}'}`,
        hideCursor: true,
        etaBuffer: 20,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    const { total, value, ...payload } = this.#counts();
    this.#bar.start(total, value, payload);
  }

  readonly onEvent = (event: ProgressEvent): void => {
    if (this.json) return void this.#stdout.write(`${this.options.redact(jsonLine(event))}\n`);
    if (event.type === 'rate-limited') this.info(this.errColor.yellow(`rate limited by Mixpanel: waiting ${Math.round(event.waitMs / 1000)} s`));
    if (event.type === 'export' && event.error) this.info(this.errColor.red(`export of task ${event.taskId} failed: ${event.error}`));
    if (event.type === 'batch' && event.phase === 'failed') this.info(this.errColor.red(`batch ${event.batchId} failed: ${event.error}`));
    if (event.type === 'task' && event.status === 'UNRECOGNISED') this.info(this.errColor.yellow(`task ${event.taskId} reports an unknown status ${JSON.stringify(event.rawStatus)}`));
    if (!this.#job) return;
    // Every id is in a task: from now on the bar counts tasks done.
    if (this.#phase === 'submitting' && event.type === 'batch' && this.#progress) {
      const p = this.#progress();
      if (p.idsSubmitted === p.idsTotal) return this.track(this.#job, 'waiting', this.#progress);
    }
    const counts = this.#counts();
    if (this.#bar) return void this.#bar.update(counts.value, counts);
    // Not a terminal: a line at most every 5 s, and at the end.
    const now = Date.now();
    if (now - this.#lastLineAt >= 5_000 || counts.value === counts.total) {
      this.#lastLineAt = now;
      this.info(`${this.#phase}: ${counts.value}/${counts.total} ${counts.unit} (${counts.detail})`);
    }
  };

  stop(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }

  #counts() {
    const p = this.#progress?.() ?? { idsTotal: 0, idsSubmitted: 0, tasksTotal: 0, tasksDone: 0, submitEtaMs: 0 };
    // The submission ETA comes from the rate limit (batches left × 1/rate), not from the bar's own guess.
    const eta = `${Math.ceil(p.submitEtaMs / 1000)}s`;
    return this.#phase === 'submitting'
      ? { total: p.idsTotal, value: p.idsSubmitted, unit: 'ids', detail: `${p.tasksTotal} tasks`, eta }
      : { total: p.tasksTotal, value: p.tasksDone, unit: 'tasks done', detail: `${p.idsSubmitted} ids submitted`, eta };
  }

  #withBarHidden(write: () => void): void {
    if (!this.#bar) return write();
    this.#stderr.write('\r\x1b[2K');
    write();
    this.#bar.render();
  }
}
