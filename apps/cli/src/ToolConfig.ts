import type { Region } from '@mixpanel-gdpr/client';

/** Where a token is read from; never the token itself. A file path is absolute (resolved against the config's folder). */
export type TokenSource = { env: string } | { file: string };

/** One Mixpanel project of the config file. */
export interface ProjectConfig {
  /** Unique within the file: 1-63 of `[a-z0-9_-]`, starting with a letter or digit. */
  name: string;
  region: Region;
  /** The region's API URL unless the file names another (https, or http on loopback). */
  baseUrl: string;
  /** Requests per second for this project; undefined: the workflow's default. */
  ratePerSecond?: number;
  oauthToken: TokenSource;
  projectToken: TokenSource;
}

/** How data-subject requests are tracked; each undefined when absent (defaults come from WORKFLOW_DEFAULTS). */
export interface RequestsConfig {
  /** A request not submitted this long after receipt is at risk, in ms. */
  submitWithinMs?: number;
  /** A request not done with fewer days than this left is at risk. */
  atRiskDaysLeft?: number;
  /** UK practice: a due date on a weekend or holiday moves to the next working day. */
  nextWorkingDay?: boolean;
  /** Days that are not working days, as YYYY-MM-DD. */
  holidays?: string[];
  /** Days after a request is done before its stored ids are replaced by keyed hashes. */
  retentionDays?: number;
}

/** `serve`'s settings from the config file; a flag wins over each. */
export interface ServiceConfig {
  host?: string;
  port?: number;
  publicUrl?: string;
  /** Keys Idempotency-Key hashes (32+ characters). */
  secret?: TokenSource;
  /** Signs callbacks (32+ characters), shared with their receivers. */
  callbackSecret?: TokenSource;
  batchWindowMs?: number;
  /** Where access exports are written. */
  exports?: string;
  callbacks?: { allowHosts?: string[]; allowPrivate?: boolean };
  opendsr?: { keyFile: string; certFile: string; identityTypes?: string[] };
}

/** `mixpanel-gdpr.config.yaml`, validated, with its relative paths resolved. */
export interface ToolConfig {
  /** The absolute path of the file read. */
  path: string;
  /** Canonical IANA zone in which request dates are read; undefined when absent (UTC). */
  timeZone?: string;
  /** Absolute ledger path; undefined when absent (the CLI's default ledger). */
  ledger?: string;
  /** Where the shared store's URL (postgres://…, with its password) comes from; undefined: the file ledger. */
  database?: { url: TokenSource };
  /** Always present; its fields are undefined when absent. */
  requests: RequestsConfig;
  /** `serve`'s settings (paths absolute); undefined when absent. */
  service?: ServiceConfig;
  /** At least one, names unique, in the file's order. */
  projects: ProjectConfig[];
}
