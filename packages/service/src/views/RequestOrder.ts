import type { LedgerState, RequestState } from '@mixpanel-gdpr/workflow';

/** Where a listing's page ends: its last request's place in the order. */
export interface OrderPosition {
  dueAt: number;
  receivedAt: number;
  requestId: string;
}

/**
 * Every request in the listing's order (due date in force, then time
 * received, then request id), kept between calls: a page of 100,000
 * requests walks from its cursor and computes only the views it shows,
 * instead of computing and sorting them all. New requests (the store's map
 * only grows) are sorted and merged in; an extension (the state counts
 * them) moves a request, which re-sorts once.
 */
export class RequestOrder {
  #requests: ReadonlyMap<string, RequestState> | undefined;
  #order: RequestState[] = [];
  #extensions = 0;

  sorted(state: LedgerState): readonly RequestState[] {
    if (state.requests !== this.#requests) {
      this.#requests = state.requests;
      this.#order = [];
      this.#extensions = state.extensions;
    }
    const moved = state.extensions !== this.#extensions;
    this.#extensions = state.extensions;
    const fresh: RequestState[] = [];
    if (state.requests.size > this.#order.length) {
      let i = 0;
      for (const request of state.requests.values()) if (i++ >= this.#order.length) fresh.push(request);
    }
    if (moved) this.#order = [...this.#order, ...fresh].sort(compare);
    else if (fresh.length) this.#order = merge(this.#order, fresh.sort(compare));
    return this.#order;
  }

  /** The index of the first request strictly after `position`. */
  static after(order: readonly RequestState[], position: OrderPosition): number {
    let [low, high] = [0, order.length];
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (comparePositions(positionOf(order[mid]!), position) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

export function positionOf(request: RequestState): OrderPosition {
  return { dueAt: dueAtOf(request), receivedAt: request.receivedAt, requestId: request.requestId };
}

function dueAtOf(request: RequestState): number {
  return request.extension?.dueAt ?? request.dueAt;
}

function comparePositions(p: OrderPosition, q: OrderPosition): number {
  return (
    p.dueAt - q.dueAt ||
    p.receivedAt - q.receivedAt ||
    (p.requestId < q.requestId ? -1 : p.requestId > q.requestId ? 1 : 0)
  );
}

function compare(a: RequestState, b: RequestState): number {
  return comparePositions(positionOf(a), positionOf(b));
}

function merge(a: readonly RequestState[], b: readonly RequestState[]): RequestState[] {
  const out: RequestState[] = new Array(a.length + b.length);
  let [i, j, k] = [0, 0, 0];
  while (i < a.length && j < b.length) out[k++] = compare(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
