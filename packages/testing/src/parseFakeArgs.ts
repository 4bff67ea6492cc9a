import { parseArgs } from 'node:util';
import type { FakeFaults, FakeMixpanelOptions } from './startFakeMixpanel.js';

/** A bad command line: the message names the flag and the value; the command exits 2. */
export class FakeArgsError extends Error {
  override name = 'FakeArgsError';
}

export type FakeArgs = { help: true } | { help: false; options: FakeMixpanelOptions; urlFile: string | undefined };

interface Rule {
  ok: (n: number) => boolean;
  expected: string;
}

const integer = (min: number, max = Number.MAX_SAFE_INTEGER): Rule => ({
  ok: (n) => Number.isInteger(n) && n >= min && n <= max,
  expected: max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`,
});
const FRACTION: Rule = { ok: (n) => n >= 0 && n <= 1, expected: 'a number from 0 to 1' };
const POSITIVE: Rule = { ok: (n) => n > 0 && Number.isFinite(n), expected: 'a positive number' };
const MS = integer(0);

const timing = (key: 'pendingMs' | 'stagingMs' | 'startedMs') => (o: FakeMixpanelOptions, n: number) =>
  void (o.timings = { ...o.timings, [key]: n });
const fault = (key: keyof FakeFaults) => (o: FakeMixpanelOptions, n: number) =>
  void (o.faults = { ...o.faults, [key]: n });

/** Every numeric flag, mapped onto one `FakeMixpanelOptions` field; the help text is built from this table. */
const NUMBER_FLAGS: {
  flag: string;
  value: string;
  help: string;
  rule: Rule;
  apply: (o: FakeMixpanelOptions, n: number) => void;
}[] = [
  {
    flag: 'port',
    value: 'n',
    help: 'port of the API on 127.0.0.1 (default: a free port)',
    rule: integer(0, 65_535),
    apply: (o, n) => void (o.port = n),
  },
  {
    flag: 'pending-ms',
    value: 'ms',
    help: 'time a task stays PENDING (default 200)',
    rule: MS,
    apply: timing('pendingMs'),
  },
  {
    flag: 'staging-ms',
    value: 'ms',
    help: 'time a task stays STAGING (default 200)',
    rule: MS,
    apply: timing('stagingMs'),
  },
  {
    flag: 'started-ms',
    value: 'ms',
    help: 'time a task stays STARTED before SUCCESS or FAILURE (default 400)',
    rule: MS,
    apply: timing('startedMs'),
  },
  {
    flag: 'rate',
    value: 'req-per-s',
    help: "answer 429 to requests closer than 1/rate apart, like Mixpanel's 1/s (default: no limit)",
    rule: POSITIVE,
    apply: (o, n) => void (o.ratePerSecond = n),
  },
  {
    flag: 'rate-tolerance',
    value: 'fraction',
    help: 'slack on that spacing, as a fraction of the interval (default 0.05)',
    rule: FRACTION,
    apply: (o, n) => void (o.rateTolerance = n),
  },
  {
    flag: 'max-ids-per-request',
    value: 'n',
    help: 'ids accepted per create, more is a 400 (default 2000)',
    rule: integer(1),
    apply: (o, n) => void (o.maxIdsPerRequest = n),
  },
  {
    flag: 'rate-429',
    value: 'p',
    help: 'probability of an injected 429 per request (default 0)',
    rule: FRACTION,
    apply: fault('rate429'),
  },
  { flag: 'rate-5xx', value: 'p', help: 'probability of an injected 500', rule: FRACTION, apply: fault('rate5xx') },
  {
    flag: 'rate-drop',
    value: 'p',
    help: 'probability of a dropped connection (before or after acting)',
    rule: FRACTION,
    apply: fault('rateDrop'),
  },
  {
    flag: 'rate-malformed',
    value: 'p',
    help: 'probability of a 200 whose body is cut short',
    rule: FRACTION,
    apply: fault('rateMalformed'),
  },
  {
    flag: 'latency-ms',
    value: 'ms',
    help: 'delay before every answer (default 0)',
    rule: MS,
    apply: fault('latencyMs'),
  },
  {
    flag: 'retry-after-seconds',
    value: 's',
    help: 'Retry-After sent with injected 429s, in seconds as on the wire (default 1)',
    rule: integer(0),
    apply: fault('retryAfterSeconds'),
  },
  {
    flag: 'seed',
    value: 'n',
    help: 'seed of the fault dice (default 1)',
    rule: integer(Number.MIN_SAFE_INTEGER),
    apply: (o, n) => void (o.seed = n),
  },
  {
    flag: 'export-link-ttl-ms',
    value: 'ms',
    help: 'lifetime of an export link (default 60000)',
    rule: integer(1),
    apply: (o, n) => void (o.exportLinkTtlMs = n),
  },
  {
    flag: 'export-bytes',
    value: 'n',
    help: 'size of each fake export (default 4096)',
    rule: integer(0),
    apply: (o, n) => void (o.exportBytes = n),
  },
];

const STRING_FLAGS = [
  { flag: 'oauth-token', value: 'token', help: 'OAuth token the fake accepts (default "fake-oauth-token")' },
  { flag: 'project-token', value: 'token', help: 'project token the fake accepts (default "fake-project-token")' },
  { flag: 'fail-id', value: 'id', help: 'tasks holding this id end in FAILURE (repeatable)' },
  { flag: 'export-host', value: 'ip', help: 'loopback address serving export links (default 127.0.0.2)' },
  { flag: 'url-file', value: 'file', help: "write the API's URL to FILE once listening" },
] as const;

export const FAKE_HELP = [
  'Usage: mixpanel-gdpr-fake [options]',
  '',
  "A stateful fake of Mixpanel's GDPR/CCPA API on loopback (tasks go PENDING → STAGING → STARTED → SUCCESS),",
  'until SIGINT or SIGTERM. Prints its URL: give it to the client as baseUrl, or to the CLI as MIXPANEL_GDPR_BASE_URL.',
  '',
  'Options:',
  ...[...STRING_FLAGS, ...NUMBER_FLAGS].map(
    ({ flag, value, help }) => `  ${`--${flag} <${value}>`.padEnd(30)} ${help}`,
  ),
  `  ${'-h, --help'.padEnd(30)} show this help`,
  '',
  'Example: mixpanel-gdpr-fake --port 4010 --rate 1 --rate-429 0.05 --fail-id doomed-user',
  '',
].join('\n');

/** Strict decimal: `Number()` alone would take '', ' ' and '0x10'. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Reads the command line into `startFakeMixpanel` options; throws `FakeArgsError` naming the bad flag and value. */
export function parseFakeArgs(argv: string[]): FakeArgs {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(STRING_FLAGS.map(({ flag }) => [flag, { type: 'string', multiple: flag === 'fail-id' }])),
        ...Object.fromEntries(NUMBER_FLAGS.map(({ flag }) => [flag, { type: 'string' }])),
      },
    }));
  } catch (error) {
    throw new FakeArgsError(`${(error as Error).message} (see --help)`);
  }
  if (values.help) return { help: true };
  const options: FakeMixpanelOptions = {};
  for (const { flag, rule, apply } of NUMBER_FLAGS) {
    const raw = values[flag] as string | undefined;
    if (raw === undefined) continue;
    const n = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
    if (!rule.ok(n)) throw new FakeArgsError(`--${flag} must be ${rule.expected} (got ${JSON.stringify(raw)})`);
    apply(options, n);
  }
  const text = (flag: string) => values[flag] as string | undefined;
  if (text('oauth-token') !== undefined) options.oauthToken = nonEmpty(text('oauth-token')!, 'oauth-token');
  if (text('project-token') !== undefined) options.projectToken = nonEmpty(text('project-token')!, 'project-token');
  if (values['fail-id']) options.failIds = values['fail-id'] as string[];
  const exportHost = text('export-host');
  // The fake has no real auth and serves links to anyone who asks: it stays on loopback.
  if (exportHost !== undefined && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(exportHost))
    throw new FakeArgsError(
      `--export-host must be a loopback IPv4 address such as 127.0.0.2 (got ${JSON.stringify(exportHost)})`,
    );
  if (exportHost !== undefined) options.exportHost = exportHost;
  return { help: false, options, urlFile: text('url-file') };
}

/** An empty token is most likely an unset shell variable (`--oauth-token "$TOKEN"`), not a wish. */
function nonEmpty(value: string, flag: string): string {
  if (value.trim() === '') throw new FakeArgsError(`--${flag} must not be empty`);
  return value;
}
