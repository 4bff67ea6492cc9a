import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  batchGroups,
  evidenceMarkdown,
  evidencePack,
  groupIds,
  type JobState,
  jobProject,
  keyedId,
  type OutcomeGroup,
  openPrivateFile,
  outcomeGroups,
  type RequestKind,
} from '@mixpanel-gdpr/workflow';
import { CliError } from '../CliError.js';
import type { GlobalOptions } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { openSession, type Session } from '../openSession.js';
import { readPurgeKey } from '../readPurgeKey.js';
import { VERSION } from '../version.js';

export interface EvidenceOptions {
  out: string;
  kind?: RequestKind;
  lookup?: string;
  keyFile?: string;
}

/**
 * Writes a request's evidence pack: JSON (everything, exact) and a Markdown
 * summary naming the JSON's SHA-256, both owner-only (they list personal
 * data). With --lookup ID, answers instead whether and how that id was
 * handled, also once its stored ids were purged (with the purge key).
 */
export async function evidence(ref: string | undefined, o: EvidenceOptions, globals: GlobalOptions): Promise<number> {
  if (o.lookup !== undefined) return lookup(o.lookup, o, globals);
  if (ref === undefined) throw new CliError('evidence needs a REQUEST (a ticket or request id), or --lookup ID');
  const session = await openSession(globals, { readOnly: true });
  try {
    const request = session.desk.find(ref, o.kind);
    const pack = await evidencePack(
      session.ledger,
      session.desk.view(request),
      { name: '@mixpanel-gdpr/cli', version: VERSION },
      Date.now(),
    );
    const json = `${JSON.stringify(pack, null, 2)}\n`;
    const sha256 = createHash('sha256').update(json).digest('hex');
    const dir = resolve(o.out);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const base = join(dir, `${request.requestId}.evidence`);
    await writePrivate(`${base}.json`, json);
    await writePrivate(`${base}.md`, evidenceMarkdown(pack, sha256));
    session.view.result(
      {
        type: 'evidence',
        requestId: request.requestId,
        ticket: request.ticket,
        json: `${base}.json`,
        markdown: `${base}.md`,
        sha256,
      },
      `evidence for ${request.ticket} (${pack.deadline.stage}, due ${pack.deadline.dueDate}) written to ${base}.json (sha256 ${sha256}) and ${base}.md`,
    );
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

/** Owner-only, replaced whole: an evidence file of the same request written before is overwritten. */
async function writePrivate(path: string, text: string): Promise<void> {
  const handle = await openPrivateFile(path, constants.O_WRONLY | constants.O_CREAT, 'evidence file').catch(
    (error: Error) => {
      throw new CliError(`--out: ${error.message}`);
    },
  );
  try {
    await handle.truncate(0);
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Was this id erased (or exported), when, under which task? Searches the
 * ledger for the id as written and, with the purge key, as its keyed hash.
 */
async function lookup(id: string, o: EvidenceOptions, globals: GlobalOptions): Promise<number> {
  const key = o.keyFile !== undefined || process.env.MIXPANEL_GDPR_PURGE_KEY_FILE ? readPurgeKey(o.keyFile) : undefined;
  const session = await openSession(globals, { readOnly: true });
  try {
    const forms = new Set([id, ...(key ? [keyedId(key, id)] : [])]);
    const found = await findId(session, forms);
    if (found.length === 0) {
      session.view.info(
        `no record of this id in ${session.config.ledgerPath}${key ? '' : ' (if it was purged, give the purge key with --key-file)'}`,
      );
      return EXIT.someFailed;
    }
    for (const f of found) session.view.result({ type: 'lookup', ...f }, describe(f));
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

interface Found {
  requestId?: string;
  ticket?: string;
  kind?: string;
  regulation?: string;
  project: string;
  jobId: string;
  taskIds: string[];
  status: string;
  submittedAt?: string;
  statusAt?: string;
  purged: boolean;
}

/**
 * Where the id (in any of its stored forms) went, job by job: the outcome
 * groups the reports are made of, each batch's ids read back from the store
 * (a job whose requests list their ids finds it without reading).
 */
async function findId(session: Session, forms: ReadonlySet<string>): Promise<Found[]> {
  const found: Found[] = [];
  for (const job of session.workflow.jobs()) {
    if (!job.ingested) continue;
    const hit = await findInJob(session, job, forms);
    if (!hit) continue;
    const { group, matched } = hit;
    const { row, batch } = group;
    const request = (job.requestIds ?? [])
      .map((r) => session.ledger.state.requests.get(r)!)
      .find((r) => batch.requestId === r.requestId || !r.ids || r.ids.some((x) => forms.has(x)));
    found.push({
      ...(request && {
        requestId: request.requestId,
        ticket: request.ticket,
        kind: request.kind,
        regulation: request.regulation,
      }),
      project: jobProject(job),
      jobId: job.jobId,
      taskIds: row.taskIds,
      status: row.taskIds.length ? row.outcome : batch.phase,
      ...(row.submittedAt && { submittedAt: row.submittedAt }),
      ...(row.statusAt && { statusAt: row.statusAt }),
      purged: matched !== [...forms][0],
    });
  }
  return found;
}

async function findInJob(
  session: Session,
  job: JobState,
  forms: ReadonlySet<string>,
): Promise<{ group: OutcomeGroup; matched: string } | undefined> {
  if (job.batchOfId) {
    const matched = [...forms].find((x) => job.batchOfId!.has(x));
    if (matched === undefined) return undefined;
    const batch = job.batches.get(job.batchOfId.get(matched)!)!;
    const group = [...batchGroups(job, batch)].find((g) => !g.ids || g.ids.includes(matched));
    return group && { group, matched };
  }
  for (const group of outcomeGroups(job)) {
    const matched = (await groupIds(session.ledger, job, group)).find((x) => forms.has(x));
    if (matched !== undefined) return { group, matched };
  }
  return undefined;
}

function describe(f: Found): string {
  const request = f.ticket ? `request ${f.ticket} (${f.kind}, ${f.regulation})` : 'no request';
  const tasks = f.taskIds.length ? `task ${f.taskIds.join(', ')}` : 'no task';
  return `${request}, project ${f.project}, job ${f.jobId}: ${tasks}, ${f.status}${f.submittedAt ? `, submitted ${f.submittedAt}` : ''}${f.statusAt ? `, status since ${f.statusAt}` : ''}${f.purged ? ' (stored as a keyed hash)' : ''}`;
}
