import { ServiceProblemError } from '@mixpanel-gdpr/service-client';
import { useRef, useState } from 'preact/hooks';
import { useSignedIn } from './SessionContext.js';

/**
 * One user action at a time (a second click while it runs does nothing), its
 * error kept to show beside it; a 401 ends the session.
 */
export function useAction() {
  const { expired } = useSignedIn();
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  // A ref, not the state: a second click can come before the page has re-rendered with the button disabled.
  const running = useRef(false);
  async function run(name: string, action: () => Promise<void>): Promise<boolean> {
    if (running.current) return false;
    running.current = true;
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
      running.current = false;
      setBusy(undefined);
    }
  }
  return { busy, error, run, clearError: () => setError(undefined) };
}
