import { createMixpanelGdprClient, type ClientOptions, type MixpanelGdprClient } from '@mixpanel-gdpr/client';

/**
 * A client for the workflow: it does not retry on its own (the workflow
 * retries every call through its shared rate limiter, which a client-side
 * retry would bypass), otherwise as configured.
 */
export function createWorkflowClient(options: Omit<ClientOptions, 'maxRetries'>): MixpanelGdprClient {
  return createMixpanelGdprClient({ ...options, maxRetries: 0 });
}
