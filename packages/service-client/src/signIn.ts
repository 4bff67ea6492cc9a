import { callSessionEndpoint, type SessionEndpointOptions } from './callSessionEndpoint.js';
import type { Session } from './schema.js';
import { validateApiKey } from './validateOptions.js';

export interface SignInOptions extends SessionEndpointOptions {
  apiKey: string;
}

/**
 * Trades an API key for a dashboard session: the service sets its HttpOnly
 * cookie, and the answer carries the CSRF token a session client sends with
 * every change (`createServiceClient({ baseUrl, session })`). The key is not
 * kept anywhere by this function.
 */
export async function signIn(options: SignInOptions): Promise<Session> {
  return (await callSessionEndpoint(options, 'POST', validateApiKey(options.apiKey)))!;
}
