import { randomBytes } from 'node:crypto';
import { COMPLIANCE_TYPES, ValidationError } from '@mixpanel-gdpr/client';
import type { Ledger } from '../ledger/Ledger.js';
import { LedgerConflictError } from '../ledger/LedgerConflictError.js';
import { type RequestState, ticketKey } from '../ledger/LedgerState.js';
import type { RequestReceived } from '../ledger/records.js';
import { deadlineOf } from './deadlineOf.js';
import type { NewRequest } from './NewRequest.js';
import { deadlineOptions, type RequestPolicy } from './RequestPolicy.js';

export interface ReceivedRequests {
  /** Newly recorded, earliest due first. */
  recorded: RequestState[];
  /** Already in the ledger exactly as given (the same file read twice): left as they were. */
  known: RequestState[];
}

/** Decisions made again after another process recorded the same ticket first: each conflict means one more ticket is known. */
const CONFLICT_ATTEMPTS = 3;

/** Longest ticket id, in characters: it is shown, filed and used in file names. */
const MAX_TICKET_LENGTH = 200;
const KINDS = ['erasure', 'access'];

/**
 * Checks every request, then records those not already in the ledger (one
 * append, so a refused batch records nothing). A ticket already recorded
 * for the same kind with other content is refused, naming what differs: a
 * ticket is the caller's key, and two different requests under one key
 * would make its evidence wrong.
 */
export async function receiveRequests(
  ledger: Ledger,
  requests: readonly NewRequest[],
  policy: RequestPolicy,
  nowMs: number,
): Promise<ReceivedRequests> {
  for (let attempt = 1; ; attempt++) {
    const { records, known } = requestRecords(ledger, requests, policy, nowMs);
    try {
      if (records.length) await ledger.append(...records);
      return { recorded: records.map((r) => ledger.state.requests.get(r.requestId)!), known };
    } catch (error) {
      // Another process recorded one of these tickets first (a retried webhook, two people):
      // its record is in `state` now, so deciding again finds it known, or different and refused.
      if (!(error instanceof LedgerConflictError) || attempt >= CONFLICT_ATTEMPTS) throw error;
      await ledger.refresh();
    }
  }
}

/** The checks and records of `receiveRequests`, without appending: a whole-job request is written with its job. */
export function requestRecords(
  ledger: Ledger,
  requests: readonly NewRequest[],
  policy: RequestPolicy,
  nowMs: number,
): { records: RequestReceived[]; known: RequestState[] } {
  const records: RequestReceived[] = [];
  const known: RequestState[] = [];
  const seen = new Set<string>();
  for (const [i, r] of requests.entries()) {
    const field = `requests[${i}]`;
    checkRequest(r, field, nowMs);
    const key = ticketKey(r.kind, r.ticket);
    if (seen.has(key))
      throw new ValidationError(`${field}.ticket`, `${r.kind} ticket ${JSON.stringify(r.ticket)} is given twice`);
    seen.add(key);
    const record = toRecord(r, policy, nowMs);
    const existingId = ledger.state.tickets.get(key);
    if (existingId === undefined) {
      records.push(record);
      continue;
    }
    const existing = ledger.state.requests.get(existingId)!;
    const differs = difference(existing, record);
    if (differs)
      throw new ValidationError(
        `${field}.ticket`,
        `${r.kind} ticket ${JSON.stringify(r.ticket)} is already recorded as ${existing.requestId} with another ${differs}; nothing was recorded`,
      );
    known.push(existing);
  }
  records.sort((a, b) => a.dueAt - b.dueAt || a.receivedAt - b.receivedAt);
  return { records, known };
}

function checkRequest(r: NewRequest, field: string, nowMs: number): void {
  const bad = (key: string, why: string) => new ValidationError(`${field}.${key}`, `${field}.${key} ${why}`);
  if (typeof r.ticket !== 'string' || r.ticket.trim() === '' || r.ticket !== r.ticket.trim())
    throw bad('ticket', `must be a non-empty id without surrounding spaces (got ${JSON.stringify(r.ticket)})`);
  if (r.ticket.length > MAX_TICKET_LENGTH || /[\u0000-\u001f\u007f]/.test(r.ticket))
    throw bad(
      'ticket',
      `must be at most ${MAX_TICKET_LENGTH} printable characters (got ${JSON.stringify(r.ticket.slice(0, 40))})`,
    );
  if (!KINDS.includes(r.kind)) throw bad('kind', `must be erasure or access (got ${JSON.stringify(r.kind)})`);
  if (!COMPLIANCE_TYPES.includes(r.regulation))
    throw bad('regulation', `must be ${COMPLIANCE_TYPES.join(' or ')} (got ${JSON.stringify(r.regulation)})`);
  if (!Number.isFinite(r.receivedAt)) throw bad('receivedAt', `must be a time (got ${JSON.stringify(r.receivedAt)})`);
  // A minute of clock skew between the ticketing system and this machine is not an error.
  if (r.receivedAt > nowMs + 60_000)
    throw bad(
      'receivedAt',
      `is in the future (${new Date(r.receivedAt).toISOString()}): check the date and its time zone`,
    );
  if (!Array.isArray(r.projects) || r.projects.length === 0) throw bad('projects', 'must name at least one project');
  if (r.ids !== undefined && r.ids.length === 0)
    throw bad('ids', `has no valid distinct id${r.invalid?.length ? ` (${r.invalid.length} invalid)` : ''}`);
}

function toRecord(r: NewRequest, policy: RequestPolicy, nowMs: number): RequestReceived {
  const { dueDate, dueAt } = deadlineOf(r.regulation, r.receivedAt, policy.timeZone, deadlineOptions(policy));
  return {
    type: 'request.received',
    requestId: newRequestId(nowMs),
    at: nowMs,
    ticket: r.ticket,
    kind: r.kind,
    regulation: r.regulation,
    ...(r.disclosureType && { disclosureType: r.disclosureType }),
    receivedAt: r.receivedAt,
    timeZone: policy.timeZone,
    dueDate,
    dueAt,
    projects: [...new Set(r.projects)],
    ...(r.labels && Object.keys(r.labels).length > 0 && { labels: r.labels }),
    ...(r.ids && { ids: r.ids, idCount: r.ids.length }),
    ...(r.invalid?.length && { invalid: r.invalid }),
    ...(r.source && {
      source: {
        name: r.source.name,
        ...(r.source.sha256 && { sha256: r.source.sha256 }),
        ...(r.source.bytes !== undefined && { bytes: r.source.bytes }),
      },
    }),
    ...(r.callbackUrl && { callbackUrl: r.callbackUrl }),
    ...(r.intake && { intake: r.intake }),
  };
}

/** What makes a recorded request another one than this record; undefined when they are the same request. */
function difference(existing: RequestState, record: RequestReceived): string | undefined {
  if (existing.regulation !== record.regulation) return `regulation (${existing.regulation})`;
  if (existing.receivedAt !== record.receivedAt)
    return `received time (${new Date(existing.receivedAt).toISOString()})`;
  // Once purged, the stored ids are keyed hashes: only their number can be compared.
  if (existing.purgedAt !== undefined)
    return existing.ids?.length === record.ids?.length
      ? undefined
      : `number of distinct ids (${existing.ids?.length ?? 0})`;
  const a = [...(existing.ids ?? [])].sort();
  const b = [...(record.ids ?? [])].sort();
  if (a.length !== b.length || a.some((id, i) => id !== b[i])) return `set of distinct ids (${a.length} ids)`;
  if ([...existing.projects].sort().join() !== [...record.projects].sort().join())
    return `set of projects (${existing.projects.join(', ')})`;
  return undefined;
}

function newRequestId(nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `req-${stamp}-${randomHex8()}`;
}

/**
 * Four random bytes as hex, from a pool refilled 4 kB at a time: one
 * `randomBytes` call per request cost more than the rest of its id.
 */
function randomHex8(): string {
  if (poolAt + 4 > pool.length) {
    pool = randomBytes(4_096);
    poolAt = 0;
  }
  poolAt += 4;
  return pool.toString('hex', poolAt - 4, poolAt);
}
let pool = Buffer.alloc(0);
let poolAt = 0;
