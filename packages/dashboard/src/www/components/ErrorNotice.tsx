import { problemText } from '../lib/problemText.js';

export function ErrorNotice({ error, action }: { error: unknown; action?: string }) {
  return (
    <p class="notice notice-error" role="alert">
      {action ? `${action}: ` : ''}
      {problemText(error)}
    </p>
  );
}
