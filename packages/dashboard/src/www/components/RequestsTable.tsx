import type { ServiceRequest } from '@mixpanel-gdpr/service-client';
import { daysLeftText, formatDateTime, isOpen, stateLabel } from '../lib/format.js';
import { hrefOf } from '../lib/hashRoute.js';
import { DeadlineBadge, deadlineRowClass } from './DeadlineBadge.js';

/** One page of requests; at-risk and overdue rows stand out by a class and a badge in words. */
export function RequestsTable({ items, busy }: { items: readonly ServiceRequest[] | undefined; busy: boolean }) {
  return (
    <div class="table-wrap">
      <table class="requests" aria-busy={busy ? 'true' : 'false'}>
        <caption>Requests, earliest due first</caption>
        <thead>
          <tr>
            <th scope="col">Ticket</th>
            <th scope="col">Kind</th>
            <th scope="col">Regulation</th>
            <th scope="col">Received</th>
            <th scope="col">Due</th>
            <th scope="col">Days left</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {items?.map((r) => (
            <tr key={r.requestId} class={deadlineRowClass(r.deadline)} data-request-id={r.requestId}>
              <th scope="row">
                <a href={hrefOf({ page: 'request', requestId: r.requestId })}>{r.ticket}</a>
              </th>
              <td>{r.kind}</td>
              <td>{r.regulation}</td>
              <td>{formatDateTime(r.receivedAt)}</td>
              <td>
                {r.deadline.dueDate}
                {r.deadline.extension && <span class="muted"> (extended)</span>}
              </td>
              <td>{isOpen(r) ? daysLeftText(r.deadline.daysLeft) : '—'}</td>
              <td>
                {stateLabel(r.state)} <DeadlineBadge deadline={r.deadline} />
              </td>
            </tr>
          ))}
          {items?.length === 0 && (
            <tr>
              <td colSpan={7} class="empty">
                No request matches these filters.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
