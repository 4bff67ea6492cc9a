/**
 * The built dashboard's folder, when `@mixpanel-gdpr/dashboard` is installed
 * beside the CLI (an optional peer: an API-only deployment leaves it out);
 * undefined otherwise, and `serve` serves the API alone.
 */
export async function loadDashboardRoot(): Promise<string | undefined> {
  try {
    return (await import('@mixpanel-gdpr/dashboard')).dashboardRoot;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return undefined;
  }
}
