import { ServiceProblemError } from '@mixpanel-gdpr/service-client';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { useSignedIn } from './SessionContext.js';

export type Loaded<T> =
  | { status: 'loading'; value?: T | undefined }
  | { status: 'done'; value: T }
  | { status: 'failed'; error: unknown; value?: T | undefined };

/**
 * Loads with the session client whenever `key` changes, aborting the call
 * before. A 401 ends the session; other errors are the caller's to show. The
 * last value stays while the next loads, so a table does not flash empty.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Loaded<T> & { reload(): void } {
  const { expired } = useSignedIn();
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [round, setRound] = useState(0);
  // `key` stands for everything `load` reads.
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ status: 'loading', value: s.value }));
    load(controller.signal).then(
      (value) => controller.signal.aborted || setState({ status: 'done', value }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof ServiceProblemError && error.status === 401) return expired();
        setState((s) => ({ status: 'failed', error, value: s.value }));
      },
    );
    return () => controller.abort();
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}
