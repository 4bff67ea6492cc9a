import { ServiceProblemError } from '@mixpanel-gdpr/service-client';
import { useState } from 'preact/hooks';
import { useSignedIn } from './SessionContext.js';

/**
 * One user action at a time (a second click while it runs does nothing), its
 * error kept to show beside it; a 401 ends the session.
 */
export function useAction() {
  const { expired } = useSignedIn();
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  async function run(name: string, action: () => Promise<void>): Promise<boolean> {
    if (busy) return false;
    setBusy(name);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (e) {
      if (e instanceof ServiceProblemError && e.status === 401) expired();
      else setError(e);
      return false;
    } finally {
      setBusy(undefined);
    }
  }
  return { busy, error, run, clearError: () => setError(undefined) };
}
