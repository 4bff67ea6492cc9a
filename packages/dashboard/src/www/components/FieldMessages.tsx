import type { FormErrors, FormField } from '../lib/newRequestErrors.js';

/**
 * `aria-invalid` and `aria-describedby` (the hint, then the errors) of a
 * field. A group (a fieldset of radios or checkboxes) gets only the
 * description: ARIA allows `aria-invalid` on the controls, not on a group.
 */
export function fieldProps(field: FormField, errors: FormErrors, options: { hint?: boolean; group?: boolean } = {}) {
  const invalid = (errors[field]?.length ?? 0) > 0;
  const ids = [options.hint && `field-${field}-hint`, invalid && `field-${field}-error`].filter(Boolean).join(' ');
  return {
    ...(invalid && !options.group && { 'aria-invalid': 'true' as const }),
    ...(ids && { 'aria-describedby': ids }),
  };
}

/** The service's messages about one field, next to it. */
export function FieldMessages({ field, errors }: { field: FormField; errors: FormErrors }) {
  const messages = errors[field];
  if (!messages?.length) return null;
  return (
    <div id={`field-${field}-error`} class="field-error" data-field={field}>
      {messages.length === 1 ? (
        <p>{messages[0]}</p>
      ) : (
        <ul>
          {messages.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
