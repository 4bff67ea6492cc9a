import type { ServiceRequestDetail } from '@mixpanel-gdpr/service-client';
import { formatCount, formatDateTime, stateLabel } from '../lib/format.js';

type ProjectDetail = ServiceRequestDetail['projects'][number];
type TimelineEntry = ProjectDetail['tasks'][number]['timeline'][number];

/** A project's state and each of its Mixpanel tasks with the statuses seen, in order. */
export function ProjectTasks({ project }: { project: ProjectDetail }) {
  const outcomes = Object.entries(project.byOutcome);
  return (
    <article class="card" aria-labelledby={`project-${project.project}`}>
      <h3 id={`project-${project.project}`}>
        {project.project}: {stateLabel(project.state)}
      </h3>
      <p>
        {formatCount(project.idCount)} ids in {formatCount(project.taskCount)} tasks
        {outcomes.length > 0 && <> ({outcomes.map(([status, n]) => `${status} ${n}`).join(', ')})</>}
        {project.submittedAt && <>; all submitted {formatDateTime(project.submittedAt)}</>}
        {project.completedAt && <>; completed {formatDateTime(project.completedAt)}</>}
      </p>
      {project.tasks.length === 0 ? (
        <p class="muted">No task at Mixpanel yet.</p>
      ) : (
        project.tasks.map((task) => (
          <div key={task.taskId} class="task">
            <h4>
              Task <code>{task.taskId}</code>: {task.status}, {formatCount(task.idCount)} ids
            </h4>
            <ol class="timeline" aria-label={`Status history of task ${task.taskId}`}>
              {task.timeline.map((entry, i) => (
                <li key={i}>
                  <time dateTime={entry.at}>{formatDateTime(entry.at)}</time> {timelineText(entry)}
                </li>
              ))}
            </ol>
          </div>
        ))
      )}
    </article>
  );
}

function timelineText(entry: TimelineEntry): string {
  const what = entry.event === 'status' ? (entry.status ?? 'status') : entry.event.replace(/_/g, ' ');
  const raw = entry.rawStatus && entry.rawStatus !== entry.status ? ` (${entry.rawStatus})` : '';
  return `${what}${raw}${entry.detail ? `: ${entry.detail}` : ''}`;
}
