import { dirname, resolve } from 'node:path';
import { REGION_BASE_URLS, type Region } from '@mixpanel-gdpr/client';
import { LineCounter, parseDocument } from 'yaml';
import { CliError } from './CliError.js';
import { describeConfigIssues } from './describeConfigIssues.js';
import { escapeTerminal } from './escapeTerminal.js';
import { knownSecrets } from './knownSecrets.js';
import { readConfigFile } from './readConfigFile.js';
import type { ProjectConfig, ServiceConfig, TokenSource, ToolConfig } from './ToolConfig.js';
import { type ToolConfigInput, toolConfigSchema } from './toolConfigSchema.js';

/** Aliases expand on parsing: a few lines of `&a [*a, *a, …]` could otherwise fill memory. */
const MAX_ALIAS_COUNT = 100;

/**
 * The config file at `path`, checked (readConfigFile) and validated
 * (toolConfigSchema), with relative paths (ledger, token files) resolved
 * against the file's folder. No token is read here: see
 * resolveProjectCredentials. Every problem is a CliError ('invalid_input')
 * naming the file and the key path, never a token's value.
 */
export async function loadToolConfig(path: string): Promise<ToolConfig> {
  const file = resolve(path);
  const fail = (why: string) =>
    new CliError(escapeTerminal(`config file ${JSON.stringify(file)}: ${why}`, { newlines: false }), 'invalid_input');
  let text: string;
  try {
    text = await readConfigFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(code === undefined ? (error as Error).message : `cannot be read (${code})`);
  }
  const lines = new LineCounter();
  // The messages of yaml's errors, not its "pretty" ones: those quote the line, which could hold a pasted token.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    throw fail(
      doc.errors
        .map(
          (e) =>
            `line ${lines.linePos(e.pos[0]).line}: ${e.code === 'MULTIPLE_DOCS' ? 'a second YAML document (---): give one' : e.message}`,
        )
        .join('; '),
    );
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw fail(`cannot be used (${(error as Error).message})`);
  }
  if (data === null || data === undefined) throw fail('is empty: it must list at least one project under projects:');
  rememberPastedTokens(data);
  const result = toolConfigSchema.safeParse(data);
  if (!result.success) throw fail(describeConfigIssues(result.error.issues, toolConfigSchema, doc, lines));
  return toToolConfig(result.data, file);
}

/** A token pasted into the file is refused, and redacted too in case anything later prints it. */
function rememberPastedTokens(data: unknown): void {
  const projects = (data as { projects?: unknown }).projects;
  if (!Array.isArray(projects)) return;
  for (const project of projects)
    for (const key of ['oauthToken', 'projectToken'])
      if (typeof project?.[key] === 'string' && project[key] !== '') knownSecrets.add(project[key]);
}

function toToolConfig(data: ToolConfigInput, file: string): ToolConfig {
  const folder = dirname(file);
  const source = (s: { env?: string | undefined; file?: string | undefined }): TokenSource =>
    s.env !== undefined ? { env: s.env } : { file: resolve(folder, s.file!) };
  const projects = data.projects.map(
    (p): ProjectConfig => ({
      name: p.name,
      region: p.region as Region,
      baseUrl: p.baseUrl ?? REGION_BASE_URLS[p.region as Region],
      ...(p.ratePerSecond === undefined ? {} : { ratePerSecond: p.ratePerSecond }),
      oauthToken: source(p.oauthToken),
      projectToken: source(p.projectToken),
    }),
  );
  return {
    path: file,
    ...(data.timeZone === undefined ? {} : { timeZone: data.timeZone }),
    ...(data.ledger === undefined ? {} : { ledger: resolve(folder, data.ledger) }),
    ...(data.database === undefined ? {} : { database: { url: source(data.database.url) } }),
    requests: { ...data.requests },
    ...(data.service && { service: serviceConfig(data.service, folder, source) }),
    projects,
  };
}

/** The service section, its paths resolved against the config's folder (undefined keys left out). */
function serviceConfig(
  data: NonNullable<ToolConfigInput['service']>,
  folder: string,
  source: (s: { env?: string | undefined; file?: string | undefined }) => TokenSource,
): ServiceConfig {
  const defined = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
      [K in keyof T]: Exclude<T[K], undefined>;
    };
  return defined({
    host: data.host,
    port: data.port,
    publicUrl: data.publicUrl,
    secret: data.secret && source(data.secret),
    callbackSecret: data.callbackSecret && source(data.callbackSecret),
    batchWindowMs: data.batchWindowMs,
    exports: data.exports && resolve(folder, data.exports),
    callbacks: data.callbacks && defined(data.callbacks),
    opendsr: data.opendsr && {
      keyFile: resolve(folder, data.opendsr.keyFile),
      certFile: resolve(folder, data.opendsr.certFile),
      ...(data.opendsr.identityTypes && { identityTypes: data.opendsr.identityTypes }),
    },
  });
}
