import { ServiceProblemError } from '@mixpanel-gdpr/service-client';

/** What went wrong, for a person: the service's title and detail, or that it could not be reached. */
export function problemText(error: unknown): string {
  if (error instanceof ServiceProblemError) {
    if (error.status === 403) return `Not allowed (403): ${error.detail ?? 'this key lacks the scope for it.'}`;
    return `${error.title} (${error.status})${error.detail ? `: ${error.detail}` : ''}`;
  }
  if (error instanceof TypeError) return 'The service could not be reached. Check the connection and try again.';
  return error instanceof Error ? error.message : 'Something went wrong.';
}
