import type { components } from '@mixpanel-gdpr/service-client/schema';
import type { RequestState } from '@mixpanel-gdpr/workflow';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CallbackUrlPolicy } from '../callbacks/CallbackUrlPolicy.js';
import type { Caller, ServiceContext } from '../ServiceContext.js';
import { ServiceError } from '../ServiceError.js';
import { serviceState } from '../views/serviceState.js';
import { cancelOpendsrRequest } from './cancelOpendsrRequest.js';
import type { OpendsrSigner } from './createOpendsrSigner.js';
import { findOpendsrRequest } from './findOpendsrRequest.js';
import { OPENDSR_DEFAULTS, OPENDSR_IDENTITY_TYPES, OPENDSR_REQUEST_TYPES } from './OPENDSR_DEFAULTS.js';
import { opendsrStatusBody } from './opendsrStatusBody.js';
import { opendsrStatusOf } from './opendsrStatusOf.js';
import { publicUrlOf } from './publicUrlOf.js';
import { receiveOpendsrRequest } from './receiveOpendsrRequest.js';

type Schemas = components['schemas'];
type Req = FastifyRequest & { caller?: Caller };

/** The OpenDSR processor endpoints' settings (`createService({ opendsr })`). Absent: they answer 503. */
export interface OpendsrOptions {
  /** Signs every OpenDSR answer (and, given to `opendsrCallbacks`, every status callback). */
  signer: OpendsrSigner;
  /**
   * The service's public base URL, for discovery's `processor_certificate`
   * and the `results_url` of completed access requests.
   * @default `https://<signer.domain>`
   */
  publicUrl?: string | undefined;
  /**
   * Identity types whose `raw` values are Mixpanel distinct ids; others are refused (400).
   * @default OPENDSR_DEFAULTS.identityTypes (controller_customer_id)
   */
  identityTypes?: readonly string[] | undefined;
}

/** What `createService` lends the OpenDSR handlers: its callback policy and its intake rate limit. */
export interface OpendsrServiceParts {
  callbackPolicy: CallbackUrlPolicy;
  takeIntake?: ((keyId: string) => void) | undefined;
}

const OPERATIONS = [
  'opendsrDiscovery',
  'opendsrCertificate',
  'opendsrCreateRequest',
  'opendsrCreateRequestLegacy',
  'opendsrGetRequest',
  'opendsrGetRequestLegacy',
  'opendsrCancelRequest',
  'opendsrCancelRequestLegacy',
] as const;

/**
 * The handlers of `/opendsr/v1/…`, named by the spec's operationIds (the
 * OpenGDPR-named routes share them: section 10.1). Signing and the
 * protocol's error object are `installOpendsrHooks`' work.
 */
export function opendsrHandlers(
  ctx: ServiceContext,
  options: OpendsrOptions | undefined,
  parts: OpendsrServiceParts,
): Record<(typeof OPERATIONS)[number], (req: Req, reply: FastifyReply) => Promise<unknown>> {
  if (!options) return notConfigured();
  const { signer } = options;
  const publicUrl = publicUrlOf(signer, options.publicUrl);
  const identityTypes = identityTypesOf(options.identityTypes);
  const setup = { ...parts, domain: signer.domain, identityTypes };
  const requestOf = (req: Req): RequestState => {
    const id = (req.params as { subject_request_id: string }).subject_request_id;
    const { request } = findOpendsrRequest(ctx.desk, id);
    if (!request)
      throw new ServiceError({
        status: 404,
        type: 'not-found',
        title: 'Not found',
        detail: 'no OpenDSR request with this subject_request_id',
      });
    return request;
  };
  const statusOf = (request: RequestState) => opendsrStatusOf(serviceState(ctx.desk.view(request).progress.stage));

  const discovery = async (): Promise<Schemas['OpenDsrDiscovery']> => ({
    api_version: OPENDSR_DEFAULTS.apiVersion,
    supported_identities: identityTypes.map((t) => ({ identity_type: t, identity_format: 'raw' })),
    supported_subject_request_types: [...OPENDSR_REQUEST_TYPES],
    processor_certificate: `${publicUrl}/opendsr/v1/certificate.pem`,
  });
  const certificate = async (_req: Req, reply: FastifyReply) => {
    reply.type('application/x-pem-file');
    return signer.certificatePem;
  };
  const create = (req: Req, reply: FastifyReply) => receiveOpendsrRequest(ctx, setup, req, reply);
  const get = async (req: Req): Promise<Schemas['OpenDsrStatus']> => {
    const request = requestOf(req);
    return opendsrStatusBody(request, statusOf(request), publicUrl);
  };
  const cancel = async (req: Req, reply: FastifyReply) => cancelOpendsrRequest(ctx, requestOf(req), reply);
  return {
    opendsrDiscovery: discovery,
    opendsrCertificate: certificate,
    opendsrCreateRequest: create,
    opendsrCreateRequestLegacy: create,
    opendsrGetRequest: get,
    opendsrGetRequestLegacy: get,
    opendsrCancelRequest: cancel,
    opendsrCancelRequestLegacy: cancel,
  };
}

function identityTypesOf(given: readonly string[] | undefined): readonly string[] {
  const types = [...new Set(given ?? OPENDSR_DEFAULTS.identityTypes)];
  if (types.length === 0) throw new TypeError('opendsr.identityTypes must name at least one identity type');
  for (const [i, type] of types.entries())
    if (!OPENDSR_IDENTITY_TYPES.includes(type))
      throw new TypeError(
        `opendsr.identityTypes[${i}] must be an identity type of the protocol (${OPENDSR_IDENTITY_TYPES.join(', ')}), got ${JSON.stringify(type)}`,
      );
  return types;
}

function notConfigured() {
  const off = async (): Promise<never> => {
    throw new ServiceError({
      status: 503,
      type: 'not-configured',
      title: 'Not configured',
      detail: "OpenDSR is not configured on this service: it needs the processor's signing key and certificate",
    });
  };
  return Object.fromEntries(OPERATIONS.map((op) => [op, off])) as Record<(typeof OPERATIONS)[number], typeof off>;
}
