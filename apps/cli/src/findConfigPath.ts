import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from './CliError.js';
import { escapeTerminal } from './escapeTerminal.js';

/** Looked for in the working directory when neither --config nor MIXPANEL_GDPR_CONFIG names a file. */
export const CONFIG_FILE_NAME = 'mixpanel-gdpr.config.yaml';

/**
 * The config file to load, as an absolute path: the `--config` flag's value,
 * else MIXPANEL_GDPR_CONFIG (empty counts as unset), else
 * `./mixpanel-gdpr.config.yaml` if the working directory has one; undefined
 * when there is none, and the CLI works with one project from flags and
 * environment. A file named by the flag or the variable must exist.
 */
export function findConfigPath(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): string | undefined {
  const named =
    flag !== undefined
      ? { from: '--config', path: flag }
      : env.MIXPANEL_GDPR_CONFIG
        ? { from: 'MIXPANEL_GDPR_CONFIG', path: env.MIXPANEL_GDPR_CONFIG }
        : undefined;
  if (named === undefined) {
    const here = resolve(cwd, CONFIG_FILE_NAME);
    return exists(here) ? here : undefined;
  }
  if (named.path === '') throw new CliError(`${named.from}: empty: give the path of a config file`);
  const path = resolve(cwd, named.path);
  if (!exists(path))
    throw new CliError(
      escapeTerminal(`${named.from}: no config file ${JSON.stringify(path)}`, { newlines: false }),
      'invalid_input',
    );
  return path;
}

/** Whether anything is at `path`; any error but "not there" (EACCES, ENOTDIR on a file's child…) is left to loading, which says so. */
function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
