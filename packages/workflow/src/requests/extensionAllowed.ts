import { type ComplianceType, describeValue, parseComplianceType, ValidationError } from '@mixpanel-gdpr/client';
import { assertEpochMs } from './assertEpochMs.js';

export interface ExtensionState {
  /** When the request was received, epoch ms. */
  receivedAtMs: number;
  /** End of the first period (`deadlineOf(…).dueAt`), epoch ms. */
  dueAt: number;
  /** Whether the period has already been extended. */
  extended: boolean;
}

export type ExtensionDecision = { allowed: true } | { allowed: false; reason: string };

/** What each law allows, in words for the reasons. */
const RULES = {
  GDPR: {
    once: 'GDPR allows one extension, by two further months (Art. 12(3))',
    notice:
      'GDPR requires the data subject to be told of the extension, with reasons, within the first month (Art. 12(3))',
  },
  CCPA: {
    once: 'the CCPA allows one extension, by 45 more days (Cal. Civ. Code 1798.130(a)(2))',
    notice:
      'the CCPA requires notice of the extension to the consumer within the first 45 days (CCPA regulations § 7021)',
  },
} as const satisfies Record<ComplianceType, { once: string; notice: string }>;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Whether the period of a request can still be extended at `nowMs`: once
 * only, and only while the first period runs, because the notice of the
 * extension must reach the person within it.
 */
export function extensionAllowed(regulation: ComplianceType, state: ExtensionState, nowMs: number): ExtensionDecision {
  const type = parseComplianceType(regulation, 'regulation');
  if (state === null || typeof state !== 'object') {
    throw new ValidationError('state', `state must be an object (got ${describeValue(state)})`);
  }
  const { receivedAtMs, dueAt, extended } = state;
  assertEpochMs(receivedAtMs, 'receivedAtMs');
  assertEpochMs(dueAt, 'dueAt');
  assertEpochMs(nowMs, 'nowMs');
  if (dueAt <= receivedAtMs) {
    throw new ValidationError('dueAt', `dueAt (${iso(dueAt)}) must be after receivedAtMs (${iso(receivedAtMs)})`);
  }
  if (typeof extended !== 'boolean') {
    throw new ValidationError('extended', `extended must be true or false (got ${describeValue(extended)})`);
  }
  const rules = RULES[type];
  if (extended) {
    return { allowed: false, reason: `The deadline was already extended once, and ${rules.once}.` };
  }
  if (nowMs >= dueAt) {
    return {
      allowed: false,
      reason:
        `The first period of the request received at ${iso(receivedAtMs)} ended at ${iso(dueAt)} ` +
        `(now is ${iso(nowMs)}), and ${rules.notice}.`,
    };
  }
  return { allowed: true };
}
