import { CliError } from './CliError.js';
import { knownSecrets } from './knownSecrets.js';
import { readSecretFile } from './readSecretFile.js';
import type { ProjectConfig, TokenSource } from './ToolConfig.js';

/** What resolveCredentials (credentials.ts) returns for the single project of flags and environment. */
export interface Credentials {
  oauthToken: string;
  projectToken: string;
}

/**
 * The tokens of one project of the config file, read from the variables or
 * files it names (files through readSecretFile: same checks, same warnings).
 * Call it only for the projects a command uses, so that a missing token of
 * another project does not stop this one. Messages name the project, the key
 * and the variable or file, never a value; every value read is added to
 * knownSecrets, so bin.ts redacts it from all output.
 */
export async function resolveProjectCredentials(
  project: ProjectConfig,
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
): Promise<Credentials> {
  const read = (key: keyof Credentials): string => {
    const token = tokenOf(project[key], `project ${JSON.stringify(project.name)}: ${key}`, env, warn);
    knownSecrets.add(token);
    return token;
  };
  return { oauthToken: read('oauthToken'), projectToken: read('projectToken') };
}

/** A secret named by the config file: the environment variable's value, or the file's content. */
export function tokenOf(
  source: TokenSource,
  from: string,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
): string {
  if ('file' in source) return readSecretFile(source.file, `${from}.file`, warn);
  const value = env[source.env];
  if (!value)
    throw new CliError(
      `${from}: the environment variable ${source.env} named in the config file is ${value === undefined ? 'not set' : 'empty'}`,
      'invalid_input',
    );
  return value;
}
