import { constants } from 'node:fs';
import { type FileHandle, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CLIENT_DEFAULTS, ValidationError } from '@mixpanel-gdpr/client';
import { bufferedWriter } from './bufferedWriter.js';
import { checkPrivateDirectory } from './checkPrivateDirectory.js';
import { keyedId, keyFingerprint, PURGE_KEY_MIN_BYTES } from './keyedId.js';
import { chainedLine, lineHash } from './ledgerChain.js';
import { openLedgerForReading } from './openLedgerForReading.js';
import { openPrivateFile } from './openPrivateFile.js';
import { parseFirstLine, parseRecordLine } from './parseLedger.js';
import { purgeRecord } from './purgeRecord.js';
import { readLines } from './readLines.js';
import type { LedgerPurged, LedgerRecord } from './records.js';
import { syncDirectory } from './syncDirectory.js';
import { takeLock } from './takeLock.js';
import { liveWriter } from './writerMarks.js';

export interface PurgeLedgerOptions {
  /** The HMAC key, at least 32 bytes. Only its fingerprint is recorded. */
  key: Uint8Array;
  /** Requests whose listed ids (`request.received`) are replaced. Every job carrying one must be named in `jobIds`. */
  requestIds: ReadonlySet<string>;
  /** Jobs whose stored ids (batches, 409 coverage, invalid ids) are replaced. */
  jobIds: ReadonlySet<string>;
  /** Clock for the `ledger.purged` record, in epoch ms. @default CLIENT_DEFAULTS.now (Date.now) */
  now?: () => number;
  /** A seam for tests: the step that puts the new file in place of the ledger. */
  rename?: (from: string, to: string) => Promise<void>;
}

export interface PurgeResult {
  /** Stored ids replaced (an id stored in two records counts twice). */
  replaced: number;
  /** The hash of the last line before the purge, recorded in the `ledger.purged` record. */
  previousHead: string;
  /** The hash of the `ledger.purged` record: the new head. */
  head: string;
}

/**
 * Replaces the stored distinct ids of the named requests and jobs by keyed
 * hashes (`keyedId`), recomputes the hash chain and appends a `ledger.purged`
 * record. Holds the ledger's lock throughout (refused while a job runs). The
 * new ledger is written beside the old one and renamed over it, so a crash
 * leaves one or the other whole, never a mix; it is read a line at a time.
 * A last line torn by a crash is dropped, as a writable open would.
 */
export async function purgeLedger(path: string, options: PurgeLedgerOptions): Promise<PurgeResult> {
  if (options.key.length < PURGE_KEY_MIN_BYTES)
    throw new ValidationError(
      'key',
      `the purge key is ${options.key.length} bytes; it must be at least ${PURGE_KEY_MIN_BYTES}`,
    );
  if (options.requestIds.size + options.jobIds.size === 0)
    throw new ValidationError('requestIds', 'name at least one request or job to purge');
  await checkPrivateDirectory(dirname(path), `ledger ${path}`);
  const lock = await takeLock(`${path}.lock`);
  const temp = `${path}.purging`;
  try {
    // The lock is held per append only: a job running elsewhere is seen by its writer mark.
    const writer = await liveWriter(path, (options.now ?? CLIENT_DEFAULTS.now)());
    if (writer !== undefined)
      throw new Error(
        `ledger is in use by process ${writer}${writer === process.pid ? ' (this one)' : ''} (open for writing): wait for it to finish or stop it`,
      );
    const input = await openLedgerForReading(path);
    let result: PurgeResult;
    try {
      // Left by a purge that crashed: we hold the lock, so no purge is writing it now.
      await rm(temp, { force: true });
      const output = await openPrivateFile(
        temp,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
        'purged ledger',
      );
      try {
        result = await copyPurged(path, input, output, options);
        await output.sync();
      } finally {
        await output.close();
      }
    } finally {
      await input.close();
    }
    await (options.rename ?? rename)(temp, path);
    await syncDirectory(dirname(path));
    return result;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    await lock.release();
  }
}

/** Writes the purged ledger to `output`; throws (having written part of it) if the ledger or the names are wrong. */
async function copyPurged(
  path: string,
  input: FileHandle,
  output: FileHandle,
  { key, requestIds, jobIds, now = CLIENT_DEFAULTS.now }: PurgeLedgerOptions,
): Promise<PurgeResult> {
  const out = bufferedWriter(output);
  const hash = (id: string) => keyedId(key, id);
  const found = new Set<string>();
  let previousHead: string | undefined;
  let head: string | undefined;
  let replaced = 0;
  for await (const { bytes, number, complete } of readLines(input)) {
    if (!complete) break;
    previousHead = lineHash(bytes);
    const text = bytes.toString('utf8');
    let record: LedgerRecord | undefined;
    if (number === 1) {
      const first = parseFirstLine(text, path);
      // A header, or a 0.1 ledger's job.created (no ids): kept byte for byte.
      await out.write(`${text}\n`);
      head = previousHead;
      if ('header' in first) continue;
      record = first.record;
    } else if (!text.trim()) {
      continue;
    } else {
      record = parseRecordLine(text, path, number).record;
    }
    const named = record.type === 'request.received' ? requestIds.has(record.requestId) : namedJob(record, jobIds);
    if (named) found.add(record.type === 'request.received' ? `request ${record.requestId}` : `job ${named}`);
    if (record.type === 'job.created') checkJobNamed(record, requestIds, jobIds);
    if (number === 1) continue;
    if (named) {
      const purged = purgeRecord(record, hash);
      record = purged.record;
      replaced += purged.replaced;
    }
    const line = chainedLine(record, head);
    head = lineHash(line);
    await out.write(`${line}\n`);
  }
  const missing = [...[...requestIds].map((id) => `request ${id}`), ...[...jobIds].map((id) => `job ${id}`)].filter(
    (name) => !found.has(name),
  );
  if (missing.length)
    throw new ValidationError(
      missing[0]!.startsWith('request') ? 'requestIds' : 'jobIds',
      `not in ledger ${path}: ${missing.join(', ')}; nothing was changed`,
    );
  const purgedRecord: LedgerPurged = {
    type: 'ledger.purged',
    at: now(),
    requestIds: [...requestIds],
    jobIds: [...jobIds],
    replaced,
    keyFingerprint: keyFingerprint(key),
    previousHead: previousHead!,
  };
  const line = chainedLine(purgedRecord, head);
  await out.write(`${line}\n`);
  await out.flush();
  return { replaced, previousHead: previousHead!, head: lineHash(line) };
}

/** The job id of a job's record, when that job is named. */
function namedJob(record: LedgerRecord, jobIds: ReadonlySet<string>): string | undefined {
  return 'jobId' in record && jobIds.has(record.jobId) ? record.jobId : undefined;
}

/** A named request's ids are also in its jobs' batches: purging the request alone would leave them there. */
function checkJobNamed(
  record: Extract<LedgerRecord, { type: 'job.created' }>,
  requestIds: ReadonlySet<string>,
  jobIds: ReadonlySet<string>,
): void {
  const request = record.requestIds?.find((id) => requestIds.has(id));
  if (request && !jobIds.has(record.jobId))
    throw new ValidationError(
      'jobIds',
      `job ${record.jobId} carries ids of request ${request} but is not named: its ids would stay in the ledger; nothing was changed`,
    );
}
