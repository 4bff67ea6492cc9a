import { LedgerConflictError } from '@mixpanel-gdpr/workflow';
import { type Answer, attemptOutcome } from './attemptOutcome.js';
import { callbackSignature, SIGNATURE_HEADER } from './callbackSignature.js';
import type { CallbackState } from './outboxTypes.js';
import type { DeliveryOutcome, ResolvedDeliveryOptions } from './resolveDeliveryOptions.js';
import { showUrl } from './showUrl.js';

/**
 * One attempt at one callback: take the attempt (`callback.attempting`, one
 * taker per attempt whatever the number of processes), POST the body queued
 * with it, record the outcome. An attempt another process took first is
 * left to it; an outcome refused because our attempt counted as lost (we
 * were too slow) is dropped: the one who retook it records its own.
 */
export async function deliverCallback(o: ResolvedDeliveryOptions, callback: CallbackState): Promise<DeliveryOutcome> {
  // Read before the first append: the ledger updates this object in place.
  const { callbackId, requestId, protocol, url, queuedAt, body = '' } = callback;
  const attempt = callback.attempts + 1;
  const taken = o.now();
  const base = { callbackId, requestId, protocol, attempt };
  const until = taken + o.timeoutMs + o.attemptMarginMs;
  if (!(await appendUnlessConflict(o, [{ type: 'callback.attempting', callbackId, at: taken, attempt, until }])))
    return { ...base, result: 'taken' };
  const answer = await send(o, callback.callbackId, protocol, url, body);
  const records = attemptOutcome(answer, { ...o, callbackId, attempt, queuedAt, at: o.now() });
  const fields = { ...base, url: showUrl(url) };
  if (!(await appendUnlessConflict(o, records))) {
    o.logger?.warn(
      fields,
      'callback attempt counted as lost before its outcome was recorded; another process retries it',
    );
    return { ...base, result: 'lost' };
  }
  const last = records.at(-1)!;
  const failed = records.find((r) => r.type === 'callback.failed');
  const outcome: DeliveryOutcome = {
    ...base,
    result: last.type === 'callback.delivered' ? 'delivered' : last.type === 'callback.failed' ? 'failed' : 'abandoned',
    ...('status' in answer && { status: answer.status }),
    ...(failed && { error: failed.error }),
    ...(failed?.nextAt !== undefined && { nextAt: failed.nextAt }),
  };
  if (outcome.result === 'delivered') o.logger?.info({ ...fields, status: outcome.status }, 'callback delivered');
  else o.logger?.warn({ ...fields, ...outcome }, `callback ${outcome.result}`);
  o.onOutcome?.(outcome);
  return outcome;
}

async function send(
  o: ResolvedDeliveryOptions,
  callbackId: string,
  protocol: CallbackState['protocol'],
  url: string,
  body: string,
): Promise<Answer> {
  try {
    const signature =
      protocol === 'service'
        ? { [SIGNATURE_HEADER]: callbackSignature(body, o.secrets, o.now()) }
        : await o.signOpendsr!(body);
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': o.userAgent,
      // The same on every attempt: receivers that deduplicate on a header rather than the body's `id` can.
      'Idempotency-Key': callbackId,
      ...signature,
    };
    return await o.transport({ url, headers, body, timeoutMs: o.timeoutMs });
  } catch (error) {
    return { error: withoutQuery(error instanceof Error ? error.message : String(error), url) };
  }
}

/** A transport's message with the URL's query string cut out, should one have slipped in: it may hold a token. */
function withoutQuery(message: string, url: string): string {
  const at = url.indexOf('?');
  const query = at < 0 ? '' : url.slice(at + 1).split('#')[0]!;
  return query ? message.replaceAll(query, '…') : message;
}

async function appendUnlessConflict(
  o: ResolvedDeliveryOptions,
  records: Parameters<ResolvedDeliveryOptions['ledger']['append']>,
): Promise<boolean> {
  try {
    await o.ledger.append(...records);
    return true;
  } catch (error) {
    if (error instanceof LedgerConflictError) return false;
    throw error;
  }
}
