import type { components } from './generated/schema.js';

/** The task states Mixpanel documents: `TaskState` in the spec, the one source. */
export type TaskStatus = components['schemas']['TaskState'];

/**
 * The same states at run time. `satisfies` refuses a state the spec does not
 * have; `Exhaustive` below refuses a list that misses one, so a state added
 * to the spec breaks the build here instead of going unrecognised.
 */
export const TASK_STATUSES = [
  'PENDING',
  'STAGING',
  'STARTED',
  'SUCCESS',
  'FAILURE',
  'REVOKED',
  'NOT_FOUND',
  'UNKNOWN',
] as const satisfies readonly TaskStatus[];

/**
 * What a status call reports when Mixpanel sends a state this version does
 * not know. It is never mapped to a known state (a new "done-ish" state
 * treated as PENDING would poll forever, treated as SUCCESS would lie);
 * `rawStatus` holds what was sent.
 */
export const UNRECOGNISED_STATUS = 'UNRECOGNISED';
export type ReportedStatus = TaskStatus | typeof UNRECOGNISED_STATUS;

/** States that are polled again, written out so that a new state of the spec must be placed on one side or the other. */
type OngoingStatus = Subset<TaskStatus, 'PENDING' | 'STAGING' | 'STARTED' | 'UNKNOWN'>;

/** SUCCESS, FAILURE, REVOKED and NOT_FOUND end a task. UNKNOWN is transient. */
const TERMINAL = new Set(['SUCCESS', 'FAILURE', 'REVOKED', 'NOT_FOUND'] as const satisfies ReadonlyArray<
  Exclude<TaskStatus, OngoingStatus>
>);
export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = TERMINAL;

/** A deletion can be cancelled until it starts. */
export const CANCELLABLE_STATUSES: ReadonlySet<TaskStatus> = new Set([
  'PENDING',
  'STAGING',
] as const satisfies readonly OngoingStatus[]);

export function isTerminalStatus(status: ReportedStatus): boolean {
  return TERMINAL_STATUSES.has(status as TaskStatus);
}

/** Maps a status string in any casing to a known state, or UNRECOGNISED. */
export function toReportedStatus(raw: string): ReportedStatus {
  const upper = raw.trim().toUpperCase();
  return (TASK_STATUSES as readonly string[]).includes(upper) ? (upper as TaskStatus) : UNRECOGNISED_STATUS;
}

/** `Of` itself, when every member is one of `All` (a `satisfies` for types). */
type Subset<All, Of extends All> = Of;
/** Compiles only when `Missing` is empty; the error names what is missing. */
type Exhaustive<Missing extends never> = Missing;
// Every state of the spec is listed, and is either ongoing or terminal (checked by the compiler; no runtime cost).
/** A compile-time check, exported only so that no linter or compiler calls it unused; never imported. */
export type ListsCoverTheSpec = [
  Exhaustive<Exclude<TaskStatus, (typeof TASK_STATUSES)[number]>>,
  Exhaustive<Exclude<TaskStatus, OngoingStatus | (typeof TERMINAL extends Set<infer Terminal> ? Terminal : never)>>,
];
