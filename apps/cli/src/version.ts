import { createRequire } from 'node:module';

/** The installed package's version: the one changesets bumps, never a copy. */
export const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
