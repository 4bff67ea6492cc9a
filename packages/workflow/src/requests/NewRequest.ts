import type { ComplianceType, DisclosureType } from '@mixpanel-gdpr/client';
import type { InvalidId } from '../ids/normalizeIds.js';
import type { RequestIntake, RequestKind } from '../ledger/records.js';

/** A data-subject request to record: what the caller received, before any deadline is computed. */
export interface NewRequest {
  /** The caller's id (a ticket); unique per kind. */
  ticket: string;
  kind: RequestKind;
  regulation: ComplianceType;
  /** CCPA access only. */
  disclosureType?: DisclosureType | undefined;
  /** When the request was received, epoch ms. */
  receivedAt: number;
  /**
   * The subject's distinct ids, validated and deduplicated by the caller
   * (see `normalizeIds`). Leave out for a request that is the whole of the
   * jobs planned for it (one run, one request): the jobs record the ids.
   */
  ids?: string[] | undefined;
  /** Ids of the request that could not be used. */
  invalid?: InvalidId[] | undefined;
  /** Project names it must reach. */
  projects: string[];
  labels?: Record<string, string> | undefined;
  /** The input it was read from, and the SHA-256 of that input. */
  source?: { name: string; sha256?: string | undefined; bytes?: number | undefined } | undefined;
  /** Where the service POSTs its state changes (checked by the service before it gets here). */
  callbackUrl?: string | undefined;
  /** How it reached the service. */
  intake?: RequestIntake | undefined;
}
