import type { FastifyRequest } from 'fastify';

/**
 * Whether a browser made this request from the service's own pages. A
 * browser always sends `Origin` on a POST or DELETE (and `Sec-Fetch-Site`);
 * one naming another host is a cross-site form or script. A request with
 * neither did not come from a browser's page, so no cookie rode along
 * without its owner's say.
 */
export function sameSiteRequest(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (!URL.canParse(origin)) return false;
  return new URL(origin).host === req.headers.host;
}
