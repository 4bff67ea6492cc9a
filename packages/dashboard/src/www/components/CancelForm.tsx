import type { ServiceRequest } from '@mixpanel-gdpr/service-client';
import { useState } from 'preact/hooks';
import { useSignedIn } from '../lib/SessionContext.js';
import { useAction } from '../lib/useAction.js';
import { ErrorNotice } from './ErrorNotice.js';
import { ReasonField, reasonError } from './ReasonField.js';

/** Cancelling (admin only): with a reason and an explicit confirmation, since deletions not started are dropped. */
export function CancelForm({ request, onDone }: { request: ServiceRequest; onDone(): void }) {
  const { client } = useSignedIn();
  const { busy, error, run } = useAction();
  const [confirmed, setConfirmed] = useState(false);
  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const reason = (form.elements.namedItem('reason') as HTMLTextAreaElement).value;
    if (!confirmed) return;
    if (await run('cancel', async () => void (await client.cancelRequest(request.requestId, reason)))) onDone();
  }
  return (
    <form class="action-group danger" onSubmit={onSubmit} noValidate aria-labelledby="cancel-heading">
      <h2 id="cancel-heading">Cancel the request</h2>
      <ReasonField
        id="cancel-reason"
        label="Reason for cancelling"
        hint="For a request withdrawn by the data subject or filed in error. Ids not yet sent are not sent."
        error={error}
      />
      <label class="check">
        <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.currentTarget.checked)} />I
        understand that {request.ticket} will not be carried out
      </label>
      {error !== undefined && !reasonError(error) && <ErrorNotice error={error} action="Cancelling" />}
      <button type="submit" class="danger" disabled={busy !== undefined || !confirmed}>
        {busy ? 'Cancelling…' : 'Cancel request'}
      </button>
    </form>
  );
}
