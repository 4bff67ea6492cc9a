export const REDACTED = '[REDACTED]';

/** Replaces every occurrence of the secret (raw and URL-encoded) in a string. */
export function createRedactor(secret: string): (text: string) => string {
  const needles = [...new Set([secret, encodeURIComponent(secret)])].filter((s) => s.length > 0);
  return (text) => needles.reduce((out, needle) => out.split(needle).join(REDACTED), text);
}
