import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ValidationError } from '@mixpanel-gdpr/client';
import type { RequestKind } from '@mixpanel-gdpr/service-client/schema';
import { openPrivateFile, readIdsFromFile, ticketKey } from '@mixpanel-gdpr/workflow';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller, ServiceContext } from '../ServiceContext.js';
import { badRequest, conflict, ServiceError } from '../ServiceError.js';
import { toServiceRequest } from '../views/toServiceRequest.js';
import { assertConfiguredProjects } from './assertConfiguredProjects.js';
import { intakeOf } from './intakeOf.js';

/** The query of `POST /v1/requests/bulk`, validated by the spec. */
interface BulkQuery {
  ticket: string;
  kind: RequestKind;
  regulation: 'GDPR' | 'CCPA';
  disclosureType?: 'Data' | 'Categories';
  receivedAt: string;
  project: string[];
  labels?: Record<string, string>;
  callbackUrl?: string;
  field?: string;
  column?: string;
}

const FORMATS: Record<string, 'ndjson' | 'csv' | 'text'> = {
  'application/x-ndjson': 'ndjson',
  'text/csv': 'csv',
  'text/plain': 'text',
};

export interface BulkLimits {
  /** Largest upload, in bytes (the spec: 2 GiB). */
  maxBytes: number;
  /** An upload that sends nothing for this long is dropped, in ms (the spec: 60 s). */
  stallMs: number;
  /** Runs the recording and planning under the store's plan lock. */
  planning: <T>(work: () => Promise<T>) => Promise<T | undefined>;
}

/**
 * `POST /v1/requests/bulk`: one request whose ids are the body. The body is
 * streamed to a private temporary file (hashed as it comes, never held in
 * memory) and only then read as ids, so an upload cut short, too large or
 * without one usable id records nothing; the request and its jobs are then
 * recorded together (`receiveWhole`).
 */
export function bulkHandlers(ctx: ServiceContext, limits: BulkLimits) {
  return {
    async createBulkRequest(req: FastifyRequest, reply: FastifyReply) {
      const q = req.query as BulkQuery;
      const caller = (req as FastifyRequest & { caller: Caller }).caller;
      const format = FORMATS[(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()];
      if (!format)
        throw new ServiceError({
          status: 415,
          type: 'unsupported-media-type',
          title: 'Unsupported media type',
          detail: 'send the ids as application/x-ndjson, text/csv or text/plain',
        });
      assertConfiguredProjects(ctx, q.project, () => 'query.project');
      if (q.callbackUrl) ctx.checkCallbackUrl(q.callbackUrl);
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      const fields = { ...q };
      const intake = intakeOf(ctx, caller, 'bulk', idempotencyKey, fields);
      // A retry with a known key gets the first answer without the body being read.
      const earlier = intake.idempotency && ctx.ledger.state.idempotency.get(intake.idempotency);
      if (earlier) {
        const request = ctx.ledger.state.requests.get(earlier)!;
        if (request.intake?.bodySha256 !== intake.bodySha256)
          throw conflict(
            'idempotency-key-reused',
            'Idempotency-Key reused',
            'this Idempotency-Key was used for another upload',
          );
        req.raw.resume();
        reply.code(201).header('location', `/v1/requests/${encodeURIComponent(earlier)}`);
        return bulkIntakeOf(ctx, earlier);
      }
      const dir = await mkdtemp(join(tmpdir(), 'mpgdpr-upload-'));
      try {
        const path = join(dir, 'ids');
        const { sha256, bytes } = await saveUpload(req.body as Readable, path, limits);
        const known = ctx.ledger.state.tickets.get(ticketKey(q.kind, q.ticket));
        if (known) return sameUpload(ctx, known, q, sha256, reply);
        let received: Awaited<ReturnType<typeof ctx.desk.receiveWhole>> | undefined;
        try {
          received = await limits.planning(async () =>
            ctx.desk.receiveWhole(
              {
                ticket: q.ticket,
                kind: q.kind,
                regulation: q.regulation,
                ...(q.disclosureType && { disclosureType: q.disclosureType }),
                receivedAt: Date.parse(q.receivedAt),
                projects: q.project,
                ...(q.labels && { labels: q.labels }),
                ...(q.callbackUrl && { callbackUrl: q.callbackUrl }),
                intake,
                source: { name: 'upload', sha256, bytes },
              },
              await readIdsFromFile(path, {
                format,
                ...(format === 'csv' && { column: q.column ?? 'distinct_id' }),
                ...(format === 'ndjson' && { field: q.field ?? 'distinct_id' }),
              }),
              { sourceSha256: () => sha256 },
            ),
          );
        } catch (error) {
          if (error instanceof ValidationError) throw badRequest('body', uploadMessage(error.message, path));
          throw error;
        }
        if (!received) throw new Error('the plan lock was not taken');
        reply.code(201).header('location', `/v1/requests/${encodeURIComponent(received.request.requestId)}`);
        return bulkIntakeOf(ctx, received.request.requestId);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The same ticket again: 200 when it is the same upload and fields, 409 otherwise. */
function sameUpload(ctx: ServiceContext, requestId: string, q: BulkQuery, sha256: string, reply: FastifyReply) {
  const request = ctx.ledger.state.requests.get(requestId)!;
  const same =
    request.source?.sha256 === sha256 &&
    request.regulation === q.regulation &&
    request.receivedAt === Date.parse(q.receivedAt) &&
    [...request.projects].sort().join() === [...q.project].sort().join();
  if (!same)
    throw conflict(
      'ticket-conflict',
      'Ticket already recorded',
      `${q.kind} ticket ${JSON.stringify(q.ticket)} is already recorded as ${requestId} with another upload or fields`,
      'ticket',
    );
  reply.code(200);
  return bulkIntakeOf(ctx, requestId);
}

/** The spec's `BulkIntake`: the request, and what its upload held (from its first job's reading). */
function bulkIntakeOf(ctx: ServiceContext, requestId: string) {
  const request = ctx.ledger.state.requests.get(requestId)!;
  const ingested = ctx.ledger.state.jobs.get(request.jobIds[0]!)?.ingested;
  return {
    request: toServiceRequest(ctx.desk.view(request)),
    intake: {
      bytes: request.source?.bytes ?? 0,
      sha256: request.source?.sha256 ?? '',
      read: ingested?.read ?? 0,
      valid: ingested?.valid ?? 0,
      duplicates: ingested?.duplicates ?? 0,
      invalid: ingested?.invalid.length ?? 0,
      invalidSample: (ingested?.invalid ?? []).slice(0, 100),
    },
  };
}

/** The reader's words without the temporary file's path. */
function uploadMessage(message: string, path: string): string {
  return message.split(path).join('the upload');
}

/** Streams the body into a private file, hashing it; refuses past `maxBytes` and drops a stalled upload. */
async function saveUpload(
  body: Readable,
  path: string,
  limits: BulkLimits,
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  const file = await openPrivateFile(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 'upload');
  let bytes = 0;
  let stall: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    const arm = () => {
      clearTimeout(stall);
      stall = setTimeout(() => {
        body.destroy();
        reject(
          new ServiceError({
            status: 408,
            type: 'upload-stalled',
            title: 'Upload stalled',
            detail: `the upload sent nothing for ${limits.stallMs / 1000} s: nothing was recorded`,
          }),
        );
      }, limits.stallMs);
    };
    arm();
    body.on('data', arm);
  });
  stalled.catch(() => {});
  try {
    const copy = (async () => {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > limits.maxBytes) {
          body.destroy();
          throw new ServiceError({
            status: 413,
            type: 'too-large',
            title: 'Too large',
            detail: `an upload may hold ${limits.maxBytes} bytes: nothing was recorded`,
            headers: { connection: 'close' },
          });
        }
        hash.update(chunk);
        await file.write(chunk);
      }
    })();
    await Promise.race([copy, stalled]);
  } finally {
    clearTimeout(stall);
    await file.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}
