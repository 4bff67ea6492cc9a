/** Mixpanel data residency regions. A project lives in exactly one. */
export type Region = 'us' | 'eu' | 'in';

/**
 * Base URL of the GDPR API per region. A token used against the wrong region
 * typically gets 401, 403 or 404, which is why those errors mention the region.
 */
export const REGION_BASE_URLS: Readonly<Record<Region, string>> = Object.freeze({
  us: 'https://mixpanel.com/api/app',
  eu: 'https://eu.mixpanel.com/api/app',
  in: 'https://in.mixpanel.com/api/app',
});

export function isRegion(value: unknown): value is Region {
  return typeof value === 'string' && Object.hasOwn(REGION_BASE_URLS, value);
}
