import { API_MAX_IDS_PER_REQUEST, COMPLIANCE_TYPES } from '@mixpanel-gdpr/client/constants';
import type { RequestKind } from '@mixpanel-gdpr/workflow';
import { WORKFLOW_DEFAULTS } from '@mixpanel-gdpr/workflow/defaults';
import { Command, Help, Option } from 'commander';
import { CliError } from './CliError.js';
import type { EvidenceOptions } from './commands/evidence.js';
import type { KeyCreateOptions } from './commands/keys.js';
import type { PurgeOptions } from './commands/purge.js';
import { RECENT_DAYS } from './commands/recentDays.js';
import type { RequestsOptions } from './commands/requests.js';
import type { ServeOptions } from './commands/serve.js';
import type { StartOptions } from './commands/startJob.js';
import type { WorkerOptions } from './commands/worker.js';
import { WORKER_DEFAULTS } from './commands/workerDefaults.js';
import type { GlobalOptions } from './config.js';
import { stdinCredentialSources } from './credentials.js';
import { ERROR_CODES_HELP } from './errorCodes.js';
import { EXIT_CODES_HELP } from './exitCodes.js';
import { VERSION } from './version.js';

const ENVIRONMENT_HELP = `
Environment:
  MIXPANEL_GDPR_OAUTH_TOKEN  OAuth token of a project owner/admin (expires after one year)
  MIXPANEL_PROJECT_TOKEN     the project's token
  MIXPANEL_GDPR_OAUTH_TOKEN_FILE, MIXPANEL_PROJECT_TOKEN_FILE
                             files holding them ('-': stdin), used when the variable above is unset
  MIXPANEL_REGION            us (default), eu or in
  MIXPANEL_GDPR_BASE_URL     API base URL (a proxy or a mock)
  MIXPANEL_GDPR_LEDGER       ledger file (default: ~/.local/state/mixpanel-gdpr/ledger.jsonl)
  NO_COLOR                   no colours
Tokens: --oauth-token wins over --oauth-token-file, then MIXPANEL_GDPR_OAUTH_TOKEN, then
MIXPANEL_GDPR_OAUTH_TOKEN_FILE (the same for the project token). Flags are visible to every
user in \`ps\`: prefer the variables or the files (chmod 600; one token, one optional newline).`;

/** A command's handler: returns the exit code. */
export type Run = (signal: AbortSignal) => Promise<number>;
/** How bin.ts may stop a run: one that only reads (ledger read-only, no lock, or a dry run) can be left at once. */
export interface RunKind {
  readOnly: boolean;
}

/**
 * The command line. Each action stores what to run in `onRun`; bin.ts runs it
 * with the Ctrl-C signal and maps errors to exit codes. A command's module is
 * imported only when it runs: `--help`, `--version` and usage errors load
 * commander and these definitions, not the workflow, the client, zod or yaml.
 */
export function buildProgram(
  onRun: (run: Run, kind: RunKind) => void,
  writeErr: (text: string) => void = (t) => process.stderr.write(t),
): Command {
  const program = new Command('mixpanel-gdpr')
    // Set before the subcommands are added, which copy these settings: usage errors throw (exit 2) instead of exiting 1,
    // bin.ts prints them (commander's own error line is silenced: every error gets the same prefix and, with --json, an
    // object on stdout), and each command's --help lists the global options it uses.
    .exitOverride()
    .configureOutput({ writeErr, outputError: () => {} })
    .configureHelp({ showGlobalOptions: true, visibleGlobalOptions: globalOptionsOf })
    .description(
      'Answer GDPR/CCPA data subject requests in Mixpanel: delete or export users by the thousand, with proof.',
    )
    .version(VERSION)
    .addOption(new Option('--region <region>', 'data residency region').choices(['us', 'eu', 'in']))
    .option('--base-url <url>', 'API base URL (https, or http on loopback)')
    .option('--ledger <path>', 'ledger file recording every job and task')
    .option('--rate <req-per-s>', 'requests per second for the project (Mixpanel allows 1)')
    .option('--poll-min-ms <ms>', 'shortest wait between polls of a task (default: the longest)')
    .option(
      '--poll-max-ms <ms>',
      'longest wait between polls of a task: how late a finished task is noticed (default 6 h; 2 h for retrievals)',
    )
    .option('--watch-deadline-ms <ms>', 'stop watching after this long (tasks stay in the ledger; default 35 days)')
    .option(
      '--oauth-token <token>',
      'OAuth token (prefer MIXPANEL_GDPR_OAUTH_TOKEN or --oauth-token-file: flags show in ps)',
    )
    .option('--oauth-token-file <path>', "file holding the OAuth token ('-': stdin)")
    .option('--project-token <token>', 'project token (prefer MIXPANEL_PROJECT_TOKEN or --project-token-file)')
    .option('--project-token-file <path>', "file holding the project token ('-': stdin)")
    .option(
      '--config <file>',
      'configuration of several projects (default: MIXPANEL_GDPR_CONFIG, else ./mixpanel-gdpr.config.yaml)',
    )
    .option(
      '--database-url <url>',
      'PostgreSQL shared by several workers, instead of the ledger file (default: DATABASE_URL)',
    )
    .option('--time-zone <iana>', "time zone in which request dates are read (default: the configuration's, else UTC)")
    .option('--json', 'NDJSON events and results on stdout; messages on stderr')
    .option('--dry-run', 'show the batches that would be sent, send nothing')
    .addHelpText(
      'after',
      `${ENVIRONMENT_HELP}\n${EXIT_CODES_HELP}\n${ERROR_CODES_HELP}\n\nExamples:\n  $ mixpanel-gdpr delete --ids users.txt --wait\n  $ mixpanel-gdpr retrieve --ids users.csv --column distinct_id --out exports/ --wait\n  $ mixpanel-gdpr status            # from cron: one polling pass over unfinished jobs\n  $ mixpanel-gdpr report JOB --format csv --output proof.csv`,
    );
  const globals = () => program.opts<GlobalOptions>();

  const jobCommand = (name: 'delete' | 'retrieve', description: string, examples: string) =>
    program
      .command(name)
      .description(description)
      .requiredOption('--ids <file>', "file of distinct ids, or '-' for stdin")
      .addOption(
        new Option('--format <format>', 'id file format (default: from the extension, else text)').choices([
          'text',
          'csv',
          'ndjson',
        ]),
      )
      .option('--column <name>', 'CSV column holding the ids')
      .option('--field <name>', 'NDJSON field holding the ids')
      .addOption(
        new Option('--compliance <type>', 'regulation')
          .choices(COMPLIANCE_TYPES.flatMap((t) => [t, t.toLowerCase()]))
          .default('GDPR'),
      )
      .option(
        '--batch-size <n>',
        `ids per request (default ${name === 'delete' ? WORKFLOW_DEFAULTS.deletionBatchSize : WORKFLOW_DEFAULTS.retrievalBatchSize})`,
      )
      .option(
        '--data-groups <n>',
        `number of group keys (Group Analytics): ids per request become floor(${API_MAX_IDS_PER_REQUEST} / (n + 1))`,
      )
      .option('--wait', 'then watch the job until every task has ended')
      .option(
        '--request-column <name>',
        "column (or NDJSON field) naming each row's request (ticket): one request per ticket",
      )
      .option(
        '--received-column <name>',
        'column holding when each request was received (YYYY-MM-DD, or a time with offset)',
      )
      .option(
        '--regulation-column <name>',
        "column holding each request's regulation (GDPR or CCPA; default --compliance)",
      )
      .option('--ticket <id>', "without request columns: the ticket of this run's one request (default: run-<time>)")
      .option('--received <date>', 'without request columns: when the request was received (default: now)')
      .option('--projects <names>', 'configured projects to reach, comma-separated (default: all)')
      .option(
        '--enqueue',
        'record the requests and plan their jobs, send nothing: workers on the shared store run them',
      )
      .option(
        '--label <key=value>',
        'a label kept with the request(s); repeatable',
        (v: string, all: string[] = []) => [...all, v],
      )
      .addHelpText('after', `\nExamples:\n${examples}`);

  jobCommand(
    'delete',
    'Delete users’ data: submit their ids in batches, record every task, optionally wait for the end.',
    '  $ mixpanel-gdpr delete --ids erasure-requests.txt --wait\n  $ cat ids.txt | mixpanel-gdpr delete --ids - --compliance CCPA\n  $ mixpanel-gdpr --dry-run delete --ids users.csv --column user_id',
  ).action((o: StartOptions) =>
    onRun(
      async (signal) => (await import('./commands/startJob.js')).startJob('deletion', o, globals(), signal),
      startKind(o, globals()),
    ),
  );
  jobCommand(
    'retrieve',
    'Export users’ data: submit retrievals, then download each export when it is ready.',
    '  $ mixpanel-gdpr retrieve --ids access-requests.txt --out exports/ --wait\n  $ mixpanel-gdpr retrieve --ids users.ndjson --field id --compliance CCPA --disclosure categories',
  )
    .addOption(
      new Option('--disclosure <type>', 'CCPA only: what to disclose').choices(['data', 'categories', 'sources']),
    )
    .option('--out <dir>', 'where exports are written', WORKFLOW_DEFAULTS.exportDir)
    .option('--bulk', 'put many subjects in one retrieval task (internal audits: exports then mix people)')
    .action((o: StartOptions) =>
      onRun(
        async (signal) => (await import('./commands/startJob.js')).startJob('retrieval', o, globals(), signal),
        startKind(o, globals()),
      ),
    );

  program
    .command('status [job]')
    .description(
      'One polling pass over the outstanding tasks of JOB (default: every unfinished job), downloading ready exports; sends no batch. Cron-friendly.',
    )
    .option(
      '--due',
      'poll only the tasks due on their schedule, as watch would (a deletion every 6 h by default): for cron every few minutes',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ mixpanel-gdpr status\n  */10 * * * * mixpanel-gdpr status --due --json >> gdpr.log',
    )
    .action((job: string | undefined, o: { due?: boolean }) =>
      onRun(
        async (signal) =>
          (await import('./commands/followJobs.js')).followJobs('status', job, globals(), signal, {
            dueOnly: o.due === true,
          }),
        WRITES,
      ),
    );
  program
    .command('watch [job]')
    .description(
      'Send any batches JOB (default: every unfinished job) has not sent yet, then poll until every task has ended, downloading exports. Each task is polled on its schedule, continued from its last poll (a deletion every 6 h by default: see --poll-max-ms); `status` polls every unfinished task once, now.',
    )
    .addHelpText('after', '\nExamples:\n  $ mixpanel-gdpr watch job-20261129-101500-a1b2c3')
    .action((job?: string) =>
      onRun(
        async (signal) => (await import('./commands/followJobs.js')).followJobs('watch', job, globals(), signal),
        WRITES,
      ),
    );
  program
    .command('resume <job>')
    .description('Finish an interrupted job: send the batches it did not send, then (unless --no-wait) watch it.')
    .option('--no-wait', 'return once every batch is submitted')
    .addHelpText('after', '\nExamples:\n  $ mixpanel-gdpr resume job-20261129-101500-a1b2c3')
    .action((job: string, o: { wait: boolean }) =>
      onRun(
        async (signal) =>
          (await import('./commands/followJobs.js')).followJobs('resume', job, globals(), signal, { wait: o.wait }),
        WRITES,
      ),
    );
  program
    .command('cancel <job>')
    .description('Cancel a deletion job: send no more batches and cancel its tasks that have not started.')
    .addHelpText('after', '\nExamples:\n  $ mixpanel-gdpr cancel job-20261129-101500-a1b2c3')
    .action((job: string) =>
      onRun(async (signal) => (await import('./commands/cancel.js')).cancel(job, globals(), signal), WRITES),
    );
  program
    .command('jobs')
    .description(
      `List the jobs in the ledger, newest first: those unfinished and those that ended in the last ${RECENT_DAYS} days (reads it without locking it).`,
    )
    .option('--all', 'list every job')
    .addHelpText('after', '\nExamples:\n  $ mixpanel-gdpr jobs\n  $ mixpanel-gdpr jobs --all --json | jq .jobId')
    .action((o: { all?: boolean }) =>
      onRun(async () => (await import('./commands/jobs.js')).jobs(globals(), { all: Boolean(o.all) }), READS),
    );
  program
    .command('report <job>')
    .description('Per-id outcome (task, status, times) as JSON or CSV, or a summary in Markdown.')
    .addOption(new Option('--format <format>', 'report format').choices(['json', 'csv', 'md']).default('md'))
    .option('--output <file>', 'write to FILE (created owner-only) instead of stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mixpanel-gdpr report JOB --format csv --output proof.csv\n  $ mixpanel-gdpr report JOB --format md',
    )
    .action((job: string, o: { format: string; output?: string }) =>
      onRun(async () => (await import('./commands/report.js')).report(job, o, globals()), READS),
    );
  program
    .command('requests')
    .description('List data-subject requests, earliest due first: kind, regulation, received, due, days left, state.')
    .option('--at-risk', 'only requests at risk of missing their deadline')
    .option('--overdue', 'only overdue requests')
    .option('--open', 'only requests not done or cancelled')
    .addOption(new Option('--kind <kind>', 'only this kind').choices(['erasure', 'access']))
    .option('--project <name>', 'only requests reaching this project')
    .option('--state <state>', 'only requests in this state (not submitted, submitted, done, failed, cancelled)')
    .option('--due-within-days <n>', 'only requests due within n days')
    .option('--check', 'exit 1 if any request is at risk or overdue, listing them (for cron and alerting)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mixpanel-gdpr requests --open\n  0 8 * * * mixpanel-gdpr requests --check --json || alert',
    )
    .action((o: RequestsOptions) =>
      onRun(async () => (await import('./commands/requests.js')).requests(o, globals()), READS),
    );
  program
    .command('extend <request>')
    .description(
      "Record the legal extension of a request's deadline (GDPR: two months; CCPA: 45 days), with its reason.",
    )
    .requiredOption('--reason <text>', 'why (told to the data subject)')
    .addOption(
      new Option('--kind <kind>', 'when the ticket names both an erasure and an access request').choices([
        'erasure',
        'access',
      ]),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ mixpanel-gdpr extend ZD-9120 --reason "subject holds 14 accounts across 3 products"',
    )
    .action((request: string, o: { reason: string; kind?: RequestKind }) =>
      onRun(async () => (await import('./commands/extend.js')).extend(request, o, globals()), WRITES),
    );
  program
    .command('evidence [request]')
    .description("Write a request's evidence pack (JSON and Markdown); or, with --lookup, say how one id was handled.")
    .option('--out <dir>', 'where evidence is written', 'mixpanel-gdpr-evidence')
    .addOption(
      new Option('--kind <kind>', 'when the ticket names both an erasure and an access request').choices([
        'erasure',
        'access',
      ]),
    )
    .option('--lookup <id>', 'find this distinct id in the ledger (with --key-file once purged)')
    .option('--key-file <path>', 'the purge key (default: MIXPANEL_GDPR_PURGE_KEY_FILE)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mixpanel-gdpr evidence ZD-9120 --out audit/\n  $ mixpanel-gdpr evidence --lookup user-42 --key-file ~/.config/mixpanel-gdpr/purge.key',
    )
    .action((request: string | undefined, o: EvidenceOptions) =>
      onRun(async () => (await import('./commands/evidence.js')).evidence(request, o, globals()), READS),
    );
  program
    .command('verify')
    .description(
      "Check the ledger's hash chain: every record carries the hash of the one before; names the first broken one.",
    )
    .option(
      '--head <sha256>',
      'a head printed earlier (by verify, or in an evidence pack): the chain must still lead through it',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ mixpanel-gdpr verify --ledger /var/lib/mixpanel-gdpr/ledger.jsonl\n  $ mixpanel-gdpr verify --head 3f5c…   # the ledgerHead of an evidence pack',
    )
    .action((o: { head?: string }) =>
      onRun(async () => (await import('./commands/verify.js')).verify(globals(), o), READS),
    );
  program
    .command('purge')
    .description(
      'Replace the distinct ids of requests ended longer ago than the retention period by keyed hashes (HMAC).',
    )
    .option('--key-file <path>', 'the purge key, 32 bytes or more (default: MIXPANEL_GDPR_PURGE_KEY_FILE)')
    .option('--retention-days <n>', "days after a request ends (default: the configuration's, else 365)")
    .addHelpText(
      'after',
      '\nExamples:\n  $ head -c 32 /dev/urandom > purge.key && chmod 600 purge.key\n  $ mixpanel-gdpr purge --key-file purge.key --dry-run',
    )
    .action((o: PurgeOptions) =>
      onRun(async () => (await import('./commands/purge.js')).purge(o, globals()), globals().dryRun ? READS : WRITES),
    );
  const workOptions = (command: Command) =>
    command
      .option('--concurrency <n>', `jobs run at once (default ${WORKER_DEFAULTS.concurrency})`)
      .option(
        '--lease-ms <ms>',
        `a job's lease; a dead worker's jobs are taken over after it (default ${WORKER_DEFAULTS.leaseMs})`,
      )
      .option('--idle-ms <ms>', `longest sleep between looks for work (default ${WORKER_DEFAULTS.idleMs})`)
      .option('--out <dir>', `where access requests' exports are written (default ${WORKFLOW_DEFAULTS.exportDir})`)
      .option(
        '--batch-window-ms <ms>',
        `how long arriving requests wait to share batches, unless they fill one or one is at risk (default ${WORKER_DEFAULTS.planAfterMs})`,
      );
  workOptions(
    program
      .command('worker')
      .description(
        'Run continuously: take jobs (under a lease on PostgreSQL, a run lock on the file store), submit, poll, download, record.',
      ),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ DATABASE_URL=postgres://gdpr@db/gdpr mixpanel-gdpr --config projects.yaml worker',
    )
    .action((o: WorkerOptions) =>
      onRun(async (signal) => (await import('./commands/worker.js')).worker(o, globals(), signal), WRITES),
    );
  workOptions(
    program
      .command('serve')
      .description(
        'Serve the HTTP API (spec/service.openapi.yml): intake, status, evidence; and work, as `worker` does, unless --no-work.',
      ),
  )
    .option('--host <host>', 'address to listen on (default 127.0.0.1: put TLS in front)')
    .option('--port <port>', 'port to listen on (default 8080; 0: any free port)')
    .option(
      '--secret-file <path>',
      'key of Idempotency-Key hashes, 32+ bytes (default: MIXPANEL_GDPR_SERVICE_SECRET_FILE)',
    )
    .option(
      '--callback-secret-file <path>',
      'secret that signs callbacks, 32+ bytes, given to receivers (default: MIXPANEL_GDPR_CALLBACK_SECRET_FILE, else callback.secret beside the ledger)',
    )
    .option('--no-work', 'only serve HTTP: separate `worker` processes do the work')
    .option('--no-dashboard', 'serve the API only, not the dashboard pages at /')
    .option(
      '--opendsr-key-file <path>',
      "OpenDSR: the processor's RSA private key (PEM) that signs its answers and callbacks",
    )
    .option(
      '--opendsr-cert-file <path>',
      'OpenDSR: its X.509 certificate (PEM), served for controllers to check signatures',
    )
    .option('--public-url <url>', "the service's public base URL (OpenDSR discovery and results links)")
    .option(
      '--opendsr-identity-type <type...>',
      'OpenDSR identity types whose raw values are distinct ids (default controller_customer_id)',
    )
    .option(
      '--allow-callback-host <host...>',
      'callback hosts allowed (exact, or *.example.com); default: any public host',
    )
    .option('--allow-private-callbacks', 'allow callbacks to private and loopback addresses (http to loopback too)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mixpanel-gdpr --config projects.yaml keys create --name zendesk --scope submit,read\n  $ mixpanel-gdpr --config projects.yaml serve --port 8080',
    )
    .action((o: ServeOptions) =>
      onRun(async (signal) => (await import('./commands/serve.js')).serve(o, globals(), signal), WRITES),
    );
  const keys = program.command('keys').description("The service's API keys (only their hashes are stored).");
  keys
    .command('create')
    .description('Make an API key and print it once.')
    .requiredOption('--name <name>', 'who or what uses it (shown in keys list)')
    .requiredOption('--scope <scopes>', 'read, submit and/or admin, comma-separated')
    .action((o: KeyCreateOptions) =>
      onRun(async () => (await import('./commands/keys.js')).keysCreate(o, globals()), WRITES),
    );
  keys
    .command('list')
    .description('List the API keys: id, scopes, created, revoked, name.')
    .action(() => onRun(async () => (await import('./commands/keys.js')).keysList(globals()), READS));
  keys
    .command('revoke <keyId>')
    .description('Revoke an API key: the service refuses it from then on.')
    .action((keyId: string) =>
      onRun(async () => (await import('./commands/keys.js')).keysRevoke(keyId, globals()), WRITES),
    );
  program
    .command('migrate')
    .description("Apply the shared store's SQL migrations (every command also does at start) and list them.")
    .action(() => onRun(async () => (await import('./commands/migrate.js')).migrate(globals()), WRITES));
  program
    .command('store')
    .description('Move a ledger between stores.')
    .command('copy')
    .description('Copy a file ledger, with its whole history, into an empty PostgreSQL store.')
    .requiredOption('--from <file>', 'the ledger file')
    .requiredOption('--to <url>', 'the PostgreSQL URL')
    .action((o: { from: string; to: string }) =>
      onRun(async (signal) => (await import('./commands/storeCopy.js')).storeCopy(o, globals(), signal), WRITES),
    );
  return program;
}

/** The global options each command uses (attribute names), the ones its --help shows. */
const LEDGER_OPTIONS = ['ledger', 'databaseUrl', 'json'];
const API_OPTIONS = [
  'config',
  ...LEDGER_OPTIONS,
  'region',
  'baseUrl',
  'rate',
  'oauthToken',
  'oauthTokenFile',
  'projectToken',
  'projectTokenFile',
];
const WATCH_OPTIONS = [...API_OPTIONS, 'pollMinMs', 'pollMaxMs', 'watchDeadlineMs'];
const GLOBALS_USED: Record<string, readonly string[]> = {
  delete: [...WATCH_OPTIONS, 'dryRun', 'config', 'timeZone'],
  retrieve: [...WATCH_OPTIONS, 'dryRun', 'config', 'timeZone'],
  requests: [...LEDGER_OPTIONS, 'config', 'timeZone'],
  extend: [...LEDGER_OPTIONS, 'config', 'timeZone'],
  evidence: [...LEDGER_OPTIONS, 'config', 'timeZone'],
  verify: LEDGER_OPTIONS,
  worker: [...WATCH_OPTIONS, 'config', 'timeZone'],
  serve: [...WATCH_OPTIONS, 'config', 'timeZone'],
  create: [...LEDGER_OPTIONS, 'config'],
  list: [...LEDGER_OPTIONS, 'config'],
  revoke: [...LEDGER_OPTIONS, 'config'],
  migrate: ['databaseUrl', 'json'],
  copy: ['ledger', 'json'],
  purge: [...LEDGER_OPTIONS, 'config', 'dryRun'],
  status: API_OPTIONS,
  watch: WATCH_OPTIONS,
  resume: WATCH_OPTIONS,
  cancel: API_OPTIONS,
  jobs: LEDGER_OPTIONS,
  report: LEDGER_OPTIONS,
};

function globalOptionsOf(this: Help, cmd: Command): Option[] {
  const used = GLOBALS_USED[cmd.name()];
  const all = Help.prototype.visibleGlobalOptions.call(this, cmd);
  return used ? all.filter((option) => used.includes(option.attributeName())) : all;
}

const WRITES: RunKind = { readOnly: false };
const READS: RunKind = { readOnly: true };

/** A dry run writes nothing. Refuses (exit 2, before anything is read) ids and a token both from stdin. */
function startKind(o: StartOptions, globals: GlobalOptions): RunKind {
  if (globals.dryRun) return READS;
  const tokens = o.ids === '-' ? stdinCredentialSources(globals) : [];
  if (tokens.length)
    throw new CliError(
      `--ids - and ${tokens.join(' and ')} cannot all read stdin: give ${tokens.length === 1 ? 'the token' : 'the tokens'} or the ids a file`,
    );
  return WRITES;
}
