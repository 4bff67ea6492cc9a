import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../ServiceError.js';
import { readDashboardFiles } from './readDashboardFiles.js';

/** The routes of the dashboard's files: not API operations, so not in the spec, and never refreshing the store. */
export const DASHBOARD_ROUTES: ReadonlySet<string> = new Set(['/', '/assets/*']);

/**
 * Serves the built dashboard: `/` is its page and `/assets/*` its scripts
 * and styles, from memory, revalidated by ETag (the names carry no hash, so
 * a browser asks each time and gets 304 until the service is upgraded).
 */
export async function serveDashboard(app: FastifyInstance, root: string): Promise<void> {
  const files = await readDashboardFiles(root);
  const send = (path: string, req: FastifyRequest, reply: FastifyReply) => {
    const file = files.get(path);
    if (!file) throw notFound(`dashboard file ${path.slice(0, 100)}`);
    reply.header('cache-control', 'no-cache').header('etag', file.etag);
    if (req.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return reply.type(file.type).send(file.body);
  };
  app.get('/', (req, reply) => send('/index.html', req, reply));
  app.get('/assets/*', (req, reply) => send(req.url.split('?')[0]!, req, reply));
}
