import { ValidationError } from '@mixpanel-gdpr/client';
import type { KeyScope, KeyState, Ledger, RequestDesk } from '@mixpanel-gdpr/workflow';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseCookies } from 'cookie';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import helmet from 'helmet';
import { findApiKey, keyIdOf } from './apiKeys.js';
import { assertCallbackUrl } from './callbacks/assertCallbackUrl.js';
import type { CallbackUrlPolicy } from './callbacks/CallbackUrlPolicy.js';
import { DASHBOARD_ROUTES, serveDashboard } from './dashboard/serveDashboard.js';
import { SERVICE_DEFAULTS } from './defaults.js';
import { fieldErrorsOf, type SchemaError } from './fieldErrorsOf.js';
import { bulkHandlers } from './handlers/bulkHandlers.js';
import { exportHandlers } from './handlers/exportHandlers.js';
import { operationalHandlers, type ReadinessCheck } from './handlers/operationalHandlers.js';
import { overviewHandlers } from './handlers/overviewHandlers.js';
import { requestHandlers } from './handlers/requestHandlers.js';
import { subjectHandlers } from './handlers/subjectHandlers.js';
import { intakeLimiter } from './intakeLimiter.js';
import { loadServiceSpec } from './loadServiceSpec.js';
import { installOpendsrHooks } from './opendsr/installOpendsrHooks.js';
import { type OpendsrOptions, opendsrHandlers } from './opendsr/opendsrHandlers.js';
import type { Caller, ServiceContext } from './ServiceContext.js';
import { badRequest, ServiceError } from './ServiceError.js';
import { ServiceMetrics } from './ServiceMetrics.js';
import { sameSiteRequest } from './session/sameSiteRequest.js';
import { SESSION_COOKIE, sessionHandlers } from './session/sessionHandlers.js';
import { sameText, sessionTokens } from './session/sessionToken.js';
import { storeReadiness } from './storeReadiness.js';

export interface ServiceOptions {
  ledger: Ledger;
  desk: RequestDesk;
  /** The configured project names. */
  projects: readonly string[];
  /** At least 32 bytes: keys Idempotency-Key hashes. Keep it across restarts (a retry after one must still match). */
  secret: Uint8Array;
  version: string;
  now?: () => number;
  /** Where callbacks may go (checked at intake, and again on the address connected to when sent). @default {} (https, public hosts) */
  callbackPolicy?: CallbackUrlPolicy;
  /** The store's checks for `/readyz`; default: the store can be read (`refresh`). */
  readiness?: () => Promise<ReadinessCheck[]>;
  /** pino options for fastify's logger, or false. Authorization, cookies and Idempotency-Keys are always redacted. */
  logger?: boolean | Record<string, unknown>;
  bodyLimitBytes?: number;
  /**
   * Runs a bulk upload's planning under the store's plan lock (the CLI's
   * `serve` gives it): no other process plans that request again while it
   * is read. @default runs it as it is (one process)
   */
  planning?: <T>(work: () => Promise<T>) => Promise<T | undefined>;
  /** Largest bulk upload, in bytes. @default SERVICE_DEFAULTS.uploadMaxBytes */
  uploadMaxBytes?: number;
  pageSize?: number;
  intakePerMinute?: number;
  /** The OpenDSR processor endpoints (signing key, certificate, identity types). Absent: they answer 503. */
  opendsr?: OpendsrOptions;
  /** The built dashboard's folder (`dashboardRoot` of `@mixpanel-gdpr/dashboard`), served at `/`. Absent: no pages. */
  dashboardRoot?: string;
  /** How long a dashboard session lasts, in ms. @default SERVICE_DEFAULTS.sessionMs */
  sessionMs?: number;
}

/**
 * Every answer's security headers (helmet), the pages' strict policy among
 * them: scripts and styles from this service only, never inline, nothing
 * framed, no form posting elsewhere, no referrer leaving with a URL.
 */
const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/** Methods that change something: made with the session cookie, they need its CSRF token. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface Service {
  app: FastifyInstance;
  metrics: ServiceMetrics;
}

/** Headers that carry a secret: never logged. */
const REDACTED = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]'];

/**
 * The service's HTTP API, spec first: every route, parameter and body
 * schema comes from `spec/service.openapi.yml` (fastify-openapi-glue), each
 * request is validated against it (Ajv, JSON Schema 2020-12, as OpenAPI 3.1
 * says) before a handler runs, and every answer is serialised through the
 * spec's response schema (nothing else leaks out). Errors are
 * `application/problem+json` naming the field at fault.
 */
export async function createService(options: ServiceOptions): Promise<Service> {
  if (options.secret.length < 32) throw new TypeError('the service secret must be at least 32 bytes');
  const now = options.now ?? Date.now;
  const startedAt = now();
  const ctx: ServiceContext = {
    ledger: options.ledger,
    desk: options.desk,
    projects: options.projects,
    now,
    secret: options.secret,
    checkCallbackUrl: (url) => {
      try {
        assertCallbackUrl(url, options.callbackPolicy ?? {});
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        throw badRequest('/callbackUrl', error.message);
      }
    },
    pageSize: options.pageSize ?? SERVICE_DEFAULTS.pageSize,
    tool: { name: '@mixpanel-gdpr/service', version: options.version },
  };
  const metrics = new ServiceMetrics(options.desk, now);
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            redact: REDACTED,
            // The path only: a query may hold a callback URL with its receiver's token, or a ticket.
            serializers: {
              req: (req: { method: string; url: string; ip?: string }) => ({
                method: req.method,
                path: req.url.split('?')[0],
                remoteAddress: req.ip,
              }),
            },
            ...(options.logger === true ? {} : options.logger),
          },
    bodyLimit: options.bodyLimitBytes ?? SERVICE_DEFAULTS.bodyLimitBytes,
    // Ids are never in URLs; a long URL is a mistake or an attack.
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
  });
  const ajv = new Ajv2020({ strict: false, allErrors: true, coerceTypes: 'array', useDefaults: true });
  (addFormatsModule as unknown as (a: typeof ajv) => void)(ajv);
  // A bulk upload's body is a stream read by its handler (the spec types it as a string of lines): no schema applies.
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' && (schema as { type?: unknown }).type === 'string' ? () => true : ajv.compile(schema),
  );
  app.setSchemaErrorFormatter((errors, context) => {
    const fields = fieldErrorsOf(errors as unknown as SchemaError[], context);
    return new ServiceError({
      status: 400,
      type: 'validation',
      title: 'Bad request',
      detail: fields.map((f) => f.message).join('; '),
      errors: fields,
    });
  });
  app.setErrorHandler((error: FastifyError | ServiceError, req, reply) => sendProblem(error, req, reply));
  app.setNotFoundHandler((req, reply) =>
    sendProblem(
      new ServiceError({
        status: 404,
        type: 'not-found',
        title: 'Not found',
        detail: `no ${req.method} ${req.routeOptions.url ?? 'route'} here`,
      }),
      req,
      reply,
    ),
  );

  // Other processes (a second service, workers, the CLI) write to the same store: every answer starts from
  // what they committed (one read of the events since the last seen; nothing when there are none).
  app.addHook('preHandler', async (req) => {
    const route = req.routeOptions.url ?? '';
    if (route !== '/healthz' && !DASHBOARD_ROUTES.has(route)) await options.ledger.refresh();
  });
  // Answers hold personal data (a request's ids, its state) or the session's CSRF token: no browser or proxy keeps
  // them. The dashboard's files and downloads set their own.
  app.addHook('onSend', async (_req, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  // Built once (the policy parsed once), then applied to every answer before anything else may send it.
  const securityHeaders = helmet({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    // The service is reached at one origin; nothing of it is embedded elsewhere.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    // HSTS is the TLS proxy's to send: over loopback http it means nothing.
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', (req, reply, done) =>
    securityHeaders(req.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)),
  );
  if (options.dashboardRoot !== undefined) await serveDashboard(app, options.dashboardRoot);
  // A DELETE (sign-out) may come with a JSON content type and no body, as fetch wrappers send it: no body, not
  // an error. Anything else goes through fastify's own parser (with its prototype-poisoning guard).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) =>
    body === '' && req.method === 'DELETE' ? done(null, undefined) : parseJson(req, String(body), done),
  );
  // Bulk uploads are read by their handler as a stream (to a private file), never parsed into memory here.
  app.addContentTypeParser(['application/x-ndjson', 'text/csv', 'text/plain'], (_req, payload, done) =>
    done(null, payload),
  );
  installOpendsrHooks(app, options.opendsr?.signer);
  const takeIntake = intakeLimiter(options.intakePerMinute ?? SERVICE_DEFAULTS.intakePerMinute, now);
  const requests = requestHandlers(ctx);
  const bulk = bulkHandlers(ctx, {
    maxBytes: options.uploadMaxBytes ?? SERVICE_DEFAULTS.uploadMaxBytes,
    stallMs: SERVICE_DEFAULTS.uploadStallMs,
    planning: options.planning ?? ((work) => work()),
  });
  let lastRefresh = Number.NEGATIVE_INFINITY;
  /** The live key `find` gives, taking in the store once a second at most when the key is not known here yet. */
  const liveKey = async (keyId: string | undefined, find: () => KeyState | undefined) => {
    let key = find();
    // A key made by `mixpanel-gdpr keys create` in another process.
    if (!key && keyId && !ctx.ledger.state.keys.has(keyId) && now() - lastRefresh >= SERVICE_DEFAULTS.keyRefreshMs) {
      lastRefresh = now();
      await ctx.ledger.refresh();
      key = find();
    }
    return key;
  };
  const findKey = (presented: string) => liveKey(keyIdOf(presented), () => findApiKey(ctx.ledger.state, presented));
  const tokens = sessionTokens(options.secret);
  const handlers = {
    ...requests,
    async createRequest(req: FastifyRequest, reply: FastifyReply) {
      takeIntake((req as FastifyRequest & { caller: Caller }).caller.key.keyId);
      return requests.createRequest(req, reply);
    },
    async createBulkRequest(req: FastifyRequest, reply: FastifyReply) {
      takeIntake((req as FastifyRequest & { caller: Caller }).caller.key.keyId);
      return bulk.createBulkRequest(req, reply);
    },
    ...exportHandlers(ctx),
    ...overviewHandlers(ctx, metrics),
    ...operationalHandlers(ctx, metrics, {
      startedAt,
      version: options.version,
      readiness: options.readiness ?? (() => storeReadiness(options.ledger)),
    }),
    ...opendsrHandlers(ctx, options.opendsr, { callbackPolicy: options.callbackPolicy ?? {}, takeIntake }),
    ...subjectHandlers(ctx),
    ...sessionHandlers(ctx, tokens, { sessionMs: options.sessionMs ?? SERVICE_DEFAULTS.sessionMs, findKey }),
  };
  await app.register(openapiGlue, {
    specification: await loadServiceSpec(),
    serviceHandlers: handlers,
    securityHandlers: {
      async apiKey(req: FastifyRequest, _reply: FastifyReply, scopes: KeyScope[]) {
        const presented = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
        if (!presented) throw authProblem(req, 401, 'send an API key: Authorization: Bearer <key>');
        const key = await findKey(presented);
        if (!key) throw authProblem(req, 401, 'this API key is not valid (unknown, revoked or mistyped)');
        const missing = scopes.filter((s) => !key.scopes.includes(s));
        if (missing.length)
          throw authProblem(req, 403, `this API key lacks the ${missing.join(', ')} scope this operation needs`);
        (req as FastifyRequest & { caller: Caller }).caller = { key, scopes: new Set(key.scopes) };
      },
      // The dashboard's session cookie. A request that sends a key is judged by that key alone.
      async session(req: FastifyRequest, _reply: FastifyReply, scopes: KeyScope[]) {
        const earlier = (req as FastifyRequest & { authProblem?: ServiceError }).authProblem;
        if (req.headers.authorization !== undefined)
          throw Object.assign(new Error('a key was sent'), { statusCode: earlier?.status ?? 401 });
        const cookie = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
        if (!cookie)
          throw authProblem(req, 401, 'send an API key (Authorization: Bearer <key>) or sign in to the dashboard');
        const claims = tokens.read(cookie, now());
        if (!claims || ctx.ledger.state.endedSessions.has(claims.sessionId))
          throw authProblem(req, 401, 'the dashboard session has ended or is not valid: sign in again');
        const key = await liveKey(claims.keyId, () => {
          const k = ctx.ledger.state.keys.get(claims.keyId);
          return k?.revokedAt === undefined ? k : undefined;
        });
        if (!key) throw authProblem(req, 401, "the session's API key was revoked: sign in with another key");
        if (!SAFE_METHODS.has(req.method)) {
          if (!sameSiteRequest(req))
            throw authProblem(req, 403, "a change made with the session cookie must come from this service's pages");
          const token = req.headers['x-csrf-token'];
          if (typeof token !== 'string' || !sameText(token, claims.csrfToken))
            throw authProblem(req, 403, "a change made with the session cookie needs the session's X-CSRF-Token");
        }
        const missing = scopes.filter((s) => !key.scopes.includes(s));
        if (missing.length)
          throw authProblem(
            req,
            403,
            `this session's API key lacks the ${missing.join(', ')} scope this operation needs`,
          );
        (req as FastifyRequest & { caller: Caller }).caller = {
          key,
          scopes: new Set(key.scopes),
          session: { expiresAt: claims.expiresAt, csrfToken: claims.csrfToken, sessionId: claims.sessionId },
        };
      },
    },
  });
  return { app, metrics };
}

/** The reason the key was refused, kept on the request: the security plugin reports only that every scheme failed. */
function authProblem(req: FastifyRequest, status: 401 | 403, detail: string): Error {
  const problem = new ServiceError({
    status,
    type: status === 401 ? 'unauthorized' : 'forbidden',
    title: status === 401 ? 'Unauthorized' : 'Forbidden',
    detail,
    ...(status === 401 && { headers: { 'www-authenticate': 'Bearer' } }),
  });
  (req as FastifyRequest & { authProblem?: ServiceError }).authProblem = problem;
  return Object.assign(new Error(detail), { statusCode: status });
}

function sendProblem(error: FastifyError | ServiceError, req: FastifyRequest, reply: FastifyReply) {
  const problem = toProblem(error, req);
  if (problem.status >= 500) req.log.error({ err: error }, 'request failed');
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({
      type: `urn:mixpanel-gdpr:problem:${problem.type}`,
      title: problem.title,
      status: problem.status,
      detail: problem.message,
      errors: problem.errors,
    });
}

function toProblem(error: FastifyError | ServiceError, req: FastifyRequest): ServiceError {
  if (error instanceof ServiceError) return error;
  const auth = (req as FastifyRequest & { authProblem?: ServiceError }).authProblem;
  if (auth && (error.statusCode === 401 || error.statusCode === 403)) return auth;
  const status = error.statusCode ?? 500;
  const known: Record<number, [string, string]> = {
    400: ['validation', 'Bad request'],
    401: ['unauthorized', 'Unauthorized'],
    403: ['forbidden', 'Forbidden'],
    404: ['not-found', 'Not found'],
    405: ['method-not-allowed', 'Method not allowed'],
    413: ['too-large', 'Too large'],
    415: ['unsupported-media-type', 'Unsupported media type'],
  };
  const [type, title] = known[status] ?? ['internal', 'Internal error'];
  // A 500's own message may hold anything (a path, a driver's words): it stays in the log.
  const detail = status >= 500 ? 'the service failed to answer; it is logged' : error.message;
  return new ServiceError({
    status: status >= 400 && status < 600 ? status : 500,
    type,
    title,
    detail,
    ...(status === 401 && { headers: { 'www-authenticate': 'Bearer' } }),
  });
}
