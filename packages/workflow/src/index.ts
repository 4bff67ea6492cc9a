export type { CallLimits } from './callApi.js';
export type { CancelJobResult } from './cancelJob.js';
export type { RunOptions, Signalled, Workflow, WorkflowOptions } from './createWorkflow.js';
export { createWorkflow } from './createWorkflow.js';
export { createWorkflowClient } from './createWorkflowClient.js';
export { REQUEST_DEFAULTS, WORKFLOW_DEFAULTS } from './defaults.js';
export type { Downloaded, DownloadOptions } from './downloadExport.js';
export { downloadExport, ExpiredLinkError } from './downloadExport.js';
export type { FilePaceShareOptions } from './FilePaceShare.js';
export { FilePaceShare } from './FilePaceShare.js';
export { GaveUpError } from './GaveUpError.js';
export type { IdOutcome } from './IdOutcome.js';
export type { HashingSource } from './ids/hashingSource.js';
export { hashingSource } from './ids/hashingSource.js';
export { InvalidInput } from './ids/InvalidInput.js';
export type { IdSource, IdStats, InvalidId } from './ids/normalizeIds.js';
export { emptyIdStats, normalizeIds } from './ids/normalizeIds.js';
export type { ReadRequestRowsOptions, RequestRow } from './ids/RequestRow.js';
export type { IdFileFormat, ReadIdsOptions } from './ids/readIdsFromFile.js';
export { readIdsFromFile } from './ids/readIdsFromFile.js';
export type { IdsWithDigest } from './ids/readIdsWithDigest.js';
export { readIdsWithDigest } from './ids/readIdsWithDigest.js';
export type { RequestRows } from './ids/readRequestRows.js';
export { readRequestRows } from './ids/readRequestRows.js';
export type { NewJob } from './ingestIds.js';
export type { JobProgress } from './jobProgress.js';
export { jobProgress } from './jobProgress.js';
export { isTaskTerminal } from './jobQueries.js';
export { LedgerAppendError } from './ledger/appendDurably.js';
export { applyRecord } from './ledger/applyRecord.js';
export { assertAppendable } from './ledger/assertAppendable.js';
export { batchIdsOf } from './ledger/batchIdsOf.js';
export type { FileLedgerOptions } from './ledger/FileLedger.js';
export { FileLedger } from './ledger/FileLedger.js';
export { isLedgerRecord } from './ledger/isLedgerRecord.js';
export { isKeyedId, KEYED_ID_PREFIX, keyedId, keyFingerprint, PURGE_KEY_MIN_BYTES } from './ledger/keyedId.js';
export type { Ledger } from './ledger/Ledger.js';
export { LedgerConflictError } from './ledger/LedgerConflictError.js';
export type { LedgerFile } from './ledger/LedgerFile.js';
export type {
  BatchPhase,
  BatchState,
  CallbackState,
  JobState,
  KeyState,
  LedgerState,
  RequestState,
  TaskRecord,
} from './ledger/LedgerState.js';
export { emptyLedgerState, ticketKey } from './ledger/LedgerState.js';
export { MemoryLedger } from './ledger/MemoryLedger.js';
export { openPrivateFile } from './ledger/openPrivateFile.js';
export type { PurgeLedgerOptions, PurgeResult } from './ledger/purgeLedger.js';
export { purgeLedger } from './ledger/purgeLedger.js';
export { readHistory } from './ledger/readHistory.js';
export type {
  CallbackAbandoned,
  CallbackAttempting,
  CallbackDelivered,
  CallbackFailed,
  CallbackProtocol,
  CallbackQueued,
  JobKind,
  KeyCreated,
  KeyRevoked,
  KeyScope,
  LedgerPurged,
  LedgerRecord,
  LedgerRecordType,
  MixpanelTaskFields,
  RequestIntake,
  RequestKind,
  RequestReceived,
} from './ledger/records.js';
export type { HeldLock } from './ledger/takeLock.js';
export { LockHeldError } from './ledger/takeLock.js';
export { JobBusyError, takeRunLock } from './ledger/takeRunLock.js';
export type { LedgerVerification, VerifyLedgerOptions } from './ledger/verifyLedger.js';
export { verifyLedger } from './ledger/verifyLedger.js';
export { TaskNotFoundError } from './notFoundRule.js';
export type { PollScheduleOptions } from './pollSchedule.js';
export { nextPollDelayMs } from './pollSchedule.js';
export type { PassOptions, PassResult } from './pollTasks.js';
export type { ProgressEvent, ProgressListener } from './progress.js';
export type { ProjectIdentity } from './project/ProjectIdentity.js';
export { describeProject, projectIdentity, sameProject, tokenFingerprint } from './project/ProjectIdentity.js';
export { ProjectMismatchError } from './project/ProjectMismatchError.js';
export type { AnsweredHook, PaceShare, Priority, RateLimiterOptions, Release } from './RateLimiter.js';
export { RateLimiter } from './RateLimiter.js';
export { addCalendarDays } from './requests/addCalendarDays.js';
export { addMonthsClamped } from './requests/addMonthsClamped.js';
export { assertTimeZone } from './requests/assertTimeZone.js';
export type {
  ProjectRun,
  RequestDesk,
  RequestDeskOptions,
  RequestFilter,
  RequestView,
} from './requests/createRequestDesk.js';
export { createRequestDesk } from './requests/createRequestDesk.js';
export { daysLeft } from './requests/daysLeft.js';
export type { Deadline } from './requests/deadlineOf.js';
export { deadlineOf } from './requests/deadlineOf.js';
export type { DueDateOptions, DueDates } from './requests/dueDates.js';
export { dueDates } from './requests/dueDates.js';
export { endOfLocalDay } from './requests/endOfLocalDay.js';
export { evidenceMarkdown } from './requests/evidenceMarkdown.js';
export type { EvidencePack, EvidenceTask, TimelineEntry } from './requests/evidencePack.js';
export { EVIDENCE_FORMAT, EVIDENCE_VERSION, evidencePack } from './requests/evidencePack.js';
export type { ExtensionDecision, ExtensionState } from './requests/extensionAllowed.js';
export { extensionAllowed } from './requests/extensionAllowed.js';
export { localDate } from './requests/localDate.js';
export type { NewRequest } from './requests/NewRequest.js';
export { nextWorkingDay } from './requests/nextWorkingDay.js';
export { parseCalendarDate } from './requests/parseCalendarDate.js';
export type { PlannedJob, PlanOptions } from './requests/planRequestJobs.js';
export type { RequestPolicy, RequestPolicyOptions } from './requests/RequestPolicy.js';
export { resolveRequestPolicy } from './requests/RequestPolicy.js';
export type { ReadyToPlan } from './requests/readyToPlan.js';
export { receivedDateOf } from './requests/receivedDateOf.js';
export type { ReceivedRequests } from './requests/receiveRequests.js';
export type { RequestHealth } from './requests/requestHealth.js';
export type { ProjectProgress, RequestProgress, RequestStage } from './requests/requestProgress.js';
export { jobProject, requestGroups } from './requests/requestProgress.js';
export { startOfLocalDay } from './requests/startOfLocalDay.js';
export type { ResolvedWorkflowOptions, WorkflowTunables } from './resolveWorkflowOptions.js';
export { resolveWorkflowOptions } from './resolveWorkflowOptions.js';
export type { IdRow, JobRequest, JobStage, JobSummary, OutcomeGroup } from './summarizeJob.js';
export {
  batchGroups,
  CANCELLED_NOTE,
  DELETION_NOTES,
  groupIds,
  idRows,
  outcomeGroups,
  RETRIEVAL_NOTES,
  summarizeJob,
} from './summarizeJob.js';
export { WatchDeadlineError } from './WatchDeadlineError.js';
export type { WorkflowClient } from './WorkflowClient.js';
export type { WatchOutcome } from './watchTasks.js';
export type { ReportFormat } from './writeReport.js';
export { namedRequests, summaryMarkdown, writeReport } from './writeReport.js';
