import type { RequestDesk, RequestKind, RequestState } from '@mixpanel-gdpr/workflow';

const KINDS: readonly RequestKind[] = ['erasure', 'access'];

/**
 * The request a controller filed under this `subject_request_id` (its
 * ticket), of either kind. A request filed otherwise (the native API, a
 * file) under the same ticket is not an OpenDSR request: it is `other`, so
 * that a controller neither reads nor cancels it, nor files over it.
 */
export function findOpendsrRequest(
  desk: Pick<RequestDesk, 'find'>,
  subjectRequestId: string,
): { request?: RequestState; other?: RequestState } {
  for (const kind of KINDS) {
    let found: RequestState;
    try {
      found = desk.find(subjectRequestId, kind);
    } catch {
      continue;
    }
    // `find` also matches a request id; a subject_request_id (a UUID) never looks like one, but say so.
    if (found.ticket !== subjectRequestId) continue;
    if (found.intake?.opendsr?.subjectRequestId === subjectRequestId) return { request: found };
    return { other: found };
  }
  return {};
}
