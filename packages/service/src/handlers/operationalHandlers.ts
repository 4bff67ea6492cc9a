import { createHash } from 'node:crypto';
import { evidenceMarkdown, evidencePack } from '@mixpanel-gdpr/workflow';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller, ServiceContext } from '../ServiceContext.js';
import { notFound, ServiceError } from '../ServiceError.js';
import type { ServiceMetrics } from '../ServiceMetrics.js';
import { maskedPack } from '../views/maskedPack.js';

export interface ReadinessCheck {
  name: 'store' | 'migrations';
  ok: boolean;
  detail?: string;
}

/** Health, readiness, metrics and evidence: the operations that are not about filing or listing. */
export function operationalHandlers(
  ctx: ServiceContext,
  metrics: ServiceMetrics,
  options: { startedAt: number; version: string; readiness: () => Promise<ReadinessCheck[]> },
) {
  return {
    async getHealth() {
      return {
        status: 'ok',
        version: options.version,
        uptimeMs: Math.max(0, Math.round(ctx.now() - options.startedAt)),
      };
    },

    async getReadiness(_req: FastifyRequest, reply: FastifyReply) {
      const checks = await options.readiness();
      if (checks.every((c) => c.ok)) return { status: 'ready', checks };
      const failed = checks.find((c) => !c.ok)!;
      reply.code(503).type('application/problem+json');
      return {
        type: 'urn:mixpanel-gdpr:problem:not-ready',
        title: 'Not ready',
        status: 503,
        detail: `${failed.name}: ${failed.detail ?? 'failed'}`,
        errors: [],
        checks,
      };
    },

    async getMetrics(_req: FastifyRequest, reply: FastifyReply) {
      await ctx.ledger.refresh();
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },

    async getEvidence(req: FastifyRequest, reply: FastifyReply) {
      const { requestId } = req.params as { requestId: string };
      const request = ctx.ledger.state.requests.get(requestId);
      if (!request) throw notFound(`request ${requestId}`);
      const format = (req.query as { format?: string }).format ?? acceptedFormat(req.headers.accept);
      const full = await evidencePack(ctx.ledger, ctx.desk.view(request), ctx.tool, ctx.now());
      // The ids are personal data: whole for the scope that sees exports, masked for a read-only caller.
      const pack = (req as FastifyRequest & { caller?: Caller }).caller?.scopes.has('submit') ? full : maskedPack(full);
      const name = `${request.requestId}.evidence.${format === 'markdown' ? 'md' : 'json'}`;
      reply.header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store');
      const json = `${JSON.stringify(pack, null, 2)}\n`;
      if (format !== 'markdown') return reply.type('application/json').send(json);
      // The Markdown names the JSON's SHA-256, as the CLI's pair of files does.
      const sha256 = createHash('sha256').update(json).digest('hex');
      return reply.type('text/markdown; charset=utf-8').send(evidenceMarkdown(pack, sha256));
    },
  };
}

/** `Accept: text/markdown` asks for the Markdown pack; JSON otherwise, unless nothing we make is acceptable. */
function acceptedFormat(accept: string | undefined): 'json' | 'markdown' {
  if (!accept || /application\/json|\*\/\*|application\/\*/.test(accept)) return 'json';
  if (/text\/markdown|text\/\*/.test(accept)) return 'markdown';
  throw new ServiceError({
    status: 406,
    type: 'not-acceptable',
    title: 'Not acceptable',
    detail: 'the evidence is application/json or text/markdown',
  });
}
