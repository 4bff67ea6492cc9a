import { callSessionEndpoint, type SessionEndpointOptions } from './callSessionEndpoint.js';
import type { Session } from './schema.js';

export type ResumeSessionOptions = SessionEndpointOptions;

/**
 * The session this browser is signed in with (its cookie is HttpOnly, so a
 * reloaded page asks), or undefined when there is none or it ended. Make a
 * session client with the answer's CSRF token.
 */
export function resumeSession(options: ResumeSessionOptions): Promise<Session | undefined> {
  return callSessionEndpoint(options, 'GET');
}
