import type { LedgerRecord, RequestState } from '@mixpanel-gdpr/workflow';
import type { CallbackSources, DescribedRequest } from '../../../src/callbacks/CallbackSources.js';
import type { CallbackUrlPolicy } from '../../../src/callbacks/CallbackUrlPolicy.js';

export const T0 = Date.parse('2026-03-02T09:15:00Z');

/** A clock the test moves by hand. */
export function manualClock(start = T0): { now: () => number; set(ms: number): void; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Loopback receivers are allowed in these tests only. */
export const LOOPBACK_POLICY: CallbackUrlPolicy = { allowPrivate: true, allowHttp: 'loopback' };

export const SECRET = 'whsec_test_0123456789abcdef';

export function received(
  n: number,
  extra: Partial<Extract<LedgerRecord, { type: 'request.received' }>> = {},
): Extract<LedgerRecord, { type: 'request.received' }> {
  return {
    type: 'request.received',
    requestId: `req-20260302-091500-${n.toString(16).padStart(8, '0')}`,
    at: T0,
    ticket: `DSR-${n}`,
    kind: 'erasure',
    regulation: 'GDPR',
    receivedAt: T0,
    timeZone: 'Europe/Berlin',
    dueDate: '2026-04-02',
    dueAt: Date.parse('2026-04-02T22:00:00Z'),
    projects: ['web'],
    ...extra,
  };
}

/** What the service would say of each request: set by the test. */
export function fakeSources(): CallbackSources & { described: Map<string, DescribedRequest> } {
  const described = new Map<string, DescribedRequest>();
  return {
    described,
    describe: (request: RequestState) =>
      described.get(request.requestId) ?? { state: 'not_submitted', atRisk: false, overdue: false, extended: false },
    bodyOf: (request, event) => ({
      requestId: request.requestId,
      ticket: request.ticket,
      state: described.get(request.requestId)?.state ?? 'not_submitted',
      event,
    }),
  };
}

export function describedAs(state: string, flags: Partial<DescribedRequest> = {}): DescribedRequest {
  return { state, atRisk: false, overdue: false, extended: false, ...flags };
}
