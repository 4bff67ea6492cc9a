import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeTask, type FakeTimings, fakeTaskStatus } from './FakeTask.js';
import { seededRandom } from './seededRandom.js';

/** Probabilities (0-1) per API request of each fault, plus fixed latency. */
export interface FakeFaults {
  rate429?: number;
  rate5xx?: number;
  /** The connection is destroyed without an answer (before or after acting on a create). */
  rateDrop?: number;
  /** A 200 whose body is cut short (after acting on a create). */
  rateMalformed?: number;
  latencyMs?: number;
  /** Retry-After sent with injected 429s, in seconds. @default 1 */
  retryAfterSeconds?: number;
}

export interface FakeMixpanelOptions {
  /** Port of the API server on 127.0.0.1. @default 0 (a free port) */
  port?: number;
  /** @default 'fake-oauth-token' */
  oauthToken?: string;
  /** @default 'fake-project-token' */
  projectToken?: string;
  timings?: Partial<FakeTimings>;
  /**
   * Each task's own timings, asked once when it is created (tasks taking
   * from an hour to weeks, as Mixpanel's do); `timings` for every task otherwise.
   */
  timingsOf?: (task: FakeTask) => FakeTimings;
  /** Tasks holding any of these ids end in FAILURE. */
  failIds?: Iterable<string>;
  faults?: FakeFaults;
  /** Seed of the fault dice. @default 1 */
  seed?: number;
  /** Enforce Mixpanel's limit: requests closer than 1/rate apart get 429. @default no limit */
  ratePerSecond?: number;
  /** Slack on that spacing for network jitter, as a fraction of the interval. @default 0.05 */
  rateTolerance?: number;
  /** Ids accepted per request. @default 2000 */
  maxIdsPerRequest?: number;
  /** Lifetime of an export link, in ms. @default 60_000 */
  exportLinkTtlMs?: number;
  /** Size of each fake export, in bytes. @default 4096 */
  exportBytes?: number;
  /** Export links are served from another loopback address, so a leaked Authorization header is visible. @default '127.0.0.2' */
  exportHost?: string;
  now?: () => number;
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  operation:
    | 'createDeletion'
    | 'createRetrieval'
    | 'getDeletionStatus'
    | 'getRetrievalStatus'
    | 'cancelDeletion'
    | 'unknown';
  status: number;
  /** Injected fault, or 'rate-limit' when the request broke the configured rate. */
  fault?: string;
  /** Ids of a create request. */
  ids?: string[];
  /** The task created, or the task asked about. */
  taskId?: string;
}

export interface ExportRequest {
  at: number;
  path: string;
  status: number;
  /** The Authorization header, if any: it must never be there. */
  authorization?: string;
}

export interface FakeMixpanel {
  /** Base URL to give the client (`baseUrl`). */
  url: string;
  exportOrigin: string;
  tasks: Map<string, FakeTask>;
  requests: RequestLogEntry[];
  exportRequests: ExportRequest[];
  setFaults(faults: FakeFaults): void;
  close(): Promise<void>;
}

type Handled = {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  log?: Partial<RequestLogEntry>;
  drop?: boolean;
  malformed?: boolean;
};

/** Starts the fake on loopback (a free port unless `port` is given); `close()` stops both of its servers. */
export async function startFakeMixpanel(options: FakeMixpanelOptions = {}): Promise<FakeMixpanel> {
  const oauthToken = options.oauthToken ?? 'fake-oauth-token';
  const projectToken = options.projectToken ?? 'fake-project-token';
  const timings: FakeTimings = { pendingMs: 200, stagingMs: 200, startedMs: 400, ...options.timings };
  const failIds = new Set(options.failIds ?? []);
  // Sub-millisecond: arrivals are compared against 1/rate, where Date.now()'s rounding would show.
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const random = seededRandom(options.seed ?? 1);
  const maxIds = options.maxIdsPerRequest ?? 2000;
  const ttlMs = options.exportLinkTtlMs ?? 60_000;
  const exportBytes = options.exportBytes ?? 4096;
  const signingKey = randomBytes(16);
  let faults: FakeFaults = options.faults ?? {};
  let lastAcceptedAt = -Infinity;
  const tasks = new Map<string, FakeTask>();
  const requests: RequestLogEntry[] = [];
  const exportRequests: ExportRequest[] = [];

  const exportServer = createServer((req, res) => serveExport(req, res));
  const exportOrigin = await listen(exportServer, options.exportHost ?? '127.0.0.2', 0);
  const apiServer = createServer((req, res) => void serveApi(req, res));
  // A port already taken must not leave the export server running.
  const url = await listen(apiServer, '127.0.0.1', options.port ?? 0).catch(async (error: unknown) => {
    await close(exportServer);
    throw error;
  });

  const sign = (taskId: string, expires: number) =>
    createHmac('sha256', signingKey).update(`${taskId}:${expires}`).digest('hex');
  const exportLink = (taskId: string) => {
    const expires = now() + ttlMs;
    return `${exportOrigin}/exports/${taskId}.zip?expires=${expires}&sig=${sign(taskId, expires)}`;
  };

  async function serveApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = now();
    const body = await readBody(req);
    if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const entry: RequestLogEntry = { at, method: req.method ?? '', path, operation: 'unknown', status: 0 };
    requests.push(entry);
    const outcome = handle(req, body, entry);
    Object.assign(entry, outcome.log, { status: outcome.drop ? 0 : outcome.status });
    if (outcome.drop) return void req.socket.destroy();
    const text =
      outcome.body === undefined ? '' : typeof outcome.body === 'string' ? outcome.body : JSON.stringify(outcome.body);
    const sent = outcome.malformed ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : text;
    res.writeHead(outcome.status, {
      'content-type': typeof outcome.body === 'string' ? 'text/plain' : 'application/json',
      ...outcome.headers,
    });
    res.end(outcome.status === 204 ? undefined : sent);
  }

  function handle(req: IncomingMessage, rawBody: string, entry: RequestLogEntry): Handled {
    const url = new URL(req.url ?? '/', 'http://x');
    const match = /^\/(data-deletions|data-retrievals)\/v3\.0(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) return { status: 404, body: { status: 'error', error: 'Not found' } };
    const kind = match[1] === 'data-deletions' ? 'deletion' : 'retrieval';
    const taskId = match[2] && decodeURIComponent(match[2]);
    entry.operation = operationOf(req.method, kind, taskId);
    entry.taskId = taskId;
    if (req.headers.authorization !== `Bearer ${oauthToken}`)
      return { status: 401, body: { status: 'error', error: 'Invalid or expired OAuth token' } };
    if (url.searchParams.get('token') !== projectToken)
      return { status: 403, body: { status: 'error', error: 'Invalid project token' } };

    const interval = options.ratePerSecond ? 1000 / options.ratePerSecond : 0;
    if (entry.at - lastAcceptedAt < interval * (1 - (options.rateTolerance ?? 0.05))) {
      return {
        status: 429,
        body: 'Too Many Requests, this API is limited to 1 req/s',
        headers: { 'retry-after': '1' },
        log: { fault: 'rate-limit' },
      };
    }
    lastAcceptedAt = entry.at;
    const dice = random();
    let edge = faults.rate429 ?? 0;
    if (dice < edge)
      return {
        status: 429,
        body: { status: 'error', error: 'Too Many Requests, this API is limited to 1 req/s' },
        headers: { 'retry-after': String(faults.retryAfterSeconds ?? 1) },
        log: { fault: '429' },
      };
    if (dice < (edge += faults.rate5xx ?? 0))
      return { status: 500, body: { status: 'error', error: 'Internal server error' }, log: { fault: '5xx' } };
    const dropEdge = (edge += faults.rateDrop ?? 0);
    const malformedEdge = (edge += faults.rateMalformed ?? 0);
    // Half of the drops happen before acting, half after: a create's outcome is then truly unknown.
    if (dice < dropEdge && random() < 0.5) return { status: 0, drop: true, log: { fault: 'drop-before' } };
    const outcome = taskId === undefined ? create(kind, rawBody, entry) : existing(req.method ?? '', kind, taskId);
    if (dice < dropEdge) return { ...outcome, drop: true, log: { ...outcome.log, fault: 'drop-after' } };
    if (dice < malformedEdge && outcome.body !== undefined)
      return { ...outcome, status: 200, malformed: true, log: { ...outcome.log, fault: 'malformed' } };
    return outcome;
  }

  function create(kind: FakeTask['kind'], rawBody: string, entry: RequestLogEntry): Handled {
    let body: { distinct_ids?: unknown; compliance_type?: unknown; disclosure_type?: unknown };
    try {
      body = JSON.parse(rawBody);
    } catch {
      return { status: 400, body: { status: 'error', error: 'Request body is not valid JSON' } };
    }
    const ids = body.distinct_ids;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && id))
      return { status: 400, body: { status: 'error', error: 'distinct_ids must be a non-empty array of strings' } };
    if (ids.length > maxIds)
      return {
        status: 400,
        body: { status: 'error', error: `Too many distinct_ids: at most ${maxIds} are allowed per request` },
      };
    if (body.compliance_type !== 'GDPR' && body.compliance_type !== 'CCPA')
      return { status: 400, body: { status: 'error', error: 'compliance_type must be GDPR or CCPA' } };
    entry.ids = ids;
    if (kind === 'deletion') {
      const conflicts = runningDeletionsFor(ids);
      if (conflicts.ids.length) {
        return {
          status: 409,
          body: {
            status: 'error',
            error: {
              error: 'Some distinct_ids already have a deletion task in progress',
              conflicting_distinct_ids: conflicts.ids,
              conflicting_task_ids: conflicts.taskIds,
            },
          },
        };
      }
    }
    const taskId = randomUUID();
    const task: FakeTask = {
      taskId,
      kind,
      ids,
      complianceType: body.compliance_type,
      ...(typeof body.disclosure_type === 'string' && { disclosureType: body.disclosure_type }),
      createdAt: now(),
      fails: ids.some((id) => failIds.has(id)),
    };
    tasks.set(taskId, task);
    if (options.timingsOf) ownTimings.set(taskId, options.timingsOf(task));
    // A newer deletion of an id replaces the older one: only a running task conflicts, and the newest is the one that can be.
    if (kind === 'deletion') for (const id of ids) deletionByDistinctId.set(id, task);
    entry.taskId = taskId;
    // Mixpanel answers 200 or 201; both are served.
    return { status: random() < 0.5 ? 200 : 201, body: { status: 'ok', results: { task_id: taskId } } };
  }

  const ownTimings = new Map<string, FakeTimings>();
  const statusOf = (task: FakeTask) => fakeTaskStatus(task, ownTimings.get(task.taskId) ?? timings, now());

  /** Deletion task per id, most recent first looked up: O(ids) per create, not O(tasks × ids). */
  const deletionByDistinctId = new Map<string, FakeTask>();

  function runningDeletionsFor(ids: string[]): { ids: string[]; taskIds: string[] } {
    const conflicting = ids.filter((id) => {
      const task = deletionByDistinctId.get(id);
      return task !== undefined && ['PENDING', 'STAGING', 'STARTED'].includes(statusOf(task));
    });
    return { ids: conflicting, taskIds: [...new Set(conflicting.map((id) => deletionByDistinctId.get(id)!.taskId))] };
  }

  function existing(method: string, kind: FakeTask['kind'], taskId: string): Handled {
    const task = tasks.get(taskId);
    if (!task || task.kind !== kind) return { status: 404, body: { status: 'error', error: 'Task not found' } };
    const status = statusOf(task);
    if (method === 'DELETE' && kind === 'deletion') {
      if (status !== 'PENDING' && status !== 'STAGING')
        return { status: 405, body: { status: 'error', error: 'Task cannot be cancelled once it has started' } };
      task.revokedAt = now();
      return { status: 204 };
    }
    if (method !== 'GET') return { status: 405, body: { status: 'error', error: 'Method not allowed' } };
    if (kind === 'retrieval')
      return {
        status: 200,
        body: { status: 'ok', results: { status, result: status === 'SUCCESS' ? exportLink(taskId) : '' } },
      };
    const results = {
      status,
      tracking_id: taskId,
      requesting_user: 'dpo@example.com',
      compliance_type: task.complianceType.toLowerCase(),
      project_id: 1234567,
      date_requested: new Date(task.createdAt).toISOString().slice(0, 19),
      distinct_ids: task.ids,
    };
    return { status: 200, body: { status: 'ok', results } };
  }

  function serveExport(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const record: ExportRequest = {
      at: now(),
      path: url.pathname,
      status: 200,
      ...(req.headers.authorization && { authorization: req.headers.authorization }),
    };
    exportRequests.push(record);
    const taskId = /^\/exports\/([^/]+)\.zip$/.exec(url.pathname)?.[1] ?? '';
    const expires = Number(url.searchParams.get('expires'));
    const valid = tasks.get(taskId)?.kind === 'retrieval' && url.searchParams.get('sig') === sign(taskId, expires);
    record.status = !valid ? 403 : expires < now() ? 410 : 200;
    if (record.status !== 200) return void res.writeHead(record.status).end();
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(exportBytes) });
    res.end(fakeZip(taskId, exportBytes));
  }

  return {
    url,
    exportOrigin,
    tasks,
    requests,
    exportRequests,
    setFaults: (next) => void (faults = next),
    close: async () => {
      await Promise.all([close(apiServer), close(exportServer)]);
    },
  };
}

function operationOf(
  method: string | undefined,
  kind: FakeTask['kind'],
  taskId: string | undefined,
): RequestLogEntry['operation'] {
  if (method === 'POST' && taskId === undefined) return kind === 'deletion' ? 'createDeletion' : 'createRetrieval';
  if (method === 'GET' && taskId !== undefined) return kind === 'deletion' ? 'getDeletionStatus' : 'getRetrievalStatus';
  if (method === 'DELETE' && taskId !== undefined && kind === 'deletion') return 'cancelDeletion';
  return 'unknown';
}

/** Bytes that start like a ZIP file and name the task, so a test can tell exports apart. */
function fakeZip(taskId: string, size: number): Buffer {
  const body = Buffer.alloc(size, 0x2e);
  Buffer.from(`PK\u0003\u0004${taskId}`).copy(body);
  return body;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
