import type { ExportListing } from '@mixpanel-gdpr/service-client';
import { downloadBlob } from '../lib/downloadBlob.js';
import { formatCount, formatDateTime } from '../lib/format.js';
import { useSignedIn } from '../lib/SessionContext.js';
import { useAction } from '../lib/useAction.js';
import { useAsync } from '../lib/useAsync.js';
import { ErrorNotice } from './ErrorNotice.js';

type ExportFile = ExportListing['exports'][number];

/**
 * An access request's export files, one button each. The listing's `href`
 * is never shown or followed: the file is fetched with the session and
 * saved, so no link to a subject's data lands in the history.
 */
export function ExportDownloads({ requestId }: { requestId: string }) {
  const { client } = useSignedIn();
  const listing = useAsync((signal) => client.listExports(requestId, { signal }), requestId);
  const { busy, error, run } = useAction();
  const download = (file: ExportFile) =>
    run(file.taskId, async () => {
      const { body } = await client.downloadExport(requestId, file.project, { taskId: file.taskId });
      const blob = await new Response(body).blob();
      downloadBlob(
        new Blob([blob], { type: 'application/zip' }),
        `export-${requestId}-${file.project}-${file.taskId}.zip`,
      );
    });
  return (
    <div class="action-group">
      <h3>Access exports</h3>
      {listing.status === 'failed' && <ErrorNotice error={listing.error} action="Exports" />}
      {listing.status === 'loading' && <p aria-live="polite">Loading…</p>}
      {listing.value && listing.value.exports.length === 0 && <p class="muted">No export yet.</p>}
      {listing.value && listing.value.exports.length > 0 && (
        <ul class="exports">
          {listing.value.exports.map((file) => (
            <li key={`${file.project}/${file.taskId}`}>
              {file.state === 'ready' ? (
                <button type="button" onClick={() => download(file)} disabled={busy !== undefined}>
                  {busy === file.taskId ? 'Downloading…' : `Download ${file.project} export`}
                </button>
              ) : (
                <span>
                  {file.project}: {file.state}
                </span>
              )}{' '}
              <span class="muted">
                task <code>{file.taskId}</code>
                {file.bytes !== undefined && <>, {formatCount(file.bytes)} bytes</>}
                {file.fetchedAt && <>, fetched {formatDateTime(file.fetchedAt)}</>}
              </span>
            </li>
          ))}
        </ul>
      )}
      {error !== undefined && <ErrorNotice error={error} action="Export" />}
    </div>
  );
}
