import { isLoopbackHost } from '@mixpanel-gdpr/service-client';
import type { Session } from '@mixpanel-gdpr/service-client/schema';
import type { KeyState } from '@mixpanel-gdpr/workflow';
import { serialize } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller, ServiceContext } from '../ServiceContext.js';
import { ServiceError } from '../ServiceError.js';
import { sameSiteRequest } from './sameSiteRequest.js';
import type { SessionClaims, SessionTokens } from './sessionToken.js';

/** The cookie's name, as the spec's `session` security scheme says. */
export const SESSION_COOKIE = 'mgdpr_session';

type Req = FastifyRequest & { caller?: Caller };

/** `POST`, `GET` and `DELETE /v1/session`: the dashboard signs in with a key and then holds a cookie. */
export function sessionHandlers(
  ctx: ServiceContext,
  tokens: SessionTokens,
  options: { sessionMs: number; findKey: (presented: string) => Promise<KeyState | undefined> },
) {
  return {
    async signIn(req: Req, reply: FastifyReply) {
      // Login CSRF: another site must not sign a visitor in (with its own key, to read what they then file).
      if (!sameSiteRequest(req))
        throw new ServiceError({
          status: 403,
          type: 'forbidden',
          title: 'Forbidden',
          detail: "sign in from this service's own page: this request came from another site",
        });
      const key = await options.findKey((req.body as { apiKey: string }).apiKey);
      if (!key)
        throw new ServiceError({
          status: 401,
          type: 'unauthorized',
          title: 'Unauthorized',
          detail: 'this API key is not valid (unknown, revoked or mistyped)',
          errors: [{ field: '/apiKey', message: 'this API key is not valid (unknown, revoked or mistyped)' }],
        });
      const { cookie, claims } = tokens.issue(key.keyId, ctx.now() + options.sessionMs);
      reply.header(
        'set-cookie',
        serialize(SESSION_COOKIE, cookie, {
          httpOnly: true,
          sameSite: 'strict',
          path: '/',
          maxAge: Math.floor(options.sessionMs / 1000),
          secure: secureCookie(req),
        }),
      );
      req.log.info({ keyId: key.keyId }, 'dashboard session started');
      return reply.code(201).send(sessionOf(key, claims));
    },

    async getSession(req: Req) {
      const { key, session } = req.caller!;
      return sessionOf(key, { keyId: key.keyId, ...session! });
    },

    async signOut(req: Req, reply: FastifyReply) {
      reply.header(
        'set-cookie',
        serialize(SESSION_COOKIE, '', {
          httpOnly: true,
          sameSite: 'strict',
          path: '/',
          maxAge: 0,
          secure: secureCookie(req),
        }),
      );
      req.log.info({ keyId: req.caller!.key.keyId }, 'dashboard session ended');
      return reply.code(204).send();
    },
  };
}

function sessionOf(key: KeyState, claims: SessionClaims): Session {
  return {
    keyId: key.keyId,
    name: key.name,
    scopes: [...key.scopes],
    csrfToken: claims.csrfToken,
    expiresAt: new Date(claims.expiresAt).toISOString(),
  };
}

/**
 * `Secure` everywhere but loopback: a browser keeps a Secure cookie only from
 * https, and `serve` speaks plain http on loopback alone (a TLS proxy in front
 * of it makes the browser's side https).
 */
function secureCookie(req: FastifyRequest): boolean {
  const host = req.headers.host ?? '';
  const hostname = URL.canParse(`http://${host}`) ? new URL(`http://${host}`).hostname : host;
  return !isLoopbackHost(hostname);
}
