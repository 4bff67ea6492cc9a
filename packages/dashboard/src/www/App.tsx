import { createServiceClient, resumeSession, type Session } from '@mixpanel-gdpr/service-client';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { Layout } from './components/Layout.js';
import { SessionContext, type SignedIn } from './lib/SessionContext.js';
import { SignInPage } from './pages/SignInPage.js';

type AppState =
  | { status: 'starting' }
  | { status: 'signed-out'; notice?: string }
  | { status: 'signed-in'; session: Session; memory: Map<string, unknown> };

/** Signed in or not; a reloaded page asks the service (the session cookie is HttpOnly). */
export function App() {
  const [state, setState] = useState<AppState>({ status: 'starting' });
  useEffect(() => {
    resumeSession({ baseUrl: location.origin }).then(
      (session) => setState(session ? signedIn(session) : { status: 'signed-out' }),
      () => setState({ status: 'signed-out', notice: 'The service did not answer. Reload the page to try again.' }),
    );
  }, []);
  const onSignedIn = useCallback((session: Session) => setState(signedIn(session)), []);
  const value = useMemo((): SignedIn | undefined => {
    if (state.status !== 'signed-in') return undefined;
    const { session, memory } = state;
    const client = createServiceClient({ baseUrl: location.origin, session: { csrfToken: session.csrfToken } });
    return {
      session,
      client,
      memory,
      can: (scope) => session.scopes.includes(scope),
      async signOut() {
        try {
          await client.signOut();
        } finally {
          setState({ status: 'signed-out', notice: 'Signed out.' });
        }
      },
      expired: () => setState({ status: 'signed-out', notice: 'The session ended. Sign in again.' }),
    };
  }, [state]);

  if (state.status === 'starting') return <p class="loading">Loading…</p>;
  if (!value) return <SignInPage onSignedIn={onSignedIn} notice={state.status === 'signed-out' ? state.notice : ''} />;
  return (
    <SessionContext.Provider value={value}>
      <Layout />
    </SessionContext.Provider>
  );
}

const signedIn = (session: Session): AppState => ({ status: 'signed-in', session, memory: new Map() });
