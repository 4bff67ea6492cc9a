import { CliError } from './CliError.js';
import type { GlobalOptions } from './config.js';
import { knownSecrets } from './knownSecrets.js';
import { readSecretFile } from './readSecretFile.js';

type Token = 'oauthToken' | 'projectToken';

/** Each token's four sources, in order of precedence: flag > file flag > environment > environment file. */
const SOURCES = {
  oauthToken: {
    flag: '--oauth-token',
    fileFlag: '--oauth-token-file',
    fileOption: 'oauthTokenFile',
    env: 'MIXPANEL_GDPR_OAUTH_TOKEN',
    envFile: 'MIXPANEL_GDPR_OAUTH_TOKEN_FILE',
    missing:
      'no OAuth token: set MIXPANEL_GDPR_OAUTH_TOKEN or MIXPANEL_GDPR_OAUTH_TOKEN_FILE (a project owner or admin creates one under Profile & Preferences → Data & Privacy)',
  },
  projectToken: {
    flag: '--project-token',
    fileFlag: '--project-token-file',
    fileOption: 'projectTokenFile',
    env: 'MIXPANEL_PROJECT_TOKEN',
    envFile: 'MIXPANEL_PROJECT_TOKEN_FILE',
    missing:
      'no project token: set MIXPANEL_PROJECT_TOKEN or MIXPANEL_PROJECT_TOKEN_FILE (Project Settings → Access Keys)',
  },
} as const;

/** Where a token comes from: a value, or a file to read (`-`: stdin), named for messages. */
type Source = { from: string; value: string } | { from: string; path: string };

function sourceOf(token: Token, o: GlobalOptions, env: NodeJS.ProcessEnv): Source | undefined {
  const s = SOURCES[token];
  const fileFlag = o[s.fileOption];
  if (o[token] !== undefined) return { from: s.flag, value: o[token] };
  if (fileFlag !== undefined) return { from: s.fileFlag, path: fileFlag };
  if (env[s.env]) return { from: s.env, value: env[s.env]! };
  if (env[s.envFile]) return { from: s.envFile, path: env[s.envFile]! };
  return undefined;
}

/** Token files already read, by source and path: each is read (and warned about) once, and stdin can be read only once. */
const read = new Map<string, string>();

function secretOf(source: Source | undefined, token: Token): string {
  if (!source) throw new CliError(SOURCES[token].missing);
  if ('value' in source) return source.value;
  const key = `${source.from}\0${source.path}`;
  if (!read.has(key))
    read.set(
      key,
      readSecretFile(source.path, source.from, (message) => process.stderr.write(`${message}\n`)),
    );
  return read.get(key)!;
}

/** The sources that would read stdin (`--oauth-token-file -`, `MIXPANEL_PROJECT_TOKEN_FILE=-`): stdin can feed one of them, and not the ids too. */
export function stdinCredentialSources(o: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string[] {
  const stdin = (s: Source | undefined) =>
    s && 'path' in s && s.path === '-' ? [`${s.from}${s.from.startsWith('--') ? ' ' : '='}-`] : [];
  return (['oauthToken', 'projectToken'] as const).flatMap((t) => stdin(sourceOf(t, o, env)));
}

/** Credentials from flags, token files or the environment; their values are never printed, and every one read is redacted from bin.ts's output. */
export function resolveCredentials(
  o: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
): { oauthToken: string; projectToken: string } {
  const fromStdin = stdinCredentialSources(o, env);
  if (fromStdin.length > 1)
    throw new CliError(`${fromStdin.join(' and ')} cannot both read stdin: give one of them a file`);
  const oauthToken = secretOf(sourceOf('oauthToken', o, env), 'oauthToken');
  knownSecrets.add(oauthToken);
  const projectToken = secretOf(sourceOf('projectToken', o, env), 'projectToken');
  knownSecrets.add(projectToken);
  return { oauthToken, projectToken };
}

/**
 * Values known before anything is parsed or read (the environment, and the
 * flags straight from argv), so that even a usage error cannot print them.
 */
export function rememberVisibleSecrets(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  for (const token of ['oauthToken', 'projectToken'] as const) {
    const { flag, env: name } = SOURCES[token];
    const i = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    const value =
      i === -1 ? undefined : argv[i]!.startsWith(`${flag}=`) ? argv[i]!.slice(flag.length + 1) : argv[i + 1];
    for (const v of [value, env[name]]) if (v) knownSecrets.add(v);
  }
}

/** The warning for tokens given as flags, which every user of the machine can read in `ps` and /proc; undefined if none was. */
export function tokenFlagWarning(o: GlobalOptions): string | undefined {
  const given = (['oauthToken', 'projectToken'] as const).filter((t) => o[t] !== undefined);
  if (given.length === 0) return undefined;
  const names = (key: 'flag' | 'env' | 'fileFlag') => given.map((t) => SOURCES[t][key]).join(', ');
  return `warning: ${names('flag')} can be read by every user of this machine (in \`ps\`): use ${names('env')} or ${names('fileFlag')} instead`;
}
