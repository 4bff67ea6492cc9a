import { readHistory } from '@mixpanel-gdpr/workflow';
import { CliError } from '../CliError.js';
import { type GlobalOptions, resolveConfig } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { openStore } from '../openStore.js';
import { ProgressView } from '../ProgressView.js';

/**
 * `store copy --from FILE --to postgres://…`: moves a file ledger into
 * PostgreSQL with its whole history, record by record, in order; refused
 * when the database already holds a history (nothing is merged silently).
 */
export async function storeCopy(
  o: { from: string; to: string },
  globals: GlobalOptions,
  signal: AbortSignal,
): Promise<number> {
  if (!/^postgres(ql)?:\/\//.test(o.to)) throw new CliError('--to must be a postgres:// URL');
  const config = await resolveConfig({ ...globals, databaseUrl: o.to });
  const view = new ProgressView({ json: config.json, redact: (t) => t });
  const store = await openStore({ databaseUrl: o.to, ledgerPath: config.ledgerPath }, { readOnly: false });
  try {
    const { module, pool } = store.postgres!;
    const copied = await module.copyLedger(readHistory(o.from), pool, { signal }).catch((error: Error) => {
      throw new CliError(`store copy: ${error.message}`, 'invalid_input');
    });
    view.result(
      { type: 'store-copy', from: o.from, ...copied },
      `copied ${copied.records} records (${copied.jobs} jobs, ${copied.requests} requests) from ${o.from} into PostgreSQL`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
