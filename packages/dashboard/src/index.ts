import { fileURLToPath } from 'node:url';

/**
 * The dashboard's built files (`index.html` and `assets/`), for the service
 * to serve (`createService({ dashboardRoot })`). Absolute, with a trailing
 * separator; the folder exists once the package is built.
 */
export const dashboardRoot: string = fileURLToPath(new URL('./www/', import.meta.url));
