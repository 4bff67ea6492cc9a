import { ServiceError } from './ServiceError.js';

/**
 * Intake calls per key per minute, as a token bucket per key (in this
 * process: several service processes each allow as much). A misbehaving
 * integrator is slowed down with 429 and Retry-After, before anything is
 * stored.
 */
export function intakeLimiter(perMinute: number, now: () => number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerMs = perMinute / 60_000;
  return (keyId: string): void => {
    const t = now();
    const bucket = buckets.get(keyId) ?? { tokens: perMinute, at: t };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (t - bucket.at) * ratePerMs);
    bucket.at = t;
    buckets.set(keyId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const retryAfterS = Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
    throw new ServiceError({
      status: 429,
      type: 'rate-limited',
      title: 'Too many requests',
      detail: `this key may file ${perMinute} requests a minute: try again in ${retryAfterS} s`,
      headers: { 'retry-after': String(retryAfterS) },
    });
  };
}
