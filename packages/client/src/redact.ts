export const REDACTED = '[REDACTED]';

/** Replaces every occurrence of the given secrets (raw and URL-encoded) in a string. */
export type Redactor = (text: string) => string;

export function createRedactor(secrets: readonly string[]): Redactor {
  const needles = [...new Set(secrets.flatMap((s) => [s, encodeURIComponent(s)]))]
    // Longest first, so a secret containing another is replaced whole.
    .filter((s) => s.length > 0)
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const needle of needles) out = out.split(needle).join(REDACTED);
    return out;
  };
}

/** The URL with the `token` query parameter (the project token) hidden. */
export function redactUrl(url: string, redact: Redactor): string {
  try {
    const parsed = new URL(url);
    if (parsed.searchParams.has('token')) parsed.searchParams.set('token', REDACTED);
    return redact(parsed.toString().replace(encodeURIComponent(REDACTED), REDACTED));
  } catch {
    return redact(url);
  }
}
