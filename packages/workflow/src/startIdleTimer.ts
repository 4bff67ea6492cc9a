/** A timer that fires only after `idleMs` without activity. */
export interface IdleTimer {
  /** Aborted once `idleMs` pass without `touch()`. */
  readonly signal: AbortSignal;
  /** Records activity: the wait starts again. */
  touch(): void;
  stop(): void;
}

/**
 * Starts an idle timer. `refresh()` re-arms the same timer, so touching it
 * on every chunk of a download costs no allocation.
 */
export function startIdleTimer(idleMs: number): IdleTimer {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), idleMs);
  return {
    signal: controller.signal,
    touch: () => void timer.refresh(),
    stop: () => clearTimeout(timer),
  };
}
