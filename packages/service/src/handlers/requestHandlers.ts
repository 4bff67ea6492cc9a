import { ValidationError } from '@mixpanel-gdpr/client';
import type {
  ListRequestsQuery,
  NewServiceRequest,
  ServiceRequestDetail,
  ServiceRequestPage,
} from '@mixpanel-gdpr/service-client/schema';
import { evidencePack, LedgerConflictError, type RequestState, type RequestView } from '@mixpanel-gdpr/workflow';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bodyPointer } from '../fieldErrorsOf.js';
import type { Caller, ServiceContext } from '../ServiceContext.js';
import { badRequest, conflict, notFound } from '../ServiceError.js';
import { positionOf, RequestOrder } from '../views/RequestOrder.js';
import { serviceState, stageOf } from '../views/serviceState.js';
import { toServiceRequest } from '../views/toServiceRequest.js';
import { assertConfiguredProjects } from './assertConfiguredProjects.js';
import { decodeCursor, encodeCursor, filtersDigest } from './cursor.js';
import { intakeOf } from './intakeOf.js';

type Req = FastifyRequest & { caller?: Caller };

/** The handlers of `/v1/requests…`, named by the spec's operationIds. */
export function requestHandlers(ctx: ServiceContext) {
  const { desk, ledger } = ctx;
  const order = new RequestOrder();
  const requestOf = (requestId: string): RequestState => {
    const request = ledger.state.requests.get(requestId);
    if (!request) throw notFound(`request ${requestId}`);
    return request;
  };

  return {
    async createRequest(req: Req, reply: FastifyReply) {
      const body = req.body as NewServiceRequest;
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      const intake = intakeOf(ctx, req.caller!, 'api', idempotencyKey, body);
      // A retry carrying the same Idempotency-Key gets the first answer again: the request as it stands.
      const earlier = intake.idempotency && ledger.state.idempotency.get(intake.idempotency);
      if (earlier) return replayed(ctx, earlier, intake.bodySha256!, reply);
      const receivedAt = Date.parse(body.receivedAt);
      assertConfiguredProjects(ctx, body.projects, (i) => `/projects/${i}`);
      if (body.disclosureType && !(body.kind === 'access' && body.regulation === 'CCPA'))
        throw badRequest('/disclosureType', 'disclosureType is for CCPA access requests only', body.disclosureType);
      if (body.callbackUrl) await ctx.checkCallbackUrl(body.callbackUrl);
      const ids = [...new Set(body.distinctIds.map((id) => id.trim()))];
      let received: Awaited<ReturnType<typeof desk.receive>>;
      try {
        received = await desk.receive([
          {
            ticket: body.ticket,
            kind: body.kind,
            regulation: body.regulation,
            ...(body.disclosureType && { disclosureType: body.disclosureType }),
            receivedAt,
            ids,
            projects: body.projects,
            ...(body.labels && { labels: body.labels }),
            ...(body.callbackUrl && { callbackUrl: body.callbackUrl }),
            intake,
          },
        ]);
      } catch (error) {
        // Another process recorded the same Idempotency-Key first: this is its retry.
        const first =
          error instanceof LedgerConflictError &&
          intake.idempotency &&
          ledger.state.idempotency.get(intake.idempotency);
        if (first) return replayed(ctx, first, intake.bodySha256!, reply);
        throw intakeError(error);
      }
      const [request] = received.recorded.length ? received.recorded : received.known;
      const view = desk.view(request!);
      if (received.recorded.length) {
        reply.code(201).header('location', `/v1/requests/${encodeURIComponent(request!.requestId)}`);
      } else reply.code(200);
      return toServiceRequest(view);
    },

    async listRequests(req: Req): Promise<ServiceRequestPage> {
      const q = req.query as ListRequestsQuery;
      const limit = q.limit ?? ctx.pageSize;
      const digest = filtersDigest(q as Record<string, unknown>);
      const after = q.cursor ? decodeCursor(q.cursor, digest) : undefined;
      const states = new Set((q.state ?? []).map(stageOf));
      const dueBefore = q.dueBefore === undefined ? undefined : Date.parse(q.dueBefore);
      const ticket = q.ticket?.toLowerCase();
      // Walk the listing's order from the cursor: the request's own fields first (cheap), its view (progress,
      // health) only for those, until the page is full. A first page of 100,000 requests computes about 50 views.
      const sorted = order.sorted(ledger.state);
      const page: RequestView[] = [];
      let more = false;
      for (let i = after ? RequestOrder.after(sorted, after) : 0; i < sorted.length; i++) {
        const request = sorted[i]!;
        // The order is by due date in force: nothing further is due before the limit.
        if (dueBefore !== undefined && positionOf(request).dueAt > dueBefore) break;
        if (q.kind && request.kind !== q.kind) continue;
        if (q.regulation && request.regulation !== q.regulation) continue;
        if (q.project && !request.projects.includes(q.project)) continue;
        if (ticket && !request.ticket.toLowerCase().includes(ticket)) continue;
        const view = desk.view(request);
        const { stage } = view.progress;
        if (states.size && !states.has(stage)) continue;
        const closed = stage === 'done' || stage === 'cancelled';
        if (q.open !== undefined && q.open === closed) continue;
        const { atRisk, overdue } = view.health;
        // atRisk and overdue together list requests that are either.
        if ((q.atRisk || q.overdue) && !((q.atRisk && atRisk) || (q.overdue && overdue))) continue;
        if (q.atRisk === false && atRisk) continue;
        if (q.overdue === false && overdue) continue;
        if (page.length === limit) {
          more = true;
          break;
        }
        page.push(view);
      }
      const last = page.at(-1);
      return {
        items: page.map(toServiceRequest),
        nextCursor: more && last ? encodeCursor(positionOf(last.request), digest) : null,
      };
    },

    async getRequest(req: Req): Promise<ServiceRequestDetail> {
      const request = requestOf((req.params as { requestId: string }).requestId);
      return detailOf(ctx, request);
    },

    async extendRequest(req: Req) {
      const request = requestOf((req.params as { requestId: string }).requestId);
      const { reason } = req.body as { reason: string };
      try {
        return toServiceRequest(await desk.extend(request, reason));
      } catch (error) {
        if (error instanceof ValidationError || error instanceof LedgerConflictError)
          throw conflict('extension-refused', 'Extension refused', error.message);
        throw error;
      }
    },

    async cancelRequest(req: Req) {
      const request = requestOf((req.params as { requestId: string }).requestId);
      const { reason } = req.body as { reason: string };
      const stage = desk.view(request).progress.stage;
      if (stage === 'done' || stage === 'cancelled')
        throw conflict(
          'already-done',
          'Already ended',
          `request ${request.requestId} is already ${serviceState(stage)}`,
        );
      return toServiceRequest(await desk.cancel(request, reason));
    },
  };
}

/** The detail of one request: its projects' tasks with their timelines, and its callbacks. */
export async function detailOf(ctx: ServiceContext, request: RequestState): Promise<ServiceRequestDetail> {
  const view = ctx.desk.view(request);
  const pack = await evidencePack(ctx.ledger, view, ctx.tool, ctx.now());
  const base = toServiceRequest(view);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    ...base,
    projects: base.projects.map((p) => ({
      ...p,
      tasks: (pack.projects.find((e) => e.name === p.project)?.tasks ?? []).map((t) => ({
        taskId: t.taskId,
        status: t.status as ServiceRequestDetail['projects'][number]['tasks'][number]['status'],
        idCount: t.ids.length,
        timeline: t.timeline.map((e) => ({
          at: e.at,
          event: TIMELINE_EVENTS[e.event],
          ...(e.status && { status: e.status as never }),
          ...(e.rawStatus && { rawStatus: e.rawStatus }),
          ...(e.detail && { detail: e.detail }),
        })),
        ...(t.export && {
          export: { bytes: t.export.bytes, sha256: t.export.sha256, fetchedAt: fetchedAt(t.timeline) },
        }),
      })),
    })),
    callbacks: request.callbackIds.map((id) => {
      const c = ctx.ledger.state.callbacks.get(id)!;
      return {
        eventId: c.callbackId,
        type: c.event as ServiceRequestDetail['callbacks'][number]['type'],
        ...(c.state && { requestState: c.state as never }),
        createdAt: iso(c.queuedAt),
        status: c.status,
        attempts: c.attempts,
        ...(c.lastAttemptAt !== undefined && { lastAttemptAt: iso(c.lastAttemptAt) }),
        ...(c.lastStatus !== undefined && { lastResponseStatus: c.lastStatus }),
        ...(c.status === 'pending' && { nextAttemptAt: iso(c.nextAt) }),
        ...(c.deliveredAt !== undefined && { deliveredAt: iso(c.deliveredAt) }),
      };
    }),
  };
}

const TIMELINE_EVENTS = {
  submitted: 'submitted',
  'found running (409)': 'found_running',
  status: 'status',
  'not found (404)': 'not_found',
  cancel: 'cancel',
  export: 'export',
  'export failed': 'export_failed',
} as const;

function fetchedAt(timeline: ReadonlyArray<{ at: string; event: string }>): string {
  return timeline.findLast((e) => e.event === 'export')?.at ?? timeline.at(-1)?.at ?? new Date(0).toISOString();
}

/** A retry with a known Idempotency-Key: the first answer again, or 409 when the body differs. */
function replayed(ctx: ServiceContext, requestId: string, bodySha256: string, reply: FastifyReply) {
  const request = ctx.ledger.state.requests.get(requestId)!;
  if (request.intake?.bodySha256 !== bodySha256)
    throw conflict(
      'idempotency-key-reused',
      'Idempotency-Key reused',
      `this Idempotency-Key was used for another request body (request ${requestId}): use a new key for a new request`,
    );
  reply.code(201).header('location', `/v1/requests/${encodeURIComponent(requestId)}`);
  return toServiceRequest(ctx.desk.view(request));
}

/** What the desk's refusal means for the caller: a field at fault, a ticket taken with other content, a race. */
function intakeError(error: unknown): unknown {
  if (error instanceof LedgerConflictError) return conflict('ticket-conflict', 'Recorded meanwhile', error.message);
  if (!(error instanceof ValidationError)) return error;
  const field = error.field.replace(/^requests\[\d+\]\.?/, '') || 'body';
  if (/is already recorded as/.test(error.message))
    return conflict('ticket-conflict', 'Ticket already recorded', error.message, '/ticket');
  return badRequest(field === 'body' ? 'body' : bodyPointer(field.replace(/^ids\b/, 'distinctIds')), error.message);
}
