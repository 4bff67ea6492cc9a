#!/usr/bin/env node
import { ApiError, AuthenticationError, createRedactor, PermissionDeniedError, ValidationError } from '@mixpanel-gdpr/client';
import { ProjectMismatchError } from '@mixpanel-gdpr/workflow';
import { CommanderError } from 'commander';
import { CliError } from './CliError.js';
import { rememberVisibleSecrets, tokenFlagWarning } from './credentials.js';
import { currentJob } from './currentJob.js';
import { escapeTerminal } from './escapeTerminal.js';
import { EXIT } from './exitCodes.js';
import { knownSecrets } from './knownSecrets.js';
import { buildProgram, type Run, type RunKind } from './program.js';
import { watchStops, type StopReason } from './watchStops.js';

function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  // Another project's job: refused before anything was sent, like any bad input.
  if (error instanceof ValidationError || error instanceof ProjectMismatchError) return EXIT.usage;
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) return EXIT.auth;
  return EXIT.failed;
}

/** Every secret known so far, read at each call: token files read during the run join the set. */
const redact = (text: string) => createRedactor([...knownSecrets])(text);

/** What a stopped run tells the user, and its exit code. */
function stopped(reason: StopReason): number {
  const job = currentJob.id;
  const resume = `\`mixpanel-gdpr resume ${job ?? 'JOB'}\`${job ? '' : ' (see `mixpanel-gdpr jobs`)'}`;
  if (reason === 'stdout closed') {
    // Exit 0 although the job is unfinished: the reader closing the pipe is how `| head` says "enough", not a failure (see EXIT.ok).
    process.stderr.write(`stdout closed: stopped; resume with ${resume}\n`);
    return EXIT.ok;
  }
  process.stderr.write(`interrupted. Nothing is lost: continue with ${resume}.\n`);
  return EXIT.interrupted;
}

async function main(): Promise<number> {
  rememberVisibleSecrets(process.argv);
  const controller = new AbortController();
  let run: Run | undefined;
  let kind: RunKind | undefined;
  const stops = watchStops(controller, () => kind?.readOnly ?? true);
  const program = buildProgram(
    (r, k) => ((run = r), (kind = k)),
    // Commander echoes arguments in its errors: escaped too, keeping its own line breaks.
    (text) => process.stderr.write(escapeTerminal(redact(text))),
  );
  try {
    await program.parseAsync(process.argv);
    if (!run) return EXIT.ok;
    const warning = tokenFlagWarning(program.opts());
    if (warning) process.stderr.write(`${warning}\n`);
    return await run(controller.signal);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (stops.reason) return stopped(stops.reason);
    const message = error instanceof Error ? error.message : String(error);
    // The message may quote a server (Mixpanel's `error` text), an id or a path: one line, every control character escaped.
    process.stderr.write(`mixpanel-gdpr: error: ${escapeTerminal(redact(message.split('\n')[0]!), { newlines: false })}\n`);
    if (error instanceof ApiError && exitCodeOf(error) === EXIT.failed) process.stderr.write('The ledger keeps everything done so far: `mixpanel-gdpr resume JOB` continues.\n');
    return exitCodeOf(error);
  }
}

process.exitCode = await main();
