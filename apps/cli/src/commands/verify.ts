import { verifyLedger } from '@mixpanel-gdpr/workflow';
import { CliError } from '../CliError.js';
import { type GlobalOptions, resolveConfig } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { ProgressView } from '../ProgressView.js';

/**
 * Checks the ledger's hash chain. Exit 0 when whole (printing the head hash:
 * keep it elsewhere, it is what proves the last line untouched), 1 naming
 * the first broken line otherwise.
 */
export async function verify(globals: GlobalOptions, { head }: { head?: string } = {}): Promise<number> {
  if (head !== undefined && !/^[0-9a-f]{64}$/.test(head))
    throw new CliError(
      `--head must be a SHA-256 in hex, as verify or an evidence pack printed it (got ${JSON.stringify(head)})`,
    );
  const config = await resolveConfig(globals);
  const view = new ProgressView({ json: config.json, redact: (t) => t });
  const result = await verifyLedger(config.ledgerPath, head === undefined ? {} : { knownHead: head }).catch(
    (error: Error) => {
      throw new CliError(error.message, 'invalid_input');
    },
  );
  if (result.ok) {
    view.result(
      { type: 'verify', ...result },
      `ledger ${config.ledgerPath}: chain intact over ${result.records} records (from line ${result.chainStartsAtLine}); head ${result.head}`,
    );
    return EXIT.ok;
  }
  view.result(
    { type: 'verify', ...result },
    `ledger ${config.ledgerPath}: BROKEN at line ${result.line}: ${result.reason}`,
  );
  return EXIT.someFailed;
}
