/**
 * Every credential value this process has seen (environment, flags, token
 * files), so that bin.ts can redact any line it prints, including error lines
 * written after a token file was read. Grows only; values are never printed.
 */
export const knownSecrets = new Set<string>();
