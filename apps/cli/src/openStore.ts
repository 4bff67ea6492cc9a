import type { Ledger, PaceShare } from '@mixpanel-gdpr/workflow';
import { FileLedger } from '@mixpanel-gdpr/workflow';
import { CliError } from './CliError.js';
import { knownSecrets } from './knownSecrets.js';

type StorePostgres = typeof import('@mixpanel-gdpr/store-postgres');
type Pool = ReturnType<StorePostgres['createPool']>;

/** Where the ledger lives: the embedded file, or PostgreSQL shared by several workers. */
export interface Store {
  ledger: Ledger & { readonly head?: string | undefined };
  /** The file ledger, when the store is the embedded file (verify, purge and the file's own checks need it). */
  file?: FileLedger;
  postgres?: {
    module: StorePostgres;
    pool: Pool;
    owner: string;
    leases: InstanceType<StorePostgres['Leases']>;
    /** The same object as `ledger`, with what only PostgreSQL offers (change notifications). */
    ledger: import('@mixpanel-gdpr/store-postgres').PostgresLedger;
  };
  /** The project's pace shared with every process of this store (PostgreSQL), if any. */
  paceShare(project: string): PaceShare | undefined;
  close(): Promise<void>;
}

/**
 * Opens the store: PostgreSQL when a database URL is given (the driver is
 * only loaded then: users of the file store never install it), else the
 * file ledger at `ledgerPath`. A URL's password is redacted from every line
 * this process prints.
 */
export async function openStore(
  { databaseUrl, ledgerPath }: { databaseUrl?: string | undefined; ledgerPath: string },
  { readOnly }: { readOnly: boolean },
): Promise<Store> {
  if (databaseUrl === undefined) {
    // A ledger refused on opening (not a ledger, a symlink, a shared folder, in use) is a problem with the
    // ledger named, before anything was sent: invalid_input (exit 2), not "resume it".
    const file = await FileLedger.open(ledgerPath, { readOnly }).catch((error: unknown) => {
      throw new CliError(error instanceof Error ? error.message : String(error), 'invalid_input');
    });
    return { ledger: file, file, paceShare: () => undefined, close: () => file.close() };
  }
  rememberUrlSecrets(databaseUrl);
  const module = await loadStorePostgres();
  const pool = module.createPool(databaseUrl);
  try {
    const leases = new module.Leases(pool);
    // A running job's records are fenced by its lease (see `fenceJobWork`): a worker that lost it records nothing more.
    const ledger = await module.PostgresLedger.open(pool, { fence: module.fenceJobWork, leaseOwner: leases.owner });
    const pace = new module.SharedPace(pool);
    return {
      ledger,
      postgres: { module, pool, owner: leases.owner, leases, ledger },
      paceShare: (project) => ({
        async reserve(priority, intervalMs, signal) {
          const grantedMs = await pace.acquire(project, intervalMs, { signal, priority });
          return (floorMs: number) => pace.answered(project, grantedMs, intervalMs, floorMs);
        },
        rateLimited: (retryAfterMs) => pace.backoff(project, retryAfterMs),
        succeeded: () => pace.succeeded(project),
      }),
      async close() {
        await ledger.close();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end().catch(() => {});
    throw new CliError(`database: ${(error as Error).message}`, 'invalid_input');
  }
}

async function loadStorePostgres(): Promise<StorePostgres> {
  try {
    return await import('@mixpanel-gdpr/store-postgres');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new CliError(
      'a database URL needs @mixpanel-gdpr/store-postgres: install it beside the CLI (npm install -g @mixpanel-gdpr/store-postgres)',
      'usage',
    );
  }
}

function rememberUrlSecrets(url: string): void {
  knownSecrets.add(url);
  try {
    const { password } = new URL(url);
    if (password) knownSecrets.add(decodeURIComponent(password)).add(password);
  } catch {
    throw new CliError('--database-url must be a postgres:// URL', 'usage');
  }
}
