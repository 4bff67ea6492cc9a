import { ValidationError } from './errors.js';
import { API_MAX_IDS_PER_REQUEST, CLIENT_DEFAULTS, type ClientOptions } from './options.js';
import { isRegion, REGION_BASE_URLS, type Region } from './regions.js';
import { MAX_TIMER_MS, type Sleep } from './sleep.js';
import { describeValue, validateBaseUrl, validateInteger, validateSecret } from './validate.js';
import { withoutUndefined } from './withoutUndefined.js';

export interface ResolvedOptions {
  oauthToken: string;
  projectToken: string;
  region: Region;
  baseUrl: string;
  fetch: typeof fetch;
  timeoutMs: number;
  maxResponseBytes: number;
  maxRetries: number;
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
  maxDeletionIds: number;
  maxRetrievalIds: number;
  userAgent: string;
  beforeAttempt: ((signal: AbortSignal | undefined) => Promise<void>) | undefined;
  sleep: Sleep;
  random: () => number;
  now: () => number;
}

/** Merges the defaults and validates every option once; messages name the option and the value. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new ValidationError('options', `options must be an object (got ${describeValue(options)})`);
  }
  const merged = { ...CLIENT_DEFAULTS, ...withoutUndefined(options) };
  if (!isRegion(merged.region)) {
    throw new ValidationError(
      'region',
      `region must be one of ${Object.keys(REGION_BASE_URLS).join(', ')} (got ${describeValue(merged.region)})`,
    );
  }
  const fetchImpl = merged.fetch;
  if (typeof fetchImpl !== 'function')
    throw new ValidationError('fetch', 'fetch must be a function (none given, and no global fetch)');
  const minRetryDelayMs = validateInteger(merged.minRetryDelayMs, 'minRetryDelayMs', 0);
  return {
    oauthToken: validateSecret(merged.oauthToken, 'oauthToken'),
    projectToken: validateSecret(merged.projectToken, 'projectToken'),
    region: merged.region,
    baseUrl: validateBaseUrl(merged.baseUrl ?? REGION_BASE_URLS[merged.region]),
    fetch: fetchImpl,
    // One timer covers an attempt: past MAX_TIMER_MS it would fire at once.
    timeoutMs: validateInteger(merged.timeoutMs, 'timeoutMs', 1, MAX_TIMER_MS),
    maxResponseBytes: validateInteger(merged.maxResponseBytes, 'maxResponseBytes', 1),
    maxRetries: validateInteger(merged.maxRetries, 'maxRetries', 0),
    minRetryDelayMs,
    maxRetryDelayMs: validateInteger(merged.maxRetryDelayMs, 'maxRetryDelayMs', minRetryDelayMs),
    maxDeletionIds: validateInteger(merged.maxDeletionIds, 'maxDeletionIds', 1, API_MAX_IDS_PER_REQUEST),
    maxRetrievalIds: validateInteger(merged.maxRetrievalIds, 'maxRetrievalIds', 1, API_MAX_IDS_PER_REQUEST),
    userAgent: typeof merged.userAgent === 'string' ? merged.userAgent : CLIENT_DEFAULTS.userAgent,
    beforeAttempt: merged.beforeAttempt,
    sleep: merged.sleep,
    random: merged.random,
    now: merged.now,
  };
}
