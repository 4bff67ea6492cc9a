import type { ServiceClient, Session } from '@mixpanel-gdpr/service-client';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export type Scope = Session['scopes'][number];

export interface SignedIn {
  session: Session;
  /** A session client: the HttpOnly cookie goes with every call, the CSRF token with every change. */
  client: ServiceClient;
  can(scope: Scope): boolean;
  signOut(): Promise<void>;
  /** The service answered 401: the session ended (expired, key revoked). */
  expired(): void;
  /**
   * What a page keeps while the session lasts (filters, the ticket searched,
   * the page of results): in memory only, gone at sign-out or reload.
   */
  memory: Map<string, unknown>;
}

export const SessionContext = createContext<SignedIn | undefined>(undefined);

export function useSignedIn(): SignedIn {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSignedIn outside a signed-in page');
  return value;
}
