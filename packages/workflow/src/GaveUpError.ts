import { MixpanelGdprError } from '@mixpanel-gdpr/client';

/**
 * A call stopped trying within the limits of the command that made it (see
 * `CallLimits`): the watch deadline would pass first, or a one-pass command
 * (cron `status`) met repeated failures or a long wait. Nothing about the
 * task changed; a later pass tries again.
 */
export class GaveUpError extends MixpanelGdprError {
  override name = 'GaveUpError';
  constructor(
    readonly reason: 'deadline' | 'failures' | 'wait',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
