import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '@mixpanel-gdpr/client';
import type { KeyScope, KeyState, Ledger, LedgerState } from '@mixpanel-gdpr/workflow';

export const KEY_SCOPES: readonly KeyScope[] = ['read', 'submit', 'admin'];

/** `mgdpr_<key id>_<secret>`: the id finds the key, the secret proves it; only the secret's SHA-256 is stored. */
const KEY_PATTERN = /^mgdpr_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface CreatedKey {
  keyId: string;
  /** The whole key, shown once: it is stored nowhere. */
  key: string;
  scopes: KeyScope[];
}

/** Makes an API key and records it (`key.created`, with the secret's hash only). */
export async function createApiKey(
  ledger: Ledger,
  options: { name: string; scopes: readonly string[]; now: number },
): Promise<CreatedKey> {
  const name = options.name.trim();
  if (!name || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name))
    throw new ValidationError(
      'name',
      `a key's name is 1 to 100 printable characters (got ${JSON.stringify(options.name)})`,
    );
  const scopes = [...new Set(options.scopes)];
  const bad = scopes.find((s) => !KEY_SCOPES.includes(s as KeyScope));
  if (scopes.length === 0 || bad !== undefined)
    throw new ValidationError(
      'scopes',
      `scopes are ${KEY_SCOPES.join(', ')} (got ${bad === undefined ? 'none' : JSON.stringify(bad)})`,
    );
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await ledger.append({
    type: 'key.created',
    keyId,
    at: options.now,
    name,
    scopes: scopes as KeyScope[],
    secretSha256: sha256(secret),
  });
  return { keyId, key: `mgdpr_${keyId}_${secret}`, scopes: scopes as KeyScope[] };
}

/**
 * The live key a presented secret belongs to, or undefined. The hashes are
 * compared in constant time; a malformed key, an unknown id, a wrong secret
 * and a revoked key all look the same to the caller.
 */
export function findApiKey(state: LedgerState, presented: string): KeyState | undefined {
  const match = KEY_PATTERN.exec(presented);
  if (!match) return undefined;
  const key = state.keys.get(match[1]!);
  const given = Buffer.from(sha256(match[2]!), 'hex');
  // Compared even for an unknown id (against itself), so timing does not tell ids apart.
  const stored = key ? Buffer.from(key.secretSha256, 'hex') : given;
  const same = stored.length === given.length && timingSafeEqual(stored, given);
  return key && same && key.revokedAt === undefined ? key : undefined;
}

/** The key id in a presented key, for a refresh when it is not known yet (made by the CLI meanwhile). */
export function keyIdOf(presented: string): string | undefined {
  return KEY_PATTERN.exec(presented)?.[1];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
