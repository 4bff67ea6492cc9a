import { ValidationError } from '@mixpanel-gdpr/client';
import type { components } from '@mixpanel-gdpr/service-client/schema';
import { LedgerConflictError, type RequestIntake, type RequestState } from '@mixpanel-gdpr/workflow';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertCallbackUrl } from '../callbacks/assertCallbackUrl.js';
import type { CallbackUrlPolicy } from '../callbacks/CallbackUrlPolicy.js';
import type { Caller, ServiceContext } from '../ServiceContext.js';
import { badRequest, conflict } from '../ServiceError.js';
import { findOpendsrRequest } from './findOpendsrRequest.js';
import { rawBodyOf } from './installOpendsrHooks.js';
import { type OpendsrAsk, type OpendsrRequestBody, opendsrNewRequest } from './opendsrNewRequest.js';

export type OpendsrCreated = components['schemas']['OpenDsrCreated'];
type OpendsrIntake = NonNullable<RequestIntake['opendsr']>;

/** What the create handler needs besides the service's context. */
export interface OpendsrIntakeSetup {
  domain: string;
  identityTypes: readonly string[];
  callbackPolicy: CallbackUrlPolicy;
  /** The service's per-key intake rate limit (throws 429). */
  takeIntake?: ((keyId: string) => void) | undefined;
}

/**
 * `POST opencompliance_requests` (section 7): records the request, or finds
 * it when this `subject_request_id` was received before with the same
 * content (a controller's retry: 201 again, with the first
 * `received_time`), and answers the protocol's receipt (7.3). The same
 * `subject_request_id` with other content is refused: it names one request.
 */
export async function receiveOpendsrRequest(
  ctx: ServiceContext,
  setup: OpendsrIntakeSetup,
  req: FastifyRequest & { caller?: Caller },
  reply: FastifyReply,
): Promise<OpendsrCreated> {
  const caller = req.caller!;
  setup.takeIntake?.(caller.key.keyId);
  const body = req.body as OpendsrRequestBody;
  const ask = opendsrNewRequest(body, {
    projects: ctx.projects,
    identityTypes: setup.identityTypes,
    domain: setup.domain,
  });
  checkCallbackUrls(body.status_callback_urls ?? [], setup.callbackPolicy);
  const opendsr: OpendsrIntake = {
    subjectRequestId: body.subject_request_id,
    statusCallbackUrls: [...new Set(body.status_callback_urls ?? [])],
    controllerId: caller.key.name,
    requestType: body.subject_request_type,
  };
  const found = findOpendsrRequest(ctx.desk, opendsr.subjectRequestId);
  if (found.other)
    throw badRequest(
      'subject_request_id',
      'subject_request_id is already the ticket of a request filed otherwise than through OpenDSR: use a new one',
    );
  if (found.request) assertSameRequest(found.request, ask, opendsr);
  let request: RequestState;
  try {
    const received = await ctx.desk.receive([
      {
        ticket: opendsr.subjectRequestId,
        ...ask,
        intake: { via: 'opendsr', keyId: caller.key.keyId, opendsr },
      },
    ]);
    request = (received.recorded[0] ?? received.known[0])!;
  } catch (error) {
    throw intakeErrorOf(error);
  }
  // Recorded by another process meanwhile (a retry that raced the first): the same checks.
  assertSameRequest(request, ask, opendsr);
  reply.code(201);
  const raw = rawBodyOf(req);
  return {
    controller_id: request.intake?.opendsr?.controllerId ?? opendsr.controllerId!,
    expected_completion_time: new Date(request.extension?.dueAt ?? request.dueAt).toISOString(),
    received_time: new Date(request.recordedAt).toISOString(),
    encoded_request: (raw.length ? raw : Buffer.from(JSON.stringify(body))).toString('base64'),
    subject_request_id: opendsr.subjectRequestId,
  };
}

/** Each URL the service would POST to, through the callback guard (no private hosts, https): 400 naming it. */
function checkCallbackUrls(urls: readonly string[], policy: CallbackUrlPolicy): void {
  for (const [i, url] of urls.entries()) {
    try {
      assertCallbackUrl(url, policy, `status_callback_urls[${i}]`);
    } catch (error) {
      if (error instanceof ValidationError) throw badRequest(error.field, error.message);
      throw error;
    }
  }
}

/** What the desk does not compare (it compares regulation, received time, ids, projects): the type and the callbacks. */
function assertSameRequest(existing: RequestState, ask: OpendsrAsk, opendsr: OpendsrIntake): void {
  const first = existing.intake?.opendsr;
  const differs =
    existing.kind !== ask.kind || first?.requestType !== opendsr.requestType
      ? `subject_request_type (${first?.requestType ?? existing.kind})`
      : [...(first?.statusCallbackUrls ?? [])].sort().join() !== [...opendsr.statusCallbackUrls].sort().join()
        ? 'set of status_callback_urls'
        : undefined;
  if (differs) throw sameIdOtherContent(differs);
}

function sameIdOtherContent(what: string) {
  return badRequest(
    'subject_request_id',
    `subject_request_id was already received with another ${what}: it names one request; nothing was recorded`,
  );
}

/** The desk's refusal in the protocol's field names. */
function intakeErrorOf(error: unknown): unknown {
  if (error instanceof LedgerConflictError) return conflict('ticket-conflict', 'Recorded meanwhile', error.message);
  if (!(error instanceof ValidationError)) return error;
  const other = / is already recorded as \S+ with another (.+); nothing was recorded$/.exec(error.message);
  if (other) return sameIdOtherContent(other[1]!);
  const key = error.field.replace(/^requests\[\d+\]\.?/, '');
  const field = FIELDS[key] ?? 'body';
  return badRequest(field, error.message.replace(/^requests\[\d+\]\.\w+/, field));
}

const FIELDS: Record<string, string> = {
  ticket: 'subject_request_id',
  receivedAt: 'submitted_time',
  regulation: 'regulation',
  ids: 'subject_identities',
  projects: 'extensions',
};
