import type { SubjectPage, SubjectsQuery } from '@mixpanel-gdpr/service-client/schema';
import { groupIds, jobProject, type OutcomeGroup, type RequestState, requestGroups } from '@mixpanel-gdpr/workflow';
import type { FastifyRequest } from 'fastify';
import { SERVICE_DEFAULTS } from '../defaults.js';
import type { Caller, ServiceContext } from '../ServiceContext.js';
import { badRequest, notFound } from '../ServiceError.js';
import { maskId } from '../views/maskId.js';
import { packCursor, unpackCursor } from './cursor.js';

type Req = FastifyRequest & { caller?: Caller; params: { requestId: string }; query: SubjectsQuery };

/**
 * `GET /v1/requests/{requestId}/subjects`: a request's ids a page at a time,
 * masked; each id itself only for a caller holding `submit` (the scope that
 * already sees the subject's exports). A request that lists its ids reads
 * them from its own record; one whose ids came in a file (a bulk upload)
 * reads the batches of its first project's jobs back from the store, only
 * those the page needs.
 */
export function subjectHandlers(ctx: ServiceContext) {
  return {
    async listSubjects(req: Req): Promise<SubjectPage> {
      const request = ctx.ledger.state.requests.get(req.params.requestId);
      if (!request) throw notFound(`request ${req.params.requestId}`);
      const limit = req.query.limit ?? SERVICE_DEFAULTS.subjectsPageSize;
      const offset = req.query.cursor === undefined ? 0 : decodeOffset(req.query.cursor, request.requestId);
      const revealed = req.caller!.scopes.has('submit');
      if (request.purgedAt !== undefined)
        return { total: 0, revealed, purgedAt: new Date(request.purgedAt).toISOString(), items: [], nextCursor: null };
      const { total, ids } = await subjectsOf(ctx, request, offset, limit);
      const end = offset + ids.length;
      return {
        total,
        revealed,
        items: ids.map((id) => (revealed ? { masked: maskId(id), distinctId: id } : { masked: maskId(id) })),
        nextCursor: end < total ? encodeOffset(end, request.requestId) : null,
      };
    },
  };
}

async function subjectsOf(
  ctx: ServiceContext,
  request: RequestState,
  offset: number,
  limit: number,
): Promise<{ total: number; ids: string[] }> {
  if (request.ids) {
    const all = [...new Set(request.ids)];
    return { total: all.length, ids: all.slice(offset, offset + limit) };
  }
  // Every project receives the same ids: the first one's jobs list them all.
  const { state } = ctx.ledger;
  const groups: { jobId: string; group: OutcomeGroup }[] = [];
  for (const jobId of request.jobIds) {
    const job = state.jobs.get(jobId)!;
    if (jobProject(job) !== request.projects[0]) continue;
    for (const group of requestGroups(request, job)) groups.push({ jobId, group });
  }
  const total = groups.reduce((n, { group }) => n + group.count, 0);
  const ids: string[] = [];
  let start = 0;
  for (const { jobId, group } of groups) {
    const end = start + group.count;
    if (end > offset && ids.length < limit) {
      const batchIds = await groupIds(ctx.ledger, state.jobs.get(jobId)!, group);
      ids.push(...batchIds.slice(Math.max(0, offset - start), Math.max(0, offset - start) + limit - ids.length));
    }
    start = end;
    if (ids.length >= limit) break;
  }
  return { total, ids };
}

/** A page position bound to its request: a cursor of another request is refused, not misread. */
function encodeOffset(offset: number, requestId: string): string {
  return packCursor([offset, requestId]);
}

function decodeOffset(cursor: string, requestId: string): number {
  const value = unpackCursor(cursor);
  if (!Array.isArray(value) || !Number.isSafeInteger(value[0]) || value[0] < 0 || value[1] !== requestId)
    throw badRequest(
      'query.cursor',
      "cursor is not one this request's listing made: pass nextCursor back as it was given",
    );
  return value[0] as number;
}
