import { once } from 'node:events';
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { openPrivateFile, type ReportFormat } from '@mixpanel-gdpr/workflow';
import { CliError } from '../CliError.js';
import type { GlobalOptions } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { openSession } from '../openSession.js';
import { terminalSafe } from '../terminalSafe.js';
import { known } from './followJobs.js';

/** Writes the per-id report (json, csv) or the summary (md) to stdout or an owner-only file. */
export async function report(
  jobId: string,
  o: { format: string; output?: string },
  globals: GlobalOptions,
): Promise<number> {
  if (!['json', 'csv', 'md'].includes(o.format))
    throw new CliError(`--format must be json, csv or md (got ${JSON.stringify(o.format)})`);
  const session = await openSession(globals, { readOnly: true });
  try {
    known(session, jobId);
    if (!o.output) {
      // On a terminal, CSV and Markdown are for eyes: shown escaped. JSON, pipes and files stay exact.
      if (o.format === 'json' || !process.stdout.isTTY)
        await session.workflow.report(jobId, o.format as ReportFormat, process.stdout);
      else {
        const out = terminalSafe(process.stdout);
        await session.workflow.report(jobId, o.format as ReportFormat, out);
        out.end();
        await finished(out);
      }
      return EXIT.ok;
    }
    const out = (await openReportFile(o.output)).createWriteStream();
    await session.workflow.report(jobId, o.format as ReportFormat, out);
    out.end();
    await once(out, 'close');
    session.view.info(`report written to ${o.output}`);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

/**
 * Reports list personal data (distinct ids): owner-only, like the ledger.
 * An existing file is emptied only once it is known to be a file of ours
 * (not a link, not another user's) and made 0600: opening with a mode, as
 * before, left an existing file's looser mode as it was.
 */
async function openReportFile(path: string): Promise<FileHandle> {
  const handle = await openPrivateFile(path, constants.O_WRONLY | constants.O_CREAT, 'report file').catch(
    (error: Error) => {
      throw new CliError(`--output: ${error.message}`);
    },
  );
  try {
    await handle.truncate(0);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}
