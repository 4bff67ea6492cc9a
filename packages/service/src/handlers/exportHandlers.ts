import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { jobProject, type RequestState, requestGroups, type TaskRecord } from '@mixpanel-gdpr/workflow';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../ServiceContext.js';
import { conflict, notFound, ServiceError } from '../ServiceError.js';

interface ExportEntry {
  project: string;
  taskId: string;
  state: 'pending' | 'ready' | 'failed' | 'purged';
  bytes?: number;
  sha256?: string;
  fetchedAt?: string;
  href: string;
  /** Where the file is (not shown). */
  path?: string;
}

/**
 * An access request's exports, per project and task, and their download.
 * Exports hold the data subject's personal data: the spec asks the submit
 * scope, and the files are streamed from the export folder (never from a
 * path outside it), with their recorded SHA-256 in `Repr-Digest`.
 */
export function exportHandlers(ctx: ServiceContext) {
  const exportsOf = (request: RequestState): ExportEntry[] => {
    const entries: ExportEntry[] = [];
    for (const jobId of request.jobIds) {
      const job = ctx.ledger.state.jobs.get(jobId);
      if (job?.kind !== 'retrieval') continue;
      const project = jobProject(job);
      const taskIds = new Set(requestGroups(request, job).flatMap((g) => g.row.taskIds));
      for (const taskId of taskIds) {
        const task = job.tasks.get(taskId);
        if (task?.origin !== 'submitted') continue;
        entries.push({
          project,
          taskId,
          ...stateOf(task, request),
          href: `/v1/requests/${request.requestId}/exports/${encodeURIComponent(project)}?taskId=${encodeURIComponent(taskId)}`,
          ...(task.export && 'file' in task.export && { path: pathOf(job.exportDir, task.export.file) }),
        });
      }
    }
    return entries;
  };
  const requestOf = (requestId: string) => {
    const request = ctx.ledger.state.requests.get(requestId);
    if (!request) throw notFound(`request ${requestId}`);
    return request;
  };

  return {
    async listExports(req: FastifyRequest) {
      const { requestId } = req.params as { requestId: string };
      return { requestId, exports: exportsOf(requestOf(requestId)).map(({ path: _, ...shown }) => shown) };
    },

    async downloadExport(req: FastifyRequest, reply: FastifyReply) {
      const { requestId, project } = req.params as { requestId: string; project: string };
      const { taskId } = req.query as { taskId?: string };
      const all = exportsOf(requestOf(requestId)).filter((e) => e.project === project);
      const chosen = taskId === undefined ? all : all.filter((e) => e.taskId === taskId);
      if (chosen.length === 0) throw notFound(`an export of request ${requestId} in project ${project}`);
      if (chosen.length > 1)
        throw conflict(
          'export-ambiguous',
          'Several exports',
          `request ${requestId} has ${chosen.length} exports in project ${project}: name one with taskId (see GET …/exports)`,
          'taskId',
        );
      const entry = chosen[0]!;
      if (entry.state === 'purged')
        throw new ServiceError({
          status: 410,
          type: 'export-purged',
          title: 'Gone',
          detail: 'the export was deleted after the retention period',
        });
      if (entry.state !== 'ready' || !entry.path)
        throw conflict('export-not-ready', 'Not ready', `the export of task ${entry.taskId} is ${entry.state}`);
      const file = await stat(entry.path).catch(() => undefined);
      if (!file?.isFile() || file.size !== entry.bytes)
        throw new ServiceError({
          status: 410,
          type: 'export-purged',
          title: 'Gone',
          detail: 'the export file is no longer where it was written',
        });
      return reply
        .type('application/zip')
        .header('content-length', String(file.size))
        .header('content-disposition', `attachment; filename="${entry.taskId.replace(/[^\w.-]/g, '_')}.zip"`)
        .header('repr-digest', `sha-256=:${Buffer.from(entry.sha256!, 'hex').toString('base64')}:`)
        .header('cache-control', 'no-store')
        .send(createReadStream(entry.path));
    },
  };
}

function stateOf(
  task: TaskRecord,
  request: RequestState,
): Pick<ExportEntry, 'state' | 'bytes' | 'sha256' | 'fetchedAt'> {
  if (!task.export) return { state: task.status === 'FAILURE' || task.status === 'REVOKED' ? 'failed' : 'pending' };
  if ('error' in task.export) return { state: 'failed' };
  if (request.purgedAt !== undefined) return { state: 'purged' };
  return {
    state: 'ready',
    bytes: task.export.bytes,
    sha256: task.export.sha256,
    fetchedAt: new Date(task.export.at).toISOString(),
  };
}

/**
 * The export's file (recorded as written: under the job's export folder),
 * only inside that folder: a recorded path is never trusted to point
 * elsewhere. A relative folder is this process's working directory's.
 */
function pathOf(exportDir: string | undefined, file: string): string | undefined {
  const path = resolve(file);
  const inside = relative(resolve(exportDir ?? '.'), path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? path : undefined;
}
