import type { ServiceRequest } from '@mixpanel-gdpr/service-client';
import { daysLeftText, formatDateTime, isOpen } from '../lib/format.js';

export function DeadlineSummary({ request }: { request: ServiceRequest }) {
  const { deadline } = request;
  return (
    <>
      <dl class="facts">
        <dt>Due</dt>
        <dd>
          {deadline.dueDate} ({request.timeZone}){isOpen(request) && <>, {daysLeftText(deadline.daysLeft)}</>}
          {request.completedAt && <>, done {formatDateTime(request.completedAt)}</>}
        </dd>
        <dt>Original due date</dt>
        <dd>{deadline.originalDueDate}</dd>
        <dt>Extension</dt>
        <dd>
          {deadline.extension ? (
            <>
              to {deadline.extension.dueDate}, recorded {formatDateTime(deadline.extension.recordedAt)}. Reason:{' '}
              {deadline.extension.reason}
            </>
          ) : (
            'none'
          )}
        </dd>
      </dl>
      {deadline.reasons.length > 0 && (
        <ul class="reasons">
          {deadline.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
    </>
  );
}
