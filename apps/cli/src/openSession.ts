import { createRedactor } from '@mixpanel-gdpr/client';
import {
  createRequestDesk,
  createWorkflow,
  createWorkflowClient,
  FilePaceShare,
  type JobState,
  jobProject,
  type ProgressEvent,
  type ProjectIdentity,
  REQUEST_DEFAULTS,
  type RequestDesk,
  type Workflow,
  type WorkflowClient,
  type WorkflowTunables,
} from '@mixpanel-gdpr/workflow';
import { CliError } from './CliError.js';
import { type Config, type GlobalOptions, resolveConfig, resolveCredentials } from './config.js';
import { offlineClient } from './offlineClient.js';
import { openStore, type Store } from './openStore.js';
import { ProgressView } from './ProgressView.js';
import { resolveProjectCredentials } from './resolveProjectCredentials.js';
import { selectProjects } from './selectProjects.js';

export interface Session {
  config: Config;
  view: ProgressView;
  /** The default project's workflow (the only one without a configuration file); any workflow can read. */
  workflow: Workflow;
  /** A workflow per project name, each with its own client, rate limiter and pace file. */
  projects: ReadonlyMap<string, Workflow>;
  /** The workflow that may send for this job: its project's. */
  workflowFor(job: JobState): Workflow;
  desk: RequestDesk;
  ledger: Store['ledger'];
  /** The file ledger or PostgreSQL, with what only that kind offers. */
  store: Store;
  /** Aborted when a job lease this command holds is lost (shared store): its runs must stop. */
  leaseLost: AbortController;
  /** The project the credentials call (undefined for read-only commands, and with a configuration file). */
  project: ProjectIdentity | undefined;
  close(): Promise<void>;
}

export interface SessionOptions {
  readOnly?: boolean;
  tunables?: WorkflowTunables;
  /**
   * With a configuration file: the projects whose credentials are read
   * (undefined: every project). Only these can send; a missing token of a
   * project not named here breaks nothing.
   */
  projects?: readonly string[] | undefined;
  /** Writes to the ledger without calling Mixpanel (extend, purge): no credentials are read. @default !readOnly */
  calls?: boolean;
  /** Also told every progress event, with its project (the service's metrics). */
  onProgress?: (project: string, event: ProgressEvent) => void;
}

/**
 * Everything a command needs, checked in order: options, credentials (not
 * needed to read the ledger), then the ledger itself.
 */
export async function openSession(
  globals: GlobalOptions,
  { readOnly = false, tunables = {}, projects: wanted, calls = !readOnly, onProgress }: SessionOptions = {},
): Promise<Session> {
  const config = await resolveConfig(globals);
  const tool = config.tool;
  const chosen = tool ? selectProjects(tool, wanted ? [...wanted] : undefined) : [];
  // Credentials first: a missing token is found before the ledger is touched.
  const clients = new Map<string, { client: WorkflowClient; secrets: string[]; rate?: number | undefined }>();
  if (!tool) {
    const credentials = calls ? resolveCredentials(globals) : undefined;
    clients.set(REQUEST_DEFAULTS.defaultProject, {
      client: credentials
        ? createWorkflowClient({ ...credentials, region: config.region, baseUrl: config.baseUrl })
        : offlineClient,
      secrets: credentials ? [credentials.oauthToken, credentials.projectToken] : [],
    });
  } else {
    for (const p of calls ? chosen : tool.projects) {
      const credentials = calls ? await resolveProjectCredentials(p) : undefined;
      clients.set(p.name, {
        client: credentials
          ? createWorkflowClient({ ...credentials, region: p.region, baseUrl: p.baseUrl })
          : offlineClient,
        secrets: credentials ? [credentials.oauthToken, credentials.projectToken] : [],
        rate: p.ratePerSecond,
      });
    }
  }
  const redact = createRedactor([...clients.values()].flatMap((c) => c.secrets));
  const view = new ProgressView({ json: config.json, redact });
  const store = await openStore(config, { readOnly });
  const ledger = store.ledger;
  const workflows = new Map<string, Workflow>();
  const shares: FilePaceShare[] = [];
  for (const [name, { client, rate }] of clients) {
    // The limit is per project, not per process: one pace per project for every command using this ledger.
    const pacePath =
      name === REQUEST_DEFAULTS.defaultProject && !tool
        ? `${config.ledgerPath}.last-request`
        : `${config.ledgerPath}.${name}.last-request`;
    // Read-only commands send nothing: no pace to keep, nothing to warn about.
    // PostgreSQL keeps the pace in the database; the file store, in the pace file beside the ledger.
    const fileShare =
      calls && !store.postgres ? new FilePaceShare(pacePath, { warn: (message) => view.info(message) }) : undefined;
    if (fileShare) shares.push(fileShare);
    const paceShare = calls ? (store.paceShare(name) ?? fileShare) : undefined;
    workflows.set(
      name,
      createWorkflow({
        ...tunables,
        client,
        ...(paceShare && { paceShare }),
        ledger,
        ratePerSecond: rate ?? config.ratePerSecond,
        pollMinDelayMs: config.pollMinDelayMs,
        pollMaxDelayMs: config.pollMaxDelayMs,
        watchDeadlineMs: config.watchDeadlineMs,
        onProgress: onProgress
          ? (event) => {
              view.onEvent(event);
              onProgress(name, event);
            }
          : view.onEvent,
      }),
    );
  }
  // Reading needs a workflow even when no project was chosen (a read-only command).
  const reader = [...workflows.values()][0] ?? createWorkflow({ client: offlineClient, ledger });
  const desk = createRequestDesk({ ledger, projects: workflows, policy: config.requestPolicy });
  const defaultClient = clients.get(REQUEST_DEFAULTS.defaultProject)?.client;
  return {
    config,
    view,
    workflow: reader,
    projects: workflows,
    workflowFor(job) {
      const name = jobProject(job);
      const workflow = workflows.get(name);
      if (workflow) return workflow;
      throw new CliError(
        tool
          ? `job ${job.jobId} belongs to project ${JSON.stringify(name)}, which ${tool.projects.some((p) => p.name === name) ? 'this command was not given' : `is not in ${config.configPath}`}`
          : `job ${job.jobId} belongs to project ${JSON.stringify(name)} of a configuration file: give it with --config`,
        'project_mismatch',
      );
    },
    desk,
    ledger,
    store,
    leaseLost: new AbortController(),
    project: defaultClient && 'project' in defaultClient ? defaultClient.project : undefined,
    async close() {
      // The last answer's time must be in the pace file before the next command reads it, or its hold stays.
      await Promise.all(shares.map((share) => share.flush()));
      view.stop();
      await store.close();
    },
  };
}
