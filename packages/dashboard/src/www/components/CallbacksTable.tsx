import type { ServiceRequestDetail } from '@mixpanel-gdpr/service-client';
import { formatDateTime } from '../lib/format.js';

export function CallbacksTable({ request }: { request: ServiceRequestDetail }) {
  if (!request.callbackUrl) return <p class="muted">This request has no callback URL.</p>;
  if (request.callbacks.length === 0) return <p class="muted">None yet (to {request.callbackUrl}).</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption>Callbacks to {request.callbackUrl}</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Created</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last answer</th>
          </tr>
        </thead>
        <tbody>
          {request.callbacks.map((c) => (
            <tr key={c.eventId}>
              <th scope="row">
                {c.type}
                {c.requestState && <span class="muted"> ({c.requestState})</span>}
              </th>
              <td>{formatDateTime(c.createdAt)}</td>
              <td>
                {c.status}
                {c.deliveredAt && <> {formatDateTime(c.deliveredAt)}</>}
                {c.nextAttemptAt && c.status === 'pending' && <>, next try {formatDateTime(c.nextAttemptAt)}</>}
              </td>
              <td>{c.attempts}</td>
              <td>{c.lastResponseStatus ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
