import { type ClientOptions, createMixpanelGdprClient, type MixpanelGdprClient } from '@mixpanel-gdpr/client';
import { type ProjectIdentity, projectIdentity } from './project/ProjectIdentity.js';

/**
 * A client for the workflow: it does not retry on its own (the workflow
 * retries every call through its shared rate limiter, which a client-side
 * retry would bypass), otherwise as configured. It carries the identity of
 * the project it calls, so that jobs are bound to their project.
 */
export function createWorkflowClient(
  options: Omit<ClientOptions, 'maxRetries'>,
): MixpanelGdprClient & { readonly project: ProjectIdentity } {
  const client = createMixpanelGdprClient({ ...options, maxRetries: 0 });
  return Object.assign(client, {
    project: projectIdentity({ projectToken: options.projectToken, region: client.region, baseUrl: client.baseUrl }),
  });
}
