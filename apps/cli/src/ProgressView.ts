import cliProgress from 'cli-progress';
import pc from 'picocolors';
import { isTaskTerminal, type JobState, type ProgressEvent } from '@mixpanel-gdpr/workflow';

/** Counts shown while a job runs, derived from the ledger state. */
export function jobProgress(job: JobState) {
  let idsSubmitted = 0;
  for (const b of job.batches.values()) if (b.phase === 'submitted' || b.phase === 'conflict') idsSubmitted += b.ids.length;
  const tasks = [...job.tasks.values()];
  return { idsTotal: job.ingested?.valid ?? 0, idsSubmitted, tasksTotal: tasks.length, tasksDone: tasks.filter(isTaskTerminal).length };
}

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
 */
export class ProgressView {
  readonly json: boolean;
  /** Colours for stdout (results) and stderr (messages, bar): each follows its own TTY, and NO_COLOR. */
  readonly color: ReturnType<typeof pc.createColors>;
  readonly errColor: ReturnType<typeof pc.createColors>;
  #bar: cliProgress.SingleBar | undefined;
  #job: JobState | undefined;
  #phase: 'submitting' | 'waiting' = 'submitting';
  #lastLineAt = 0;
  #stdout: NodeJS.WriteStream;
  #stderr: NodeJS.WriteStream;

  constructor(private readonly options: ViewOptions) {
    this.json = options.json;
    this.#stdout = options.stdout ?? process.stdout;
    this.#stderr = options.stderr ?? process.stderr;
    const colorful = (stream: NodeJS.WriteStream) => Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
    this.color = pc.createColors(colorful(this.#stdout));
    this.errColor = pc.createColors(colorful(this.#stderr));
  }

  /** Human message, on stderr. */
  info(message: string): void {
    this.#withBarHidden(() => this.#stderr.write(`${this.options.redact(message)}\n`));
  }

  /** A result: an NDJSON line with --json, else human text, on stdout. */
  result(value: Record<string, unknown>, human: string): void {
    this.#stdout.write(this.options.redact(this.json ? `${JSON.stringify(value)}\n` : `${human}\n`));
  }

  /** Follow this job's counts from now on. */
  track(job: JobState, phase: 'submitting' | 'waiting'): void {
    this.#job = job;
    this.#phase = phase;
    if (this.json || !this.#stderr.isTTY) return;
    this.#bar?.stop();
    this.#bar = new cliProgress.SingleBar(
      {
        stream: this.#stderr,
        // Submissions are paced by the rate limit, so their ETA means something; a task's end does not.
        format: `${phase === 'submitting' ? 'submitting' : 'waiting   '} ${this.errColor.cyan('{bar}')} {value}/{total} {unit} | {detail} | ${phase === 'submitting' ? 'ETA {eta_formatted}' : 'elapsed {duration_formatted}'}`,
        hideCursor: true,
        etaBuffer: 20,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    const { total, value, unit, detail } = this.#counts();
    this.#bar.start(total, value, { unit, detail });
  }

  readonly onEvent = (event: ProgressEvent): void => {
    if (this.json) return void this.#stdout.write(`${this.options.redact(JSON.stringify(event))}\n`);
    if (event.type === 'rate-limited') this.info(this.errColor.yellow(`rate limited by Mixpanel: waiting ${Math.round(event.waitMs / 1000)} s`));
    if (event.type === 'export' && event.error) this.info(this.errColor.red(`export of task ${event.taskId} failed: ${event.error}`));
    if (event.type === 'batch' && event.phase === 'failed') this.info(this.errColor.red(`batch ${event.batchId} failed: ${event.error}`));
    if (event.type === 'task' && event.status === 'UNRECOGNISED') this.info(this.errColor.yellow(`task ${event.taskId} reports an unknown status ${JSON.stringify(event.rawStatus)}`));
    if (!this.#job) return;
    // Every id is in a task: from now on the bar counts tasks done.
    if (this.#phase === 'submitting' && event.type === 'batch') {
      const p = jobProgress(this.#job);
      if (p.idsSubmitted === p.idsTotal) return this.track(this.#job, 'waiting');
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
    const p = this.#job ? jobProgress(this.#job) : { idsTotal: 0, idsSubmitted: 0, tasksTotal: 0, tasksDone: 0 };
    return this.#phase === 'submitting'
      ? { total: p.idsTotal, value: p.idsSubmitted, unit: 'ids', detail: `${p.tasksTotal} tasks` }
      : { total: p.tasksTotal, value: p.tasksDone, unit: 'tasks done', detail: `${p.idsSubmitted} ids submitted` };
  }

  #withBarHidden(write: () => void): void {
    if (!this.#bar) return write();
    this.#stderr.write('\r\x1b[2K');
    write();
    this.#bar.render();
  }
}
