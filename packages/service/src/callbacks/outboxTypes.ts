import type { LedgerRecord, LedgerState } from '@mixpanel-gdpr/workflow';

/*
 * The outbox's record and state types, derived from what @mixpanel-gdpr/workflow
 * exports (its index does not list `CallbackState` or `CallbackQueued` by name yet).
 */

/** One of the ledger's records, by type. */
export type OutboxRecord<T extends LedgerRecord['type']> = Extract<LedgerRecord, { type: T }>;

/** A callback in the outbox as the ledger's records leave it. */
export type CallbackState = LedgerState['callbacks'] extends Map<string, infer C> ? C : never;

/** What a callback speaks: the service's own signed event, or an OpenDSR status callback. */
export type CallbackProtocol = CallbackState['protocol'];

/** The events of the service spec's `CallbackEventType`. */
export type CallbackEventType = 'request.state_changed' | 'request.extended' | 'request.at_risk' | 'request.overdue';
