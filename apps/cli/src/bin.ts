#!/usr/bin/env node
import { CommanderError } from 'commander';
import { rememberVisibleSecrets, tokenFlagWarning } from './credentials.js';
import { currentJob } from './currentJob.js';
import { ERROR_CODES, type ErrorCode } from './errorCodes.js';
import { escapeTerminal } from './escapeTerminal.js';
import { EXIT } from './exitCodes.js';
import { knownSecrets } from './knownSecrets.js';
import { buildProgram, type Run, type RunKind } from './program.js';
import { type StopReason, watchStops } from './watchStops.js';

/**
 * Hides every secret known so far (token files read during the run join the set). The client, whose redactor this
 * is, is loaded only when there is a secret to hide: help and usage errors are usually printed without it.
 */
async function redactor(): Promise<(text: string) => string> {
  if (knownSecrets.size === 0) return (text) => text;
  const { createRedactor } = await import('@mixpanel-gdpr/client');
  return createRedactor([...knownSecrets]);
}

/**
 * Prints the error that ended the run, the one way every error is printed
 * (see `ProgressView.error`): one line after the one prefix, every control
 * character escaped, secrets redacted; with --json also an object on stdout.
 * Returns the exit code that goes with its code.
 */
async function fail(code: ErrorCode, message: string, json: boolean, hint?: string): Promise<number> {
  const { ProgressView } = await import('./ProgressView.js');
  const view = new ProgressView({ json, redact: await redactor() });
  // The message may quote a server (Mixpanel's `error` text), an id or a path: its first line only.
  view.error(code, message.split('\n')[0]!);
  if (hint) view.info(hint);
  return ERROR_CODES[code].exitCode;
}

const resumeHint = () => {
  const job = currentJob.id;
  return `\`mixpanel-gdpr resume ${job ?? 'JOB'}\`${job ? '' : ' (see `mixpanel-gdpr jobs`)'}`;
};

/** What a stopped run tells the user, and its exit code. */
async function stopped(reason: StopReason, json: boolean): Promise<number> {
  if (reason === 'stdout closed') {
    // Exit 0 although the job is unfinished: the reader closing the pipe is how `| head` says "enough", not a failure (see EXIT.ok).
    process.stderr.write(`stdout closed: stopped; resume with ${resumeHint()}\n`);
    return EXIT.ok;
  }
  return fail('interrupted', `interrupted. Nothing is lost: continue with ${resumeHint()}.`, json);
}

async function main(): Promise<number> {
  rememberVisibleSecrets(process.argv);
  const controller = new AbortController();
  let run: Run | undefined;
  let kind: RunKind | undefined;
  // Progress bars exist only while a command runs: their module is loaded with it, not for help.
  let haltProgress = () => {};
  const stops = watchStops(
    controller,
    () => kind?.readOnly ?? true,
    () => haltProgress(),
  );
  // Help that commander writes on stderr (after no command) while parsing: printed once parsing is over, when the
  // redactor can be loaded (it may echo arguments), escaped too, keeping its own line breaks.
  let helpOnStderr = '';
  const program = buildProgram(
    (r, k) => ((run = r), (kind = k)),
    (text) => (helpOnStderr += text),
  );
  // Read once parsing is over or has failed: a usage error after --json is answered in JSON too.
  const json = () => program.opts().json === true;
  try {
    try {
      await program.parseAsync(process.argv);
    } finally {
      if (helpOnStderr) process.stderr.write(escapeTerminal((await redactor())(helpOnStderr)));
    }
    if (!run) return EXIT.ok;
    const warning = tokenFlagWarning(program.opts());
    if (warning) process.stderr.write(`${warning}\n`);
    ({ haltProgress } = await import('./ProgressView.js'));
    return await run(controller.signal);
  } catch (error) {
    // Help and --version end parsing with exit code 0.
    if (error instanceof CommanderError && error.exitCode === 0) return EXIT.ok;
    // No command: commander has printed the help on stderr already.
    if (error instanceof CommanderError && error.code === 'commander.help')
      return fail('usage', 'a command is required (see the list above)', json());
    if (error instanceof CommanderError)
      return fail('usage', error.message.replace(/^error: /, ''), json(), '(add --help for usage)');
    if (stops.reason) return stopped(stops.reason, json());
    // Loaded only now: these need the client's and the workflow's error classes.
    const [{ errorCodeOf }, { ApiError }] = await Promise.all([
      import('./errorCodeOf.js'),
      import('@mixpanel-gdpr/client'),
    ]);
    const code = errorCodeOf(error);
    const hint =
      error instanceof ApiError && ERROR_CODES[code].exitCode === EXIT.failed
        ? `The ledger keeps everything done so far: ${resumeHint()} continues.`
        : undefined;
    return fail(code, error instanceof Error ? error.message : String(error), json(), hint);
  }
}

process.exitCode = await main();
