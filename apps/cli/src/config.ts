import { homedir } from 'node:os';
import { join } from 'node:path';
import { isRegion, REGION_BASE_URLS, type Region, validateBaseUrl } from '@mixpanel-gdpr/client';
import { CliError } from './CliError.js';

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
  return (
    env.MIXPANEL_GDPR_LEDGER ??
    join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'mixpanel-gdpr', 'ledger.jsonl')
  );
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

export function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n))
    throw new CliError(`${flag} must be a positive number (got ${JSON.stringify(value)})`);
  return n;
}
