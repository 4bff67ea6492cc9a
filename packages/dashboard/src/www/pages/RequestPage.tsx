import type { ServiceRequestDetail } from '@mixpanel-gdpr/service-client';
import { CallbacksTable } from '../components/CallbacksTable.js';
import { CancelForm } from '../components/CancelForm.js';
import { DeadlineBadge } from '../components/DeadlineBadge.js';
import { DeadlineSummary } from '../components/DeadlineSummary.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { EvidenceDownloads } from '../components/EvidenceDownloads.js';
import { ExportDownloads } from '../components/ExportDownloads.js';
import { ExtendForm } from '../components/ExtendForm.js';
import { ProjectTasks } from '../components/ProjectTasks.js';
import { SubjectList } from '../components/SubjectList.js';
import { formatDateTime, isOpen, stateLabel } from '../lib/format.js';
import { hrefOf } from '../lib/hashRoute.js';
import { useSignedIn } from '../lib/SessionContext.js';
import { useAsync } from '../lib/useAsync.js';
import { usePageTitle } from '../lib/usePageTitle.js';

/** One request: its deadline, every project's tasks and their timelines, callbacks, ids, and what can be done. */
export function RequestPage({ requestId }: { requestId: string }) {
  const { client, can } = useSignedIn();
  const detail = useAsync<ServiceRequestDetail>((signal) => client.getRequest(requestId, { signal }), requestId);
  const request = detail.value;
  usePageTitle(request ? `Request ${request.ticket}` : 'Request');

  if (!request)
    return (
      <>
        <p class="breadcrumb">
          <a href={hrefOf({ page: 'requests' })}>Requests</a>
        </p>
        <h1>Request</h1>
        {detail.status === 'failed' ? <ErrorNotice error={detail.error} /> : <p aria-live="polite">Loading…</p>}
      </>
    );
  const open = isOpen(request);
  return (
    <>
      <p class="breadcrumb">
        <a href={hrefOf({ page: 'requests' })}>Requests</a>
      </p>
      <h1>
        {request.kind === 'erasure' ? 'Erasure' : 'Access'} {request.ticket}{' '}
        <span class="h1-meta">
          {request.regulation} · {stateLabel(request.state)} <DeadlineBadge deadline={request.deadline} />
        </span>
      </h1>
      {detail.status === 'failed' && <ErrorNotice error={detail.error} action="Refreshing" />}
      <dl class="facts">
        <dt>Request id</dt>
        <dd>
          <code>{request.requestId}</code>
        </dd>
        <dt>Received</dt>
        <dd>{formatDateTime(request.receivedAt)}</dd>
        <dt>Recorded</dt>
        <dd>{formatDateTime(request.recordedAt)}</dd>
        {request.disclosureType && (
          <>
            <dt>Disclosure</dt>
            <dd>{request.disclosureType}</dd>
          </>
        )}
        {request.cancelled && (
          <>
            <dt>Cancelled</dt>
            <dd>
              {formatDateTime(request.cancelled.at)}: {request.cancelled.reason}
            </dd>
          </>
        )}
      </dl>

      <section aria-labelledby="deadline-heading">
        <h2 id="deadline-heading">Deadline</h2>
        <DeadlineSummary request={request} />
        {open && !request.deadline.extension && can('submit') && (
          <ExtendForm requestId={request.requestId} onDone={detail.reload} />
        )}
      </section>

      <section aria-labelledby="evidence-heading">
        <h2 id="evidence-heading">Evidence</h2>
        <EvidenceDownloads request={request} />
        {request.kind === 'access' && can('submit') && <ExportDownloads requestId={request.requestId} />}
      </section>

      <section aria-labelledby="projects-heading">
        <h2 id="projects-heading">Projects</h2>
        {request.projects.map((project) => (
          <ProjectTasks key={project.project} project={project} />
        ))}
      </section>

      <section aria-labelledby="subjects-heading">
        <h2 id="subjects-heading">Data subject ids</h2>
        <SubjectList requestId={request.requestId} />
      </section>

      <section aria-labelledby="callbacks-heading">
        <h2 id="callbacks-heading">Callbacks sent</h2>
        <CallbacksTable request={request} />
      </section>

      {open && can('admin') && <CancelForm request={request} onDone={detail.reload} />}
    </>
  );
}
