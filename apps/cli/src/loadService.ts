import { CliError } from './CliError.js';

export type ServiceModule = typeof import('@mixpanel-gdpr/service');

/** The service package, loaded only by the commands that need it: users of the CLI alone never install its HTTP stack. */
export async function loadService(): Promise<ServiceModule> {
  try {
    return await import('@mixpanel-gdpr/service');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new CliError(
      'serve and keys need @mixpanel-gdpr/service: install it beside the CLI (npm install -g @mixpanel-gdpr/service)',
      'usage',
    );
  }
}
