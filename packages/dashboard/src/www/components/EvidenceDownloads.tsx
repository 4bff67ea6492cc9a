import type { ServiceRequest } from '@mixpanel-gdpr/service-client';
import { downloadBlob } from '../lib/downloadBlob.js';
import { useSignedIn } from '../lib/SessionContext.js';
import { useAction } from '../lib/useAction.js';
import { ErrorNotice } from './ErrorNotice.js';

/** The evidence pack as JSON (what the CLI writes) or Markdown, fetched and saved without a link to it. */
export function EvidenceDownloads({ request }: { request: ServiceRequest }) {
  const { client } = useSignedIn();
  const { busy, error, run } = useAction();
  const name = `evidence-${request.requestId}`;
  const json = () =>
    run('json', async () => {
      const pack = await client.getEvidence(request.requestId);
      downloadBlob(new Blob([`${JSON.stringify(pack, null, 2)}\n`], { type: 'application/json' }), `${name}.json`);
    });
  const markdown = () =>
    run('markdown', async () => {
      const text = await client.getEvidenceMarkdown(request.requestId);
      downloadBlob(new Blob([text], { type: 'text/markdown' }), `${name}.md`);
    });
  return (
    <div class="action-group">
      <h3>Evidence pack</h3>
      <div class="buttons">
        <button type="button" onClick={json} disabled={busy !== undefined}>
          {busy === 'json' ? 'Preparing…' : 'Download evidence (JSON)'}
        </button>
        <button type="button" onClick={markdown} disabled={busy !== undefined}>
          {busy === 'markdown' ? 'Preparing…' : 'Download evidence (Markdown)'}
        </button>
      </div>
      {error !== undefined && <ErrorNotice error={error} action="Evidence" />}
    </div>
  );
}
