import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { ReportFormat } from '@mixpanel-gdpr/workflow';
import { CliError } from '../CliError.js';
import type { GlobalOptions } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { openSession } from '../openSession.js';
import { known } from './followJobs.js';

/** Writes the per-id report (json, csv) or the summary (md) to stdout or an owner-only file. */
export async function report(jobId: string, o: { format: string; output?: string }, globals: GlobalOptions): Promise<number> {
  if (!['json', 'csv', 'md'].includes(o.format)) throw new CliError(`--format must be json, csv or md (got ${JSON.stringify(o.format)})`);
  const session = await openSession(globals, { readOnly: true });
  try {
    known(session, jobId);
    // Reports list personal data (distinct ids): owner-only, like the ledger.
    const out = o.output ? createWriteStream(o.output, { mode: 0o600 }) : process.stdout;
    await session.workflow.report(jobId, o.format as ReportFormat, out);
    if (o.output) {
      (out as ReturnType<typeof createWriteStream>).end();
      await once(out, 'close');
      session.view.info(`report written to ${o.output}`);
    }
    return EXIT.ok;
  } finally {
    await session.close();
  }
}
