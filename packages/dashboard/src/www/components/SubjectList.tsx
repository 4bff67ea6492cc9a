import type { SubjectPage } from '@mixpanel-gdpr/service-client';
import { useState } from 'preact/hooks';
import { formatCount, formatDateTime } from '../lib/format.js';
import { useSignedIn } from '../lib/SessionContext.js';
import { useAsync } from '../lib/useAsync.js';
import { ErrorNotice } from './ErrorNotice.js';

const SUBJECTS_PER_PAGE = 50;

/**
 * The request's distinct ids, masked. The ids themselves come only to a
 * session holding `submit`, and are shown only after "Show ids": they are
 * personal data, kept on this page and nowhere else.
 */
export function SubjectList({ requestId }: { requestId: string }) {
  const { client } = useSignedIn();
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [shown, setShown] = useState(false);
  const cursor = cursors.at(-1);
  const page = useAsync<SubjectPage>(
    (signal) => client.listSubjects(requestId, { limit: SUBJECTS_PER_PAGE, ...(cursor && { cursor }) }, { signal }),
    `${requestId} ${cursor ?? ''}`,
  );
  const value = page.value;
  if (!value) return page.status === 'failed' ? <ErrorNotice error={page.error} /> : <p aria-live="polite">Loading…</p>;
  if (value.purgedAt) return <p>The ids were replaced by keyed hashes on {formatDateTime(value.purgedAt)}.</p>;
  const first = (cursors.length - 1) * SUBJECTS_PER_PAGE;
  return (
    <>
      <p>
        {formatCount(value.total)} ids
        {value.total > 0 && (
          <>
            , showing {formatCount(first + 1)}–{formatCount(first + value.items.length)}
          </>
        )}
        .{' '}
        {value.revealed ? (
          <button type="button" aria-pressed={shown ? 'true' : 'false'} onClick={() => setShown(!shown)}>
            {shown ? 'Hide ids' : 'Show ids'}
          </button>
        ) : (
          <span class="muted">Masked: showing the ids themselves needs the submit scope.</span>
        )}
      </p>
      {page.status === 'failed' && <ErrorNotice error={page.error} />}
      <ol class="subjects" start={first + 1}>
        {value.items.map((item, i) => (
          <li key={first + i}>
            <code>{shown && item.distinctId !== undefined ? item.distinctId : item.masked}</code>
          </li>
        ))}
      </ol>
      {(cursors.length > 1 || value.nextCursor) && (
        <nav class="pager" aria-label="Pages of ids">
          <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous ids
          </button>
          <button
            type="button"
            disabled={!value.nextCursor || page.status === 'loading'}
            onClick={() => value.nextCursor && setCursors([...cursors, value.nextCursor])}
          >
            Next ids
          </button>
        </nav>
      )}
    </>
  );
}
