import { homedir } from 'node:os';
import { join } from 'node:path';
import { isRegion, REGION_BASE_URLS, type Region, validateBaseUrl } from '@mixpanel-gdpr/client';
import { type RequestPolicyOptions, resolveRequestPolicy } from '@mixpanel-gdpr/workflow';
import { CliError } from './CliError.js';
import { findConfigPath } from './findConfigPath.js';
import { loadToolConfig } from './loadToolConfig.js';
import { tokenOf } from './resolveProjectCredentials.js';
import type { ToolConfig } from './ToolConfig.js';

// Kept importable from here (openSession.ts): credentials have their own module, which bin.ts shares for redaction.
export { resolveCredentials } from './credentials.js';

/** Options every command accepts (see `program.ts`). */
export interface GlobalOptions {
  region?: string;
  baseUrl?: string;
  ledger?: string;
  rate?: string;
  pollMinMs?: string;
  pollMaxMs?: string;
  watchDeadlineMs?: string;
  json?: boolean;
  dryRun?: boolean;
  oauthToken?: string;
  projectToken?: string;
  oauthTokenFile?: string;
  projectTokenFile?: string;
  config?: string;
  timeZone?: string;
  databaseUrl?: string;
}

export interface Config {
  /** PostgreSQL shared by several workers, instead of the file ledger (--database-url, DATABASE_URL). */
  databaseUrl?: string;
  /** The configuration file of several projects, when there is one. */
  configPath?: string;
  tool?: ToolConfig;
  /** Deadline and risk rules (time zone, at-risk limits), from flags and the configuration file. */
  requestPolicy: RequestPolicyOptions;
  region: Region;
  baseUrl: string;
  ledgerPath: string;
  ratePerSecond?: number;
  pollMinDelayMs?: number;
  pollMaxDelayMs?: number;
  watchDeadlineMs?: number;
  json: boolean;
  dryRun: boolean;
}

/** Per-user default: $XDG_STATE_HOME/mixpanel-gdpr/ledger.jsonl, else ~/.local/state/…. */
export function defaultLedgerPath(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.MIXPANEL_GDPR_LEDGER ??
    join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'mixpanel-gdpr', 'ledger.jsonl')
  );
}

/**
 * Flags win over the environment, which wins over the configuration file;
 * every value is checked before anything is sent.
 */
export async function resolveConfig(
  o: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Promise<Config> {
  const configPath = findConfigPath(o.config, env, cwd);
  const tool = configPath === undefined ? undefined : await loadToolConfig(configPath);
  if (tool && o.config === undefined && !env.MIXPANEL_GDPR_CONFIG) refuseFoundRedirects(tool);
  const base = resolveBaseConfig(o, env, tool);
  const requests = tool?.requests;
  const requestPolicy: RequestPolicyOptions = {
    timeZone: o.timeZone ?? env.MIXPANEL_GDPR_TIME_ZONE ?? tool?.timeZone,
    submitWithinMs: requests?.submitWithinMs,
    atRiskDaysLeft: requests?.atRiskDaysLeft,
    nextWorkingDay: requests?.nextWorkingDay,
    holidays: requests?.holidays,
    retentionMs: requests?.retentionDays === undefined ? undefined : requests.retentionDays * 86_400_000,
  };
  try {
    resolveRequestPolicy(requestPolicy);
  } catch (error) {
    const flag =
      o.timeZone !== undefined ? '--time-zone' : env.MIXPANEL_GDPR_TIME_ZONE ? 'MIXPANEL_GDPR_TIME_ZONE' : configPath;
    throw new CliError(`${flag}: ${(error as Error).message}`);
  }
  const databaseUrl =
    o.databaseUrl ??
    (env.DATABASE_URL || undefined) ??
    (tool?.database && tokenOf(tool.database.url, 'database.url', env, (m) => process.stderr.write(`${m}\n`)));
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new CliError(
      `${o.databaseUrl !== undefined ? '--database-url' : env.DATABASE_URL ? 'DATABASE_URL' : `${configPath}: database.url`} must be a postgres:// URL`,
    );
  return {
    ...base,
    ...(configPath && { configPath }),
    ...(tool && { tool }),
    requestPolicy,
    ...(databaseUrl !== undefined && { databaseUrl }),
  };
}

/** The options of one command run, without the configuration file's (see `resolveConfig`). */
export function resolveBaseConfig(
  o: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
  tool?: ToolConfig,
): Omit<Config, 'requestPolicy' | 'configPath' | 'tool'> {
  const region = o.region ?? env.MIXPANEL_REGION ?? 'us';
  if (!isRegion(region)) throw new CliError(`--region must be us, eu or in (got ${JSON.stringify(region)})`);
  const baseUrl = o.baseUrl ?? env.MIXPANEL_GDPR_BASE_URL;
  return {
    region,
    baseUrl: baseUrl === undefined ? REGION_BASE_URLS[region] : validateBaseUrl(baseUrl, '--base-url'),
    ledgerPath: o.ledger ?? env.MIXPANEL_GDPR_LEDGER ?? tool?.ledger ?? defaultLedgerPath(env),
    ratePerSecond: positive(o.rate, '--rate'),
    pollMinDelayMs: positive(o.pollMinMs, '--poll-min-ms'),
    pollMaxDelayMs: positive(o.pollMaxMs, '--poll-max-ms'),
    watchDeadlineMs: positive(o.watchDeadlineMs, '--watch-deadline-ms'),
    json: Boolean(o.json),
    dryRun: Boolean(o.dryRun),
  };
}

export function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n))
    throw new CliError(`${flag} must be a positive number (got ${JSON.stringify(value)})`);
  return n;
}

/**
 * A configuration file found in the working directory (not named) may come
 * with a cloned repository: it must not send tokens anywhere but Mixpanel.
 * Another base URL (a proxy, a mock) needs the file named with --config.
 */
function refuseFoundRedirects(tool: ToolConfig): void {
  // Nor choose where the ledger's personal data goes.
  if (tool.database)
    throw new CliError(
      `${tool.path} was found in the working directory and names a database: name the file with --config (or MIXPANEL_GDPR_CONFIG) to use it`,
      'invalid_input',
    );
  // Nor open a service, or let its callbacks reach the internal network.
  if (tool.service)
    throw new CliError(
      `${tool.path} was found in the working directory and configures the service: name the file with --config (or MIXPANEL_GDPR_CONFIG) to use it`,
      'invalid_input',
    );
  const mixpanel = new Set(Object.values(REGION_BASE_URLS).map((u) => new URL(u).origin));
  for (const p of tool.projects) {
    if (!mixpanel.has(new URL(p.baseUrl).origin))
      throw new CliError(
        `${tool.path} was found in the working directory and sends project ${JSON.stringify(p.name)} to ${new URL(p.baseUrl).origin}, not to Mixpanel: name the file with --config (or MIXPANEL_GDPR_CONFIG) to use it`,
        'invalid_input',
      );
  }
}
