import createClient, { type Client } from 'openapi-fetch';
import type { ClientPaths } from './clientPaths.js';
import { createAuthMiddleware } from './createAuthMiddleware.js';
import { createRetryingFetch } from './createRetryingFetch.js';
import type { RequestSummary } from './errors.js';
import { fromResponse } from './fromResponse.js';
import {
  parseJson,
  toDeletionStatus,
  toRetrievalStatus,
  toTaskCreated,
  type DeletionStatus,
  type RetrievalStatus,
  type TaskCreated,
} from './normalize.js';
import type { ClientOptions } from './options.js';
import { createRedactor, REDACTED } from './redact.js';
import type { Region } from './regions.js';
import { resolveOptions } from './resolveOptions.js';
import {
  parseComplianceType,
  parseDisclosureType,
  validateDistinctIds,
  validateTaskId,
  type ComplianceType,
  type DisclosureType,
} from './validate.js';

export interface CallOptions {
  /** Aborts the call, including waits between retries. */
  signal?: AbortSignal;
}

export interface DeletionInput {
  distinctIds: readonly string[];
  complianceType: ComplianceType;
}

export interface RetrievalInput {
  distinctIds: readonly string[];
  complianceType: ComplianceType;
  /** CCPA only. @default 'Data' (applied by Mixpanel) */
  disclosureType?: DisclosureType;
}

/** 204: cancelled (the task ends REVOKED). 405: it has started or ended, too late. */
export type CancelResult = { taskId: string; cancelled: true } | { taskId: string; cancelled: false; reason: string };

export interface MixpanelGdprClient {
  readonly region: Region;
  readonly baseUrl: string;
  createDeletion(input: DeletionInput, options?: CallOptions): Promise<TaskCreated>;
  getDeletionStatus(taskId: string, options?: CallOptions): Promise<DeletionStatus>;
  cancelDeletion(taskId: string, options?: CallOptions): Promise<CancelResult>;
  createRetrieval(input: RetrievalInput, options?: CallOptions): Promise<TaskCreated>;
  getRetrievalStatus(taskId: string, options?: CallOptions): Promise<RetrievalStatus>;
  /** openapi-fetch itself (with auth, retries, timeouts, task id checks): `{ data, error, response }`. */
  readonly raw: Client<ClientPaths>;
}

const DELETIONS = '/data-deletions/v3.0';
const RETRIEVALS = '/data-retrievals/v3.0';

export function createMixpanelGdprClient(options: ClientOptions): MixpanelGdprClient {
  const o = resolveOptions(options);
  const redact = createRedactor([o.oauthToken, o.projectToken]);
  const raw = createClient<ClientPaths>({ baseUrl: o.baseUrl, fetch: createRetryingFetch(o, redact) });
  raw.use(createAuthMiddleware(o));

  const summary = (method: string, path: string): RequestSummary => ({ method, url: `${o.baseUrl}${path}?token=${REDACTED}` });

  /** A 2xx body as JSON, or the error tree for anything else. */
  function expectOk(result: { data?: unknown; error?: unknown; response: Response }, request: RequestSummary): unknown {
    const { response } = result;
    if (!response.ok) throw fromResponse(response, result.error, { request, region: o.region, baseUrl: o.baseUrl, redact, now: o.now });
    return parseJson(result.data, response.status, request);
  }

  return {
    region: o.region,
    baseUrl: o.baseUrl,
    raw,

    async createDeletion(input, { signal } = {}) {
      const body = {
        distinct_ids: validateDistinctIds(input?.distinctIds, o.maxDeletionIds),
        compliance_type: parseComplianceType(input?.complianceType),
      };
      const request = summary('POST', DELETIONS);
      const result = await raw.POST(DELETIONS, { body, signal, parseAs: 'text' });
      return toTaskCreated(expectOk(result, request), result.response.status, request);
    },

    async createRetrieval(input, { signal } = {}) {
      const complianceType = parseComplianceType(input?.complianceType);
      const disclosureType = parseDisclosureType(input?.disclosureType, complianceType);
      const body = {
        distinct_ids: validateDistinctIds(input?.distinctIds, o.maxRetrievalIds),
        compliance_type: complianceType,
        ...(disclosureType && { disclosure_type: disclosureType }),
      };
      const request = summary('POST', RETRIEVALS);
      const result = await raw.POST(RETRIEVALS, { body, signal, parseAs: 'text' });
      return toTaskCreated(expectOk(result, request), result.response.status, request);
    },

    async getDeletionStatus(taskId, { signal } = {}) {
      const id = validateTaskId(taskId);
      const request = summary('GET', `${DELETIONS}/${id}`);
      const result = await raw.GET(`${DELETIONS}/{taskId}`, { params: { path: { taskId: id } }, signal, parseAs: 'text' });
      return toDeletionStatus(expectOk(result, request), id, result.response.status, request);
    },

    async getRetrievalStatus(taskId, { signal } = {}) {
      const id = validateTaskId(taskId);
      const request = summary('GET', `${RETRIEVALS}/${id}`);
      const result = await raw.GET(`${RETRIEVALS}/{taskId}`, { params: { path: { taskId: id } }, signal, parseAs: 'text' });
      return toRetrievalStatus(expectOk(result, request), id, result.response.status, request);
    },

    async cancelDeletion(taskId, { signal } = {}) {
      const id = validateTaskId(taskId);
      const request = summary('DELETE', `${DELETIONS}/${id}`);
      const result = await raw.DELETE(`${DELETIONS}/{taskId}`, { params: { path: { taskId: id } }, signal, parseAs: 'text' });
      if (result.response.status === 405) {
        return { taskId: id, cancelled: false, reason: 'The deletion has started or ended and can no longer be cancelled (405).' };
      }
      if (!result.response.ok) expectOk(result, request);
      return { taskId: id, cancelled: true };
    },
  };
}
