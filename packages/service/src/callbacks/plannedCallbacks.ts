import type { RequestState } from '@mixpanel-gdpr/workflow';
import type { CallbackSources, DescribedRequest } from './CallbackSources.js';
import { callbackIdOf } from './callbackIdOf.js';
import type { CallbackEventType, CallbackState, OutboxRecord } from './outboxTypes.js';

export interface PlanContext {
  request: RequestState;
  described: DescribedRequest;
  /** The ledger's outbox, to find what this request was already sent. */
  callbacks: ReadonlyMap<string, CallbackState>;
  sources: CallbackSources;
  initialState: string;
  now: number;
}

/** Flags reported once each, when they become true. */
const ONCE: ReadonlyArray<[keyof DescribedRequest, CallbackEventType]> = [
  ['extended', 'request.extended'],
  ['atRisk', 'request.at_risk'],
  ['overdue', 'request.overdue'],
];

/**
 * The callbacks a request is owed now and not queued yet: a
 * `request.state_changed` when its state differs from the last one reported
 * (the initial state counts as reported), each once-only event whose flag
 * is true, and an OpenDSR status callback per URL whose status changed.
 * Pure: the same ledger state gives the same records (ids included) in
 * every process.
 */
export function plannedCallbacks(c: PlanContext): OutboxRecord<'callback.queued'>[] {
  const { request, described } = c;
  const sent = request.callbackIds.flatMap((id) => c.callbacks.get(id) ?? []);
  const out: OutboxRecord<'callback.queued'>[] = [];
  if (request.callbackUrl !== undefined) {
    const url = request.callbackUrl;
    const own = sent.filter((cb) => cb.protocol === 'service');
    const changes = own.filter((cb) => cb.event === 'request.state_changed');
    const last = changes.at(-1)?.state ?? c.initialState;
    if (described.state !== last) out.push(serviceCallback(c, url, 'request.state_changed', changes.length, last));
    for (const [flag, event] of ONCE)
      if (described[flag] === true && !own.some((cb) => cb.event === event))
        out.push(serviceCallback(c, url, event, 0, undefined));
  }
  const { opendsrBodyOf } = c.sources;
  const urls = request.intake?.opendsr?.statusCallbackUrls ?? [];
  if (opendsrBodyOf) {
    const statusOf = c.sources.opendsrStatusOf ?? ((state: string) => state);
    const status = statusOf(described.state);
    for (const url of new Set(urls)) {
      const previous = sent.filter((cb) => cb.protocol === 'opendsr' && cb.url === url);
      const last = previous.at(-1)?.state ?? statusOf(c.initialState);
      if (status === last) continue;
      const event = 'request.state_changed';
      const callbackId = callbackIdOf({
        requestId: request.requestId,
        protocol: 'opendsr',
        event,
        url,
        seq: previous.length,
      });
      const body = JSON.stringify(opendsrBodyOf(request, url, status));
      out.push(queued(c, { callbackId, protocol: 'opendsr', event, url, body, state: status, previousState: last }));
    }
  }
  return out;
}

/** The service's `CallbackEvent`: `{ id, type, createdAt, previousState?, request }`, id = callback id. */
function serviceCallback(
  c: PlanContext,
  url: string,
  event: CallbackEventType,
  seq: number,
  previousState: string | undefined,
): OutboxRecord<'callback.queued'> {
  const callbackId = callbackIdOf({ requestId: c.request.requestId, protocol: 'service', event, seq });
  const envelope = {
    id: callbackId,
    type: event,
    createdAt: new Date(c.now).toISOString(),
    ...(previousState !== undefined && { previousState }),
    request: c.sources.bodyOf(c.request, event, previousState),
  };
  const body = JSON.stringify(envelope);
  return queued(c, { callbackId, protocol: 'service', event, url, body, state: c.described.state, previousState });
}

function queued(
  c: PlanContext,
  fields: Omit<OutboxRecord<'callback.queued'>, 'type' | 'requestId' | 'at' | 'previousState'> & {
    previousState: string | undefined;
  },
): OutboxRecord<'callback.queued'> {
  const { previousState, ...rest } = fields;
  return {
    type: 'callback.queued',
    requestId: c.request.requestId,
    at: c.now,
    ...rest,
    ...(previousState !== undefined && { previousState }),
  };
}
