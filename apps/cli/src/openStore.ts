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
  postgres?: { module: StorePostgres; pool: Pool; owner: string; leases: InstanceType<StorePostgres['Leases']> };
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
    const ledger = await module.PostgresLedger.open(pool, { fence: runFence, leases });
    const pace = new module.SharedPace(pool);
    return {
      ledger,
      postgres: { module, pool, owner: leases.owner, leases },
      paceShare: (project) => ({
        reserve: (priority, intervalMs, signal) => pace.acquire(project, intervalMs, { signal, priority }),
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

/** Records a job writes while it runs: only the holder of the job's lease may write them. */
const RUN_RECORDS = new Set([
  'batch.sending',
  'batch.submitted',
  'batch.unknown',
  'batch.conflict',
  'batch.split',
  'batch.failed',
  'batch.deferred',
  'batch.rejected',
  'task.status',
  'task.cancel',
  'task.missing',
  'export.downloaded',
  'export.failed',
]);

/**
 * The lease a record needs: a running job's records are fenced by its lease,
 * so a worker that lost it (paused past its expiry, cut off) can record
 * nothing more and the next holder finds its last `batch.sending` without an
 * outcome: "outcome unknown", as after a crash. Planning (a job's creation,
 * its first batches), requests and a cancellation are not fenced.
 */
export function runFence(record: { type: string; jobId?: string; parentBatchId?: string }): string | undefined {
  if (record.jobId === undefined) return undefined;
  const running = RUN_RECORDS.has(record.type) || (record.type === 'batch.planned' && record.parentBatchId);
  return running ? jobLease(record.jobId) : undefined;
}

export const jobLease = (jobId: string) => `job:${jobId}`;

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
