import { CliError } from '../CliError.js';
import type { GlobalOptions } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { loadService } from '../loadService.js';
import { openSession } from '../openSession.js';

export interface KeyCreateOptions {
  name: string;
  scope: string;
}

/**
 * Makes a service API key with these scopes and prints it once: the store
 * keeps only its hash, so a lost key is revoked and made again.
 */
export async function keysCreate(o: KeyCreateOptions, globals: GlobalOptions): Promise<number> {
  const { createApiKey } = await loadService();
  const session = await openSession(globals, { calls: false });
  try {
    const scopes = o.scope.split(',').map((s) => s.trim());
    const created = await createApiKey(session.ledger, { name: o.name, scopes, now: Date.now() });
    session.view.result(
      { type: 'key', keyId: created.keyId, key: created.key, scopes: created.scopes },
      `${created.key}\n(key ${created.keyId}, scopes ${created.scopes.join(', ')}: shown once, only its hash is kept)`,
    );
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

/** Every key: id, name, scopes, when made and revoked (never a secret: none is stored). */
export async function keysList(globals: GlobalOptions): Promise<number> {
  const session = await openSession(globals, { readOnly: true });
  try {
    for (const key of session.ledger.state.keys.values()) {
      const { keyId, name, scopes, createdAt, revokedAt } = key;
      session.view.result(
        { type: 'key', keyId, name, scopes, createdAt, ...(revokedAt !== undefined && { revokedAt }) },
        `${keyId}  ${scopes.join(',').padEnd(18)}  ${new Date(createdAt).toISOString()}${revokedAt === undefined ? '' : `  revoked ${new Date(revokedAt).toISOString()}`}  ${name}`,
      );
    }
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

export async function keysRevoke(keyId: string, globals: GlobalOptions): Promise<number> {
  const session = await openSession(globals, { calls: false });
  try {
    const key = session.ledger.state.keys.get(keyId);
    if (!key) throw new CliError(`no key ${JSON.stringify(keyId)} (see keys list)`, 'usage');
    if (key.revokedAt === undefined) await session.ledger.append({ type: 'key.revoked', keyId, at: Date.now() });
    session.view.info(`key ${keyId} (${key.name}) is revoked: the service refuses it from now on`);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}
