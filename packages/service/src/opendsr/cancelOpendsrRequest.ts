import type { components } from '@mixpanel-gdpr/service-client/schema';
import { LedgerConflictError, type RequestState } from '@mixpanel-gdpr/workflow';
import type { FastifyReply } from 'fastify';
import type { ServiceContext } from '../ServiceContext.js';
import { ServiceError } from '../ServiceError.js';
import { serviceState } from '../views/serviceState.js';
import { OPENDSR_DEFAULTS } from './OPENDSR_DEFAULTS.js';
import { opendsrStatusBody } from './opendsrStatusBody.js';
import { opendsrStatusOf } from './opendsrStatusOf.js';

export type OpendsrCancelled = components['schemas']['OpenDsrCancelled'];

/**
 * `DELETE opencompliance_requests/{id}` (section 9): a controller may cancel
 * a request while it is `pending` (nothing sent to Mixpanel yet); 202 with
 * the time the cancellation was received. A retried DELETE finds it
 * cancelled and gets that first time again. Later, 400: an erasure under
 * way at Mixpanel is not taken back by a word from the controller.
 */
export async function cancelOpendsrRequest(
  ctx: ServiceContext,
  request: RequestState,
  reply: FastifyReply,
): Promise<OpendsrCancelled> {
  const status = statusOf(ctx, request);
  if (status !== 'pending' && status !== 'cancelled') throw tooLateToCancel(status);
  const ended = status === 'pending' ? await cancelled(ctx, request) : request;
  const { controller_id, subject_request_id, api_version } = opendsrStatusBody(ended, 'cancelled', undefined);
  reply.code(202);
  const receivedAt = ended.cancelled?.at ?? ctx.now();
  return { controller_id, received_time: new Date(receivedAt).toISOString(), subject_request_id, api_version };
}

const statusOf = (ctx: ServiceContext, request: RequestState) =>
  opendsrStatusOf(serviceState(ctx.desk.view(request).progress.stage));

/** Cancels a pending request; when another process cancelled it first, that cancellation stands. */
async function cancelled(ctx: ServiceContext, request: RequestState): Promise<RequestState> {
  try {
    return (await ctx.desk.cancel(request, OPENDSR_DEFAULTS.cancelReason)).request;
  } catch (error) {
    if (!(error instanceof LedgerConflictError)) throw error;
    await ctx.ledger.refresh();
    const now = ctx.ledger.state.requests.get(request.requestId)!;
    if (!now.cancelled) throw tooLateToCancel(statusOf(ctx, now));
    return now;
  }
}

function tooLateToCancel(status: string): ServiceError {
  const detail = `the request is ${status}; only a pending request can be cancelled`;
  return new ServiceError({
    status: 400,
    type: 'state',
    title: 'Cannot cancel',
    detail,
    errors: [{ field: 'request_status', message: detail }],
  });
}
