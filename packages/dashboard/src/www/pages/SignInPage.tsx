import { type Session, signIn } from '@mixpanel-gdpr/service-client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { problemText } from '../lib/problemText.js';

/**
 * Trades an API key for a session. The key is read from the field when the
 * form is sent and the field is cleared at once: it is kept nowhere (no
 * state, no storage), and the cookie that stands for it is HttpOnly.
 */
export function SignInPage({
  onSignedIn,
  notice,
}: {
  onSignedIn(session: Session): void;
  notice?: string | undefined;
}) {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = 'Sign in · mixpanel-gdpr';
    heading.current?.focus();
  }, []);

  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const field = form.elements.namedItem('apiKey') as HTMLInputElement;
    const apiKey = field.value.trim();
    field.value = '';
    if (!apiKey) return setError('Enter an API key.');
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn({ baseUrl: location.origin, apiKey }));
    } catch (e) {
      setError(problemText(e));
      setBusy(false);
      field.focus();
    }
  }

  return (
    <main id="main" class="sign-in">
      <h1 ref={heading} tabIndex={-1}>
        mixpanel-gdpr
      </h1>
      <p>Data-subject requests, their deadlines and their progress at Mixpanel.</p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {/* POST, never GET: should the script not run, the key must not end up in a URL. */}
      <form method="post" action="/" onSubmit={onSubmit} autocomplete="off" noValidate>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="apiKey"
          type="password"
          autocomplete="off"
          spellcheck={false}
          aria-describedby={error ? 'api-key-hint api-key-error' : 'api-key-hint'}
          aria-invalid={error ? 'true' : undefined}
        />
        <p id="api-key-hint" class="hint">
          A key made with <code>mixpanel-gdpr keys create</code>: read to look, submit to file, admin to cancel.
        </p>
        {error && (
          <p id="api-key-error" class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
