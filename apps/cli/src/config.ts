import { homedir } from 'node:os';
import { join } from 'node:path';
import { isRegion, REGION_BASE_URLS, validateBaseUrl, type Region } from '@mixpanel-gdpr/client';
import { CliError } from './CliError.js';

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
}

export interface Config {
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
  return env.MIXPANEL_GDPR_LEDGER ?? join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'mixpanel-gdpr', 'ledger.jsonl');
}

/** Flags win over the environment; every value is checked before anything is sent. */
export function resolveConfig(o: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Config {
  const region = o.region ?? env.MIXPANEL_REGION ?? 'us';
  if (!isRegion(region)) throw new CliError(`--region must be us, eu or in (got ${JSON.stringify(region)})`);
  const baseUrl = o.baseUrl ?? env.MIXPANEL_GDPR_BASE_URL;
  return {
    region,
    baseUrl: baseUrl === undefined ? REGION_BASE_URLS[region] : validateBaseUrl(baseUrl, '--base-url'),
    ledgerPath: o.ledger ?? defaultLedgerPath(env),
    ratePerSecond: positive(o.rate, '--rate'),
    pollMinDelayMs: positive(o.pollMinMs, '--poll-min-ms'),
    pollMaxDelayMs: positive(o.pollMaxMs, '--poll-max-ms'),
    watchDeadlineMs: positive(o.watchDeadlineMs, '--watch-deadline-ms'),
    json: Boolean(o.json),
    dryRun: Boolean(o.dryRun),
  };
}

/** Credentials from flags or the environment; their values are never printed. */
export function resolveCredentials(o: GlobalOptions, env: NodeJS.ProcessEnv = process.env): { oauthToken: string; projectToken: string } {
  const oauthToken = o.oauthToken ?? env.MIXPANEL_GDPR_OAUTH_TOKEN;
  const projectToken = o.projectToken ?? env.MIXPANEL_PROJECT_TOKEN;
  if (!oauthToken) throw new CliError('no OAuth token: set MIXPANEL_GDPR_OAUTH_TOKEN (a project owner or admin creates one under Profile & Preferences → Data & Privacy)');
  if (!projectToken) throw new CliError('no project token: set MIXPANEL_PROJECT_TOKEN (Project Settings → Access Keys)');
  return { oauthToken, projectToken };
}

export function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new CliError(`${flag} must be a positive number (got ${JSON.stringify(value)})`);
  return n;
}
