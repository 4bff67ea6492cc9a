// Its own module: `jobs --help` quotes it without loading the command (and the workflow with it).
/** How long a finished job stays in the default `jobs` list, in days (`--all` lists every job). @default 7 */
export const RECENT_DAYS = 7;
