import createClient, { type Client } from 'openapi-fetch';
import type { ClientPaths } from './clientPaths.js';
import { createAuthMiddleware } from './createAuthMiddleware.js';
import { createRetryingFetch } from './createRetryingFetch.js';
import type { RequestSummary } from './errors.js';
import { fromResponse } from './fromResponse.js';
import {
  type DeletionStatus,
  parseJson,
  type RetrievalStatus,
  type TaskCreated,
  toDeletionStatus,
  toRetrievalStatus,
  toTaskCreated,
} from './normalize.js';
import type { ClientOptions } from './options.js';
import { createRedactor, REDACTED } from './redact.js';
import type { Region } from './regions.js';
import { resolveOptions } from './resolveOptions.js';
import {
  type ComplianceType,
  type DisclosureType,
  parseComplianceType,
  parseDisclosureType,
  validateDistinctIds,
  validateTaskId,
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
const decoder = new TextDecoder();

export function createMixpanelGdprClient(options: ClientOptions): MixpanelGdprClient {
  const o = resolveOptions(options);
  const redact = createRedactor([o.oauthToken, o.projectToken]);
  const send = createRetryingFetch(o, redact);
  const raw = createClient<ClientPaths>({
    baseUrl: o.baseUrl,
    // openapi-fetch hands over a Request (and no init: no requestInitExt is set here), and reads the body from a
    // copy of the response: status, status text and headers as they came.
    fetch: (async (request: Request) => {
      const { response, body } = await send(request);
      return new Response(body, response);
    }) as typeof fetch,
  });
  raw.use(createAuthMiddleware(o));
  // The methods below build their own requests, credentials included (for the API's own origin only, with task
  // ids checked first), and read the body as the sender read it: through openapi-fetch and the middleware,
  // each call would build its request twice and copy its response, the dearest parts of a call.
  const headers = { Authorization: `Bearer ${o.oauthToken}`, 'User-Agent': o.userAgent, Accept: 'application/json' };
  const token = encodeURIComponent(o.projectToken);

  /**
   * Sends one call and turns its outcome into a parsed body or an error from
   * the tree. The summary, not the Request, names the request in errors: it
   * is built without the project token.
   */
  async function run<T>(
    method: string,
    path: string,
    call: { body?: object; signal: AbortSignal | undefined },
    parse: (body: unknown, status: number, request: RequestSummary) => T,
    /** An error status that is an expected answer, handed to `parse`. */
    answerStatus?: number,
  ): Promise<T> {
    const request: RequestSummary = { method, url: `${o.baseUrl}${path}?token=${REDACTED}` };
    const { response, body } = await send(
      new Request(`${o.baseUrl}${path}?token=${token}`, {
        method,
        headers: call.body ? { ...headers, 'Content-Type': 'application/json' } : headers,
        body: call.body && JSON.stringify(call.body),
      }),
      call.signal,
    );
    const { status } = response;
    // No body (a 204, an oversized error's) is undefined, as openapi-fetch has it; an error's body is parsed if it is JSON.
    const text = body?.length ? decoder.decode(body) : undefined;
    if (response.ok) return parse(status === 204 ? undefined : parseJson(text, status, request), status, request);
    let error: unknown = text;
    try {
      error = JSON.parse(text as string);
    } catch {}
    if (status === answerStatus) return parse(error, status, request);
    throw fromResponse(response, error, { request, region: o.region, baseUrl: o.baseUrl, redact, now: o.now });
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
      return run('POST', DELETIONS, { body, signal }, toTaskCreated);
    },

    async createRetrieval(input, { signal } = {}) {
      const complianceType = parseComplianceType(input?.complianceType);
      const disclosureType = parseDisclosureType(input?.disclosureType, complianceType);
      const body = {
        distinct_ids: validateDistinctIds(input?.distinctIds, o.maxRetrievalIds),
        compliance_type: complianceType,
        ...(disclosureType && { disclosure_type: disclosureType }),
      };
      return run('POST', RETRIEVALS, { body, signal }, toTaskCreated);
    },

    async getDeletionStatus(taskId, { signal } = {}) {
      return run('GET', `${DELETIONS}/${validateTaskId(taskId)}`, { signal }, (body, status, request) =>
        toDeletionStatus(body, taskId, status, request),
      );
    },

    async getRetrievalStatus(taskId, { signal } = {}) {
      return run('GET', `${RETRIEVALS}/${validateTaskId(taskId)}`, { signal }, (body, status, request) =>
        toRetrievalStatus(body, taskId, status, request),
      );
    },

    async cancelDeletion(taskId, { signal } = {}) {
      // 405 is an answer, not a failure: the task has started (or ended), too late to cancel.
      return run(
        'DELETE',
        `${DELETIONS}/${validateTaskId(taskId)}`,
        { signal },
        (_, status): CancelResult =>
          status === 405
            ? { taskId, cancelled: false, reason: 'started or ended: too late to cancel (405)' }
            : { taskId, cancelled: true },
        405,
      );
    },
  };
}
