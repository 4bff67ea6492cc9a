import type { RequestStage } from '@mixpanel-gdpr/workflow';

export type ServiceState = 'not_submitted' | 'submitted' | 'done' | 'failed' | 'cancelled';

const STATES: Record<RequestStage, ServiceState> = {
  'not submitted': 'not_submitted',
  submitted: 'submitted',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The spec's word for a request stage (the workflow's are the CLI's and the evidence file's). */
export function serviceState(stage: RequestStage): ServiceState {
  return STATES[stage];
}

export function stageOf(state: ServiceState): RequestStage {
  return (Object.keys(STATES) as RequestStage[]).find((s) => STATES[s] === state)!;
}
