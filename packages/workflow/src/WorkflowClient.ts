import type { MixpanelGdprClient } from '@mixpanel-gdpr/client';
import type { ProjectIdentity } from './project/ProjectIdentity.js';

/**
 * The only client methods the workflow calls: easy to fake in tests. `project`
 * says which project the client calls; when present, jobs are bound to it
 * (`createWorkflowClient` sets it).
 */
export type WorkflowClient = Pick<
  MixpanelGdprClient,
  'createDeletion' | 'createRetrieval' | 'getDeletionStatus' | 'getRetrievalStatus' | 'cancelDeletion'
> & {
  readonly project?: ProjectIdentity;
};
