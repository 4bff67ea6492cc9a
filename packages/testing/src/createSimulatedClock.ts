import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Simulated time for a whole system under test: the workflow, its rate
 * limiter and the fake all take `now` and `sleep` from it, and a month of
 * traffic runs in minutes. Time moves only when everything is waiting on
 * one of its timers: no request in flight (through `fetch`), and a turn of
 * the event loop changed nothing. It then jumps to the earliest timer.
 */
export interface SimulatedClock {
  /** Simulated epoch ms. */
  now(): number;
  /** Resolves when simulated time reaches now + `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * `fetch` (the global one by default), counted: time stands still while a
   * request is on the wire, its body included (it is read whole).
   */
  wrapFetch(inner?: typeof fetch): typeof fetch;
  /**
   * Moves time, timer by timer, until `until()` holds, no timer is left, or
   * the next timer lies past `endAt`. Resolves with the simulated time then
   * and the number of timers fired.
   */
  run(options?: { until?: () => boolean; endAt?: number; signal?: AbortSignal }): Promise<SimulatedRun>;
  /** Timers waiting. */
  readonly pending: number;
}

export interface SimulatedRun {
  endedAt: number;
  timersFired: number;
}

/** Statuses whose Response may not have a body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
  cancelled: boolean;
}

/** A simulated clock starting at `startMs` (epoch ms). */
export function createSimulatedClock(startMs: number): SimulatedClock {
  let current = startMs;
  let seq = 0;
  /** Bumped by anything that happens (a timer set or fired, a request sent or answered): idle means unchanged. */
  let activity = 0;
  let inFlight = 0;
  let answered: (() => void) | undefined;
  const heap: Timer[] = [];
  let live = 0;

  const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  const push = (timer: Timer) => {
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const pop = (): Timer | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  const peek = (): Timer | undefined => {
    while (heap.length > 0 && heap[0]!.cancelled) pop();
    return heap[0];
  };

  /** Waits until nothing is on the wire and a turn of the event loop changed nothing. */
  const settle = async () => {
    for (;;) {
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          answered = resolve;
        });
        continue;
      }
      const seen = activity;
      await nextTurn();
      if (seen === activity && inFlight === 0) return;
    }
  };

  return {
    now: () => current,
    get pending() {
      return live;
    },
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        activity++;
        live++;
        const onAbort = () => {
          if (timer.cancelled) return;
          timer.cancelled = true;
          live--;
          activity++;
          reject(signal!.reason);
        };
        const timer: Timer = {
          at: current + Math.max(0, Number.isFinite(ms) ? ms : 0),
          seq: seq++,
          cancelled: false,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        push(timer);
      });
    },
    wrapFetch(inner = fetch) {
      return async (input, init) => {
        inFlight++;
        activity++;
        try {
          // Read whole here: a body still streaming after the headers is time on the wire too.
          const response = await inner(input, init);
          const body = NULL_BODY.has(response.status) ? null : await response.arrayBuffer();
          return new Response(body, {
            status: response.status,
            statusText: response.statusText,
            headers: response.headers,
          });
        } finally {
          inFlight--;
          activity++;
          if (inFlight === 0) answered?.();
        }
      };
    },
    async run({ until, endAt = Number.POSITIVE_INFINITY, signal } = {}) {
      let timersFired = 0;
      for (;;) {
        await settle();
        if (signal?.aborted || until?.()) break;
        const next = peek();
        if (!next || next.at > endAt) break;
        current = Math.max(current, next.at);
        // Every timer due now fires together, in the order they were set.
        while (peek() && heap[0]!.at <= current) {
          const timer = pop()!;
          timer.cancelled = true;
          live--;
          activity++;
          timersFired++;
          timer.resolve();
        }
      }
      return { endedAt: current, timersFired };
    },
  };
}
