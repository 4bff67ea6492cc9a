import { downloadTaskExport } from './downloadTaskExport.js';
import type { JobContext } from './JobContext.js';
import type { JobState, TaskRecord } from './ledger/LedgerState.js';

/**
 * Export downloads running beside the polls, at most `exportConcurrency` at
 * once, so that a slow or stalled download (gigabytes, a dead storage host)
 * never holds up polling the other tasks. Each download records its own
 * outcome in the ledger; anything else it throws (the ledger failing, an
 * abort) is kept and rethrown to the loop by `throwIfFailed` or `settle`.
 */
export class ExportDownloads {
  #active = new Map<string, Promise<void>>();
  #queued: Array<{ taskId: string; start: () => Promise<void> }> = [];
  #failure: { error: unknown } | undefined;
  #idle: Array<() => void> = [];

  constructor(private readonly ctx: JobContext) {}

  /** Downloads running or queued. */
  get size(): number {
    return this.#active.size + this.#queued.length;
  }

  has(taskId: string): boolean {
    return this.#active.has(taskId) || this.#queued.some((q) => q.taskId === taskId);
  }

  start(job: JobState, task: TaskRecord, link: string | undefined, signal?: AbortSignal): void {
    if (this.has(task.taskId)) return;
    this.#queued.push({ taskId: task.taskId, start: () => downloadTaskExport(this.ctx, job, task, link, signal) });
    this.#next();
  }

  throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }

  /** Resolves when any download ends (at once if none runs). */
  nextDone(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Waits for every download, then rethrows the first failure. */
  async settle(): Promise<void> {
    while (this.size > 0) await this.nextDone();
    this.throwIfFailed();
  }

  #next(): void {
    while (this.#active.size < this.ctx.options.exportConcurrency && this.#queued.length > 0) {
      const { taskId, start } = this.#queued.shift()!;
      const running = start()
        .catch((error: unknown) => void (this.#failure ??= { error }))
        .finally(() => {
          this.#active.delete(taskId);
          this.#next();
          for (const wake of this.#idle.splice(0)) wake();
        });
      this.#active.set(taskId, running);
    }
  }
}
