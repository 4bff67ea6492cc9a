import { createRedactor } from '@mixpanel-gdpr/client';
import {
  createWorkflow,
  createWorkflowClient,
  FileLedger,
  type ProjectIdentity,
  type Workflow,
  type WorkflowTunables,
} from '@mixpanel-gdpr/workflow';
import { CliError } from './CliError.js';
import { type Config, type GlobalOptions, resolveConfig, resolveCredentials } from './config.js';
import { offlineClient } from './offlineClient.js';
import { ProgressView } from './ProgressView.js';
import { paceFileWriter, readPaceFile } from './paceFile.js';

export interface Session {
  config: Config;
  view: ProgressView;
  workflow: Workflow;
  ledger: FileLedger;
  /** The project the credentials call (undefined for read-only commands). */
  project: ProjectIdentity | undefined;
  close(): Promise<void>;
}

/**
 * Everything a command needs, checked in order: options, credentials (not
 * needed to read the ledger), then the ledger itself.
 */
export async function openSession(
  globals: GlobalOptions,
  { readOnly = false, tunables = {} }: { readOnly?: boolean; tunables?: WorkflowTunables } = {},
): Promise<Session> {
  const config = resolveConfig(globals);
  const credentials = readOnly ? undefined : resolveCredentials(globals);
  const redact = createRedactor(credentials ? [credentials.oauthToken, credentials.projectToken] : []);
  const view = new ProgressView({ json: config.json, redact });
  // A ledger refused on opening (not a ledger, a symlink, a shared folder, in use) is a problem with the
  // ledger named, before anything was sent: invalid_input (exit 2), not "resume it".
  const ledger = await FileLedger.open(config.ledgerPath, { readOnly }).catch((error: unknown) => {
    throw new CliError(error instanceof Error ? error.message : String(error), 'invalid_input');
  });
  const client = credentials
    ? createWorkflowClient({ ...credentials, region: config.region, baseUrl: config.baseUrl })
    : offlineClient;
  // The limit is per project, not per process: carry the last request's time from one command to the next.
  const pacePath = `${config.ledgerPath}.last-request`;
  // Read-only commands send nothing: no pace to keep, nothing to warn about.
  const lastRequestAt = readOnly ? undefined : await readPaceFile(pacePath, (message) => view.info(message));
  const paceWriter = readOnly ? undefined : paceFileWriter(pacePath, (message) => view.info(message));
  const workflow = createWorkflow({
    ...tunables,
    client,
    ...(lastRequestAt !== undefined && { lastRequestAt }),
    ...(paceWriter && { onRequestGranted: paceWriter }),
    ledger,
    ratePerSecond: config.ratePerSecond,
    pollMinDelayMs: config.pollMinDelayMs,
    pollMaxDelayMs: config.pollMaxDelayMs,
    watchDeadlineMs: config.watchDeadlineMs,
    onProgress: view.onEvent,
  });
  return {
    config,
    view,
    workflow,
    ledger,
    project: 'project' in client ? client.project : undefined,
    async close() {
      // The last request's time must be on disk before the next command reads it.
      paceWriter?.flush();
      view.stop();
      await ledger.close();
    },
  };
}
