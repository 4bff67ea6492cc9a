import { useSignedIn } from '../lib/SessionContext.js';
import { useAction } from '../lib/useAction.js';
import { ErrorNotice } from './ErrorNotice.js';
import { ReasonField, reasonError } from './ReasonField.js';

/** The legal extension, once, with the reason the law asks to be told to the data subject. */
export function ExtendForm({ requestId, onDone }: { requestId: string; onDone(): void }) {
  const { client } = useSignedIn();
  const { busy, error, run } = useAction();
  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const reason = (form.elements.namedItem('reason') as HTMLTextAreaElement).value;
    if (await run('extend', async () => void (await client.extendRequest(requestId, reason)))) onDone();
  }
  return (
    <form class="action-group" onSubmit={onSubmit} noValidate aria-labelledby="extend-heading">
      <h3 id="extend-heading">Extend the deadline</h3>
      <ReasonField
        id="extend-reason"
        label="Reason for the extension"
        hint="GDPR: two more months; CCPA: 45 more days. Allowed once, before the original due date; the reason is told to the data subject."
        error={error}
      />
      {error !== undefined && !reasonError(error) && <ErrorNotice error={error} action="Extension" />}
      <button type="submit" disabled={busy !== undefined}>
        {busy ? 'Extending…' : 'Extend'}
      </button>
    </form>
  );
}
