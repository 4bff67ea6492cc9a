import { ServiceProblemError } from '@mixpanel-gdpr/service-client';
import { fieldOf } from '../lib/fieldOf.js';

/** A required reason, with the service's error about it (if that is what it refused) next to it. */
export function ReasonField({ id, label, hint, error }: { id: string; label: string; hint: string; error: unknown }) {
  const message = reasonError(error);
  const describedBy = [`${id}-hint`, message && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        name="reason"
        rows={2}
        maxLength={2000}
        aria-describedby={describedBy}
        aria-invalid={message ? 'true' : undefined}
      />
      <p id={`${id}-hint`} class="hint">
        {hint}
      </p>
      {message && (
        <p id={`${id}-error`} class="field-error">
          {message}
        </p>
      )}
    </div>
  );
}

/** The message about `reason`, when the error is the service refusing it. */
export function reasonError(error: unknown): string | undefined {
  if (!(error instanceof ServiceProblemError)) return undefined;
  return error.fieldErrors.find((e) => fieldOf(e.field).name === 'reason')?.message;
}
