import createClient, { type Client } from 'openapi-fetch';
import { createAuthMiddleware } from './createAuthMiddleware.js';
import { createRedactor } from './createRedactor.js';
import type { paths } from './generated/schema.js';
import type {
  BulkIntake,
  BulkRequestQuery,
  DeadlinesView,
  EvidencePack,
  ExportListing,
  Health,
  ListRequestsQuery,
  NewServiceRequest,
  ProjectsView,
  Readiness,
  ServiceRequest,
  ServiceRequestDetail,
  ServiceRequestPage,
  Session,
  SubjectPage,
  SubjectsQuery,
} from './schema.js';
import { toServiceProblemError } from './toServiceProblemError.js';
import { validateBaseUrl, validateCredential } from './validateOptions.js';

export interface ServiceClientOptions {
  /** The service's URL, e.g. `https://gdpr.example.com`: https, or http on loopback only. */
  baseUrl: string;
  /** An API key (`mixpanel-gdpr keys create`), sent as `Authorization: Bearer`; never put in an error. */
  apiKey?: string | undefined;
  /**
   * In a browser signed in with `signIn` instead of a key: the session cookie
   * goes with every call (same origin only) and its CSRF token with every
   * change (`X-CSRF-Token`).
   */
  session?: Pick<Session, 'csrfToken'> | undefined;
  /** @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
}

export interface CreateOptions extends CallOptions {
  /** Makes a retry safe: the service records a request once per key (kept at least 24 h). */
  idempotencyKey?: string | undefined;
}

/** 201: recorded now. 200: this ticket was already recorded with the same content (or a replayed key). */
export interface Created<T> {
  created: boolean;
  value: T;
}

/** Bytes of an upload. A stream is sent as it is read (never buffered here). */
export type UploadBody = string | Uint8Array | Blob | ReadableStream<Uint8Array>;
export type UploadFormat = 'ndjson' | 'csv' | 'text';

export interface ExportDownload {
  /** The ZIP file, as it arrives: read it to the end or cancel it. */
  body: ReadableStream<Uint8Array>;
  /** Hex SHA-256 the service recorded (from `Repr-Digest`), to check the bytes against. */
  sha256: string | undefined;
}

export interface ServiceClient {
  readonly baseUrl: string;
  health(options?: CallOptions): Promise<Health>;
  /** Throws a ServiceProblemError (503, with `problem.checks`) when not ready. */
  readiness(options?: CallOptions): Promise<Readiness>;
  /** Prometheus text; needs the `admin` scope. */
  metrics(options?: CallOptions): Promise<string>;
  createRequest(input: NewServiceRequest, options?: CreateOptions): Promise<Created<ServiceRequest>>;
  /** One request whose ids are the upload (NDJSON, CSV or one per line), streamed. */
  uploadRequest(
    query: BulkRequestQuery,
    body: UploadBody,
    options: CreateOptions & { format: UploadFormat },
  ): Promise<Created<BulkIntake>>;
  listRequests(query?: ListRequestsQuery, options?: CallOptions): Promise<ServiceRequestPage>;
  /** Every matching request, earliest due first, fetching pages as they are read. */
  requests(query?: Omit<ListRequestsQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<ServiceRequest>;
  getRequest(requestId: string, options?: CallOptions): Promise<ServiceRequestDetail>;
  extendRequest(requestId: string, reason: string, options?: CallOptions): Promise<ServiceRequest>;
  cancelRequest(requestId: string, reason: string, options?: CallOptions): Promise<ServiceRequest>;
  getEvidence(requestId: string, options?: CallOptions): Promise<EvidencePack>;
  getEvidenceMarkdown(requestId: string, options?: CallOptions): Promise<string>;
  /** Needs `submit`: exports hold the data subject's personal data. */
  listExports(requestId: string, options?: CallOptions): Promise<ExportListing>;
  downloadExport(
    requestId: string,
    project: string,
    options?: CallOptions & { taskId?: string | undefined },
  ): Promise<ExportDownload>;
  listProjects(options?: CallOptions): Promise<ProjectsView>;
  getDeadlines(query?: { days?: number | undefined }, options?: CallOptions): Promise<DeadlinesView>;
  /** The request's ids, masked; each id itself only for a caller holding `submit`. */
  listSubjects(requestId: string, query?: SubjectsQuery, options?: CallOptions): Promise<SubjectPage>;
  /** The session signed in (with a session client). */
  getSession(options?: CallOptions): Promise<Session>;
  /** Ends the session: the service clears its cookie. */
  signOut(options?: CallOptions): Promise<void>;
  /** openapi-fetch itself, with the key and path checks: `{ data, error, response }`, never throwing on a status. */
  readonly raw: Client<paths>;
}

const CONTENT_TYPES: Record<UploadFormat, string> = {
  ndjson: 'application/x-ndjson',
  csv: 'text/csv',
  text: 'text/plain',
};

type Sent<D> = Promise<{ data?: D; error?: unknown; response: Response }>;

export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const baseUrl = validateBaseUrl(options?.baseUrl);
  const credential = validateCredential(options);
  const redact = createRedactor('apiKey' in credential ? credential.apiKey : credential.csrfToken);
  const raw = createClient<paths>({
    baseUrl,
    ...(options.fetch && { fetch: options.fetch }),
    // The session cookie goes to this origin only.
    ...('csrfToken' in credential && { credentials: 'same-origin' }),
  });
  raw.use(createAuthMiddleware(baseUrl, credential));

  /** Runs one raw call; a 4xx or 5xx becomes a ServiceProblemError naming `method path`. */
  async function call<D>(method: string, path: string, send: () => Sent<D>): Promise<{ data: D; status: number }> {
    const { data, error, response } = await send();
    if (!response.ok) throw toServiceProblemError(response, error, { method, path }, redact);
    return { data: data as D, status: response.status };
  }
  const get = async <D>(path: string, send: () => Sent<D>) => (await call('GET', path, send)).data;
  const pathOf = (requestId: string) => `/v1/requests/${encodeURIComponent(requestId)}`;
  const onRequest = (requestId: string) => ({ path: { requestId } });

  const client: ServiceClient = {
    baseUrl,
    raw,
    health: ({ signal } = {}) => get('/healthz', () => raw.GET('/healthz', { signal })),
    readiness: ({ signal } = {}) => get('/readyz', () => raw.GET('/readyz', { signal })),
    metrics: ({ signal } = {}) =>
      get('/metrics', () => raw.GET('/metrics', { signal, parseAs: 'text', headers: { Accept: 'text/plain' } })),

    async createRequest(body, { signal, idempotencyKey } = {}) {
      const header = idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey };
      const send = () => raw.POST('/v1/requests', { body, signal, params: { header } });
      const { data, status } = await call('POST', '/v1/requests', send);
      return { created: status === 201, value: data };
    },

    async uploadRequest(query, body, { signal, idempotencyKey, format }) {
      const header = idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey };
      const send = () =>
        raw.POST('/v1/requests/bulk', {
          params: { query, header },
          // Sent as given: a stream goes out as it is read. `duplex` is what fetch needs to send one.
          body: body as unknown as string,
          bodySerializer: (b: unknown) => b as string,
          headers: { 'Content-Type': CONTENT_TYPES[format] },
          signal,
          ...({ duplex: 'half' } as object),
        });
      const { data, status } = await call('POST', '/v1/requests/bulk', send);
      return { created: status === 201, value: data };
    },

    listRequests: (query = {}, { signal } = {}) =>
      get('/v1/requests', () => raw.GET('/v1/requests', { params: { query }, signal })),

    async *requests(query = {}, options = {}) {
      let cursor: string | undefined;
      do {
        const page = await client.listRequests({ ...query, ...(cursor && { cursor }) }, options);
        yield* page.items;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    },

    getRequest: (requestId, { signal } = {}) =>
      get(pathOf(requestId), () => raw.GET('/v1/requests/{requestId}', { params: onRequest(requestId), signal })),

    async extendRequest(requestId, reason, { signal } = {}) {
      const path = `${pathOf(requestId)}/extension`;
      const send = () =>
        raw.POST('/v1/requests/{requestId}/extension', { params: onRequest(requestId), body: { reason }, signal });
      return (await call('POST', path, send)).data;
    },

    async cancelRequest(requestId, reason, { signal } = {}) {
      const path = `${pathOf(requestId)}/cancel`;
      const send = () =>
        raw.POST('/v1/requests/{requestId}/cancel', { params: onRequest(requestId), body: { reason }, signal });
      return (await call('POST', path, send)).data;
    },

    async getEvidence(requestId, { signal } = {}) {
      const pack = await get(`${pathOf(requestId)}/evidence`, () =>
        raw.GET('/v1/requests/{requestId}/evidence', {
          params: onRequest(requestId),
          headers: { Accept: 'application/json' },
          signal,
        }),
      );
      // The operation's 200 is JSON or Markdown; Accept asked for JSON.
      return pack as EvidencePack;
    },

    getEvidenceMarkdown: (requestId, { signal } = {}) =>
      get(`${pathOf(requestId)}/evidence`, () =>
        raw.GET('/v1/requests/{requestId}/evidence', {
          params: onRequest(requestId),
          headers: { Accept: 'text/markdown' },
          parseAs: 'text',
          signal,
        }),
      ),

    listExports: (requestId, { signal } = {}) =>
      get(`${pathOf(requestId)}/exports`, () =>
        raw.GET('/v1/requests/{requestId}/exports', { params: onRequest(requestId), signal }),
      ),

    async downloadExport(requestId, project, { signal, taskId } = {}) {
      const path = `${pathOf(requestId)}/exports/${encodeURIComponent(project)}`;
      const params = { path: { requestId, project }, query: taskId === undefined ? {} : { taskId } };
      const { data, error, response } = await raw.GET('/v1/requests/{requestId}/exports/{project}', {
        params,
        headers: { Accept: 'application/zip' },
        parseAs: 'stream',
        signal,
      });
      if (!response.ok) throw toServiceProblemError(response, error, { method: 'GET', path }, redact);
      const body = (data as ReadableStream<Uint8Array> | null) ?? new Blob([]).stream();
      return { body, sha256: sha256Of(response.headers.get('repr-digest')) };
    },

    listProjects: ({ signal } = {}) => get('/v1/projects', () => raw.GET('/v1/projects', { signal })),

    getDeadlines: (query = {}, { signal } = {}) =>
      get('/v1/deadlines', () => raw.GET('/v1/deadlines', { params: { query }, signal })),

    listSubjects: (requestId, query = {}, { signal } = {}) =>
      get(`${pathOf(requestId)}/subjects`, () =>
        raw.GET('/v1/requests/{requestId}/subjects', { params: { ...onRequest(requestId), query }, signal }),
      ),

    getSession: ({ signal } = {}) => get('/v1/session', () => raw.GET('/v1/session', { signal })),

    async signOut({ signal } = {}) {
      await call('DELETE', '/v1/session', () => raw.DELETE('/v1/session', { signal, parseAs: 'text' }));
    },
  };
  return client;
}

/** The hex SHA-256 in `Repr-Digest: sha-256=:<base64>:` (RFC 9530), if there is one. */
function sha256Of(header: string | null): string | undefined {
  const base64 = header?.match(/(?:^|,)\s*sha-256=:([A-Za-z0-9+/=]+):/)?.[1];
  if (!base64) return undefined;
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return bytes.length === 32 ? [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('') : undefined;
}
