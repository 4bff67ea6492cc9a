import { MixpanelGdprError } from '@mixpanel-gdpr/client';

/**
 * An append refused because another process recorded something first that
 * makes it wrong (the same ticket, a second extension): nothing was
 * written. The caller takes in what the others wrote (`refresh`) and
 * decides again.
 */
export class LedgerConflictError extends MixpanelGdprError {
  override name = 'LedgerConflictError';
}
