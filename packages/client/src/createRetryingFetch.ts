import {
  AbortError,
  ConnectionError,
  type MixpanelGdprError,
  type RequestSummary,
  ResponseTooLargeError,
  TimeoutError,
} from './errors.js';
import { unexpected } from './normalize.js';
import { type Redactor, redactUrl } from './redact.js';
import type { ResolvedOptions } from './resolveOptions.js';
import { backoffDelayMs, isRetryable, nextDelayMs, parseRetryAfterMs } from './retryPolicy.js';
import { abortErrorFrom, throwIfAborted } from './sleep.js';

/** A response whose body has been read (within the attempt's timeout and `maxResponseBytes`): null when it had none, or an error status's oversized one. */
export interface Answer {
  response: Response;
  body: Uint8Array<ArrayBuffer> | null;
}

type Attempt = Answer | { error: MixpanelGdprError & { neverSent?: boolean } };

/** Error codes meaning no connection was made, so the server never saw the request. */
const NEVER_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * `fetch` with what it lacks: a per-attempt timeout, retries (see
 * `isRetryable`), abort, a bound on the body, and no redirects; the answer
 * comes with its body read. Throws only `ConnectionError`, `TimeoutError`,
 * `AbortError` and `ResponseTooLargeError`; HTTP errors, 3xx included, come
 * back as answers. The caller's signal may come beside the request rather
 * than in it: a Request made with a signal adds a listener to it that stays
 * until the Request is collected, and a job's one signal over weeks of
 * calls piles them up.
 */
export function createRetryingFetch(
  o: ResolvedOptions,
  redact: Redactor,
): (request: Request, signal?: AbortSignal) => Promise<Answer> {
  return async (request, signal) => {
    // Built only when an error needs it: parsing and redacting the URL is not free on the hot path.
    const summary = (): RequestSummary => ({ method: request.method, url: redactUrl(request.url, redact) });
    const userSignal = signal ?? request.signal;
    for (let retry = 0; ; retry++) {
      throwIfAborted(userSignal);
      await o.beforeAttempt?.(userSignal);
      // Only a body needs a fresh copy per attempt; a bodiless request can be sent again as is.
      const outcome = await attemptOnce(request.body ? request.clone() : request, userSignal, summary, o, redact);
      const canRetry = retry < o.maxRetries;
      let delayMs: number | undefined;
      if ('response' in outcome) {
        const { response } = outcome;
        if (response.ok || !canRetry || !isRetryable({ method: request.method, status: response.status }))
          return outcome;
        const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), o.now());
        delayMs = nextDelayMs(retry, retryAfterMs, o, o.random);
        // Asked to wait beyond our cap: hand the 429 to the caller with its Retry-After.
        if (delayMs === undefined) return outcome;
      } else {
        const { error } = outcome;
        if (
          error instanceof AbortError ||
          !canRetry ||
          !isRetryable({ method: request.method, neverSent: error.neverSent })
        )
          throw error;
        delayMs = backoffDelayMs(retry, o, o.random);
      }
      await o.sleep(delayMs, userSignal);
    }
  };
}

/** One attempt, body included, bounded by `timeoutMs` and the caller's signal. */
async function attemptOnce(
  request: Request,
  userSignal: AbortSignal,
  summarize: () => RequestSummary,
  o: ResolvedOptions,
  redact: Redactor,
): Promise<Attempt> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, o.timeoutMs);
  const onAbort = () => controller.abort();
  userSignal.addEventListener('abort', onAbort, { once: true });
  try {
    // The signal goes in `init`: fetch builds its Request from both anyway, so this costs no extra copy.
    // A followed redirect would carry the bearer token and the body to wherever it points, so
    // none is followed: the 3xx comes back as is (Node's fetch exposes it) and becomes a RedirectError.
    const response = await o.fetch(request, { signal: controller.signal, redirect: 'manual' });
    // Read the body inside the attempt: a connection that drops mid-body is a
    // failed attempt (retried where safe), and the timeout covers the body too.
    const body = [204, 205, 304].includes(response.status)
      ? null
      : await readBody(response, controller.signal, o.maxResponseBytes);
    // An error status means what it says without its body: an oversized one is dropped, so a 429 or a 503 is still retried.
    if (body !== undefined || !response.ok) return { response, body: body ?? null };
    throw unexpected(
      response.status,
      undefined,
      summarize(),
      `a body over maxResponseBytes (${o.maxResponseBytes} bytes)`,
      ResponseTooLargeError,
    );
  } catch (cause) {
    // Not retried, whatever the method: the same server would only send the same answer again.
    if (cause instanceof ResponseTooLargeError) throw cause;
    if (userSignal.aborted) return { error: abortErrorFrom(userSignal) };
    const summary = summarize();
    if (timedOut) return { error: new TimeoutError({ request: summary, timeoutMs: o.timeoutMs }) };
    const code = errorCode(cause);
    const detail = redact(cause instanceof Error ? `${cause.message}${code ? ` (${code})` : ''}` : String(cause));
    // Keep only a redacted copy of the cause: a custom fetch may put the URL (and its token) in its message.
    const error = new ConnectionError({
      request: summary,
      message: `${summary.method} ${summary.url} failed: ${detail}`,
      neverSent: NEVER_SENT_CODES.has(code ?? ''),
      cause: new Error(detail),
    });
    return { error };
  } finally {
    clearTimeout(timer);
    userSignal.removeEventListener('abort', onAbort);
  }
}

/**
 * The body, read chunk by chunk so that no more than `maxBytes` (as decoded:
 * fetch undoes gzip) is ever held; undefined past that. Rejects as soon as
 * `signal` fires: a custom fetch may not tie its body to the signal.
 */
async function readBody(
  response: Response,
  signal: AbortSignal,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer> | null | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return null;
  // Cancelling ends a pending read at once (as if the body had ended); the check after the loop turns that into the abort.
  const cancel = () => void reader.cancel().catch(() => {});
  signal.addEventListener('abort', cancel, { once: true });
  if (signal.aborted) cancel();
  try {
    const chunks: Array<Uint8Array<ArrayBuffer>> = [];
    let size = 0;
    for (let chunk: ReadableStreamReadResult<Uint8Array>; !(chunk = await reader.read()).done; ) {
      // Past the bound: stop reading (and downloading, and inflating) at once.
      if ((size += chunk.value.length) > maxBytes) return cancel();
      chunks.push(chunk.value as Uint8Array<ArrayBuffer>);
    }
    signal.throwIfAborted();
    // Plain bytes, not a Blob (which cost a third more per call, read back as text); most answers are one chunk, kept as is.
    if (chunks.length === 1) return chunks[0]!;
    const body = new Uint8Array(size);
    size = 0;
    for (const c of chunks) body.set(c, (size += c.length) - c.length);
    return body;
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}

function errorCode(error: unknown): string | undefined {
  for (
    let e = error, depth = 0;
    e && typeof e === 'object' && depth < 4;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
