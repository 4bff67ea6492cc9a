/**
 * The last two tasks of this project that answered a status poll normally,
 * with when. Two, because the task asking for a witness may itself be the
 * last one: the witness must be *another* task.
 */
export class StatusAnswers {
  #last: { taskId: string; at: number } | undefined;
  #previous: { taskId: string; at: number } | undefined;

  answered(taskId: string, at: number): void {
    if (this.#last?.taskId !== taskId) this.#previous = this.#last;
    this.#last = { taskId, at };
  }

  /** Whether a task other than `taskId` answered at or after `sinceMs`. */
  witnessFor(taskId: string, sinceMs: number): boolean {
    return [this.#last, this.#previous].some((a) => a !== undefined && a.taskId !== taskId && a.at >= sinceMs);
  }
}
