import { createHash } from 'node:crypto';

/**
 * Which Mixpanel project a job belongs to, without holding a secret: the
 * region, the API origin actually called, and a short SHA-256 prefix of the
 * project token. Recorded when a job is created, so that a job started for
 * project A can never send its remaining batches (irreversible deletions)
 * to project B after someone changes the environment.
 */
export interface ProjectIdentity {
  region: string;
  /** The API base URL, as the client calls it. */
  apiOrigin: string;
  /** First 12 hex digits of SHA-256(project token): tells projects apart, reveals nothing usable. */
  tokenFingerprint: string;
}

/** Hex digits kept of the token's hash: 48 bits make an accidental match between two projects negligible. */
const FINGERPRINT_HEX_DIGITS = 12;

export function projectIdentity(input: { projectToken: string; region: string; baseUrl: string }): ProjectIdentity {
  return { region: input.region, apiOrigin: input.baseUrl, tokenFingerprint: tokenFingerprint(input.projectToken) };
}

export function tokenFingerprint(projectToken: string): string {
  return createHash('sha256').update(projectToken, 'utf8').digest('hex').slice(0, FINGERPRINT_HEX_DIGITS);
}

export function sameProject(a: ProjectIdentity, b: ProjectIdentity): boolean {
  return a.region === b.region && a.apiOrigin === b.apiOrigin && a.tokenFingerprint === b.tokenFingerprint;
}

/** For messages: region, origin and fingerprint, never a token. */
export function describeProject(p: ProjectIdentity): string {
  return `region ${p.region}, ${p.apiOrigin}, project token sha256:${p.tokenFingerprint}…`;
}
