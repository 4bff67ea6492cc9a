import { API_MAX_IDS_PER_REQUEST, describeValue, MAX_TIMER_MS, ValidationError } from '@mixpanel-gdpr/client';
import { WORKFLOW_DEFAULTS } from './defaults.js';

type Defaults = typeof WORKFLOW_DEFAULTS;
type Value<K extends keyof Defaults> = Defaults[K] extends number ? number : string;

/**
 * Tunables of a workflow; every one is optional and documented in `WORKFLOW_DEFAULTS`.
 * `undefined` means the default, so a project with `exactOptionalPropertyTypes` can pass a maybe-unset value as it is.
 */
export type WorkflowTunables = { -readonly [K in keyof Defaults]?: Value<K> | undefined };

/** Every tunable, set: not `Required<WorkflowTunables>`, which keeps `undefined` under `exactOptionalPropertyTypes`. */
type ResolvedTunables = { -readonly [K in keyof Defaults]: Value<K> };

export interface ResolvedWorkflowOptions extends ResolvedTunables {
  /** Ids per request for each kind, after `dataGroups`. */
  batchSize: { deletion: number; retrieval: number };
}

const POSITIVE = [
  'ratePerSecond',
  'pollMinDelayMs',
  'pollMaxDelayMs',
  'retrievalPollMaxDelayMs',
  'rateLimitBackoffMs',
  'rateLimitMaxBackoffMs',
  'errorBackoffMs',
  'errorMaxBackoffMs',
  'watchDeadlineMs',
  'maxExportBytes',
  'exportTimeoutMs',
  'notFoundWitnessWindowMs',
  'notFoundMinSpanMs',
  'onePassMaxWaitMs',
] as const;

/** Merges the defaults and validates once; messages name the option and the bad value. */
export function resolveWorkflowOptions(options: WorkflowTunables): ResolvedWorkflowOptions {
  const o = {
    ...WORKFLOW_DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as ResolvedTunables;
  const bad = (field: string, rule: string) =>
    new ValidationError(
      field,
      `${field} must be ${rule} (got ${describeValue((o as Record<string, unknown>)[field])})`,
    );
  for (const key of POSITIVE)
    if (!(typeof o[key] === 'number' && o[key] > 0 && Number.isFinite(o[key]))) throw bad(key, 'a positive number');
  // A maximum set below the default minimum lowers the minimum with it: "poll at least every N ms" is a whole ask.
  if (options.pollMinDelayMs === undefined) o.pollMinDelayMs = Math.min(o.pollMinDelayMs, o.pollMaxDelayMs);
  for (const key of ['deletionBatchSize', 'retrievalBatchSize'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1 || o[key] > API_MAX_IDS_PER_REQUEST)
      throw bad(key, `an integer from 1 to ${API_MAX_IDS_PER_REQUEST}`);
  }
  // At 2000 group keys or more, not even one id fits in a request.
  if (!Number.isInteger(o.dataGroups) || o.dataGroups < 0 || o.dataGroups >= API_MAX_IDS_PER_REQUEST)
    throw bad('dataGroups', `an integer from 0 to ${API_MAX_IDS_PER_REQUEST - 1}`);
  // Each is measured by one timer: past MAX_TIMER_MS (24.8 days) it would fire at once.
  for (const key of ['exportIdleTimeoutMs', 'exportTimeoutMs'] as const) {
    if (!(Number.isInteger(o[key]) && o[key] >= 1 && o[key] <= MAX_TIMER_MS))
      throw bad(key, `an integer from 1 to ${MAX_TIMER_MS}`);
  }
  if (!Number.isInteger(o.maxExportLinkRefreshes) || o.maxExportLinkRefreshes < 0)
    throw bad('maxExportLinkRefreshes', 'an integer >= 0');
  for (const key of [
    'exportConcurrency',
    'notFoundConfirmations',
    'onePassMaxFailures',
    'maxUnknownOutcomes',
  ] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw bad(key, 'an integer >= 1');
  }
  if (typeof o.exportDir !== 'string' || o.exportDir.trim() === '') throw bad('exportDir', 'a non-empty path');
  if (!(o.pollAgeFraction > 0 && o.pollAgeFraction <= 10)) throw bad('pollAgeFraction', 'a number in (0, 10]');
  if (!(o.pollJitter >= 0 && o.pollJitter < 1)) throw bad('pollJitter', 'a number in [0, 1)');
  if (o.pollMaxDelayMs < o.pollMinDelayMs) {
    // Blame the option the caller set: a minimum above the default maximum names the minimum.
    throw options.pollMaxDelayMs === undefined
      ? bad('pollMinDelayMs', `<= pollMaxDelayMs (${o.pollMaxDelayMs})`)
      : bad('pollMaxDelayMs', `>= pollMinDelayMs (${o.pollMinDelayMs})`);
  }
  // With Group Analytics, each id also counts once per group key.
  const groupCap = Math.floor(API_MAX_IDS_PER_REQUEST / (o.dataGroups + 1));
  return {
    ...o,
    batchSize: {
      deletion: Math.min(o.deletionBatchSize, groupCap),
      retrieval: Math.min(o.retrievalBatchSize, groupCap),
    },
  };
}
