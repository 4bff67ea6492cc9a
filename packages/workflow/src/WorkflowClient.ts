import type { MixpanelGdprClient } from '@mixpanel-gdpr/client';

/** The only client methods the workflow calls: easy to fake in tests. */
export type WorkflowClient = Pick<MixpanelGdprClient, 'createDeletion' | 'createRetrieval' | 'getDeletionStatus' | 'getRetrievalStatus' | 'cancelDeletion'>;
