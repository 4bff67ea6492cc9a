import type { WorkflowClient } from '@mixpanel-gdpr/workflow';

const refuse = () => Promise.reject(new Error('this command does not call Mixpanel'));

/** The client of commands that never call Mixpanel (a dry run, reading the ledger). */
export const offlineClient: WorkflowClient = {
  createDeletion: refuse,
  createRetrieval: refuse,
  getDeletionStatus: refuse,
  getRetrievalStatus: refuse,
  cancelDeletion: refuse,
};
