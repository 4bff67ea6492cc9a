import type { ProjectsView } from '@mixpanel-gdpr/service-client';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { ProjectTraffic } from '../components/ProjectTraffic.js';
import { useSignedIn } from '../lib/SessionContext.js';
import { useAsync } from '../lib/useAsync.js';
import { usePageTitle } from '../lib/usePageTitle.js';

/** Each Mixpanel project: its last day of traffic against the rate limit, tasks outstanding, the oldest running. */
export function ProjectsPage() {
  usePageTitle('Projects');
  const { client } = useSignedIn();
  const view = useAsync<ProjectsView>((signal) => client.listProjects({ signal }), 'projects');
  const value = view.value;
  return (
    <>
      <h1>Projects</h1>
      {view.status === 'failed' && <ErrorNotice error={view.error} />}
      {!value && view.status === 'loading' && <p aria-live="polite">Loading…</p>}
      {value?.projects.length === 0 && <p>No Mixpanel project is configured.</p>}
      {value?.projects.map((project) => (
        <ProjectTraffic key={project.name} project={project} nowMs={Date.parse(value.generatedAt)} />
      ))}
    </>
  );
}
