/**
 * Types generated from the spec, for other repositories: import type-only,
 * this module has no runtime code.
 *
 *   import type { paths, components, TaskStatus } from '@mixpanel-gdpr/client/schema';
 */
import type { components } from './generated/schema.js';

export type { components, operations, paths } from './generated/schema.js';

type Schemas = components['schemas'];

/** The documented task states. */
export type TaskStatus = Schemas['TaskState'];
export type ComplianceType = Schemas['ComplianceType'];
export type DisclosureType = Schemas['DisclosureType'];
export type PrivacyRequest = Schemas['PrivacyRequest'];
export type RetrievalRequest = Schemas['RetrievalRequest'];
export type TaskCreatedResponse = Schemas['TaskCreatedResponse'];
export type RetrievalStatusResponse = Schemas['RetrievalStatusResponse'];
export type DeletionStatusResponse = Schemas['DeletionStatusResponse'];
export type ErrorResponse = Schemas['ErrorResponse'];
export type ConflictResponse = Schemas['ConflictResponse'];
