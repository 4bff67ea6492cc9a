#!/usr/bin/env node
import { ApiError, AuthenticationError, createRedactor, PermissionDeniedError, ValidationError } from '@mixpanel-gdpr/client';
import { ProjectMismatchError } from '@mixpanel-gdpr/workflow';
import { CommanderError } from 'commander';
import { CliError } from './CliError.js';
import { currentJob } from './currentJob.js';
import { EXIT } from './exitCodes.js';
import { buildProgram, type Run } from './program.js';

/** Every secret we could know of, so no error line can print one. */
function secrets(): string[] {
  const argv = process.argv;
  const flag = (name: string) => {
    const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
    return i === -1 ? undefined : argv[i]!.includes('=') ? argv[i]!.split('=').slice(1).join('=') : argv[i + 1];
  };
  return [process.env.MIXPANEL_GDPR_OAUTH_TOKEN, process.env.MIXPANEL_PROJECT_TOKEN, flag('--oauth-token'), flag('--project-token')].filter((s): s is string => Boolean(s));
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  // Another project's job: refused before anything was sent, like any bad input.
  if (error instanceof ValidationError || error instanceof ProjectMismatchError) return EXIT.usage;
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) return EXIT.auth;
  return EXIT.failed;
}

async function main(): Promise<number> {
  const redact = createRedactor(secrets());
  const controller = new AbortController();
  let interrupted = false;
  process.on('SIGINT', () => {
    // A second Ctrl-C leaves at once; the ledger is safe either way (every append is synced).
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
    process.stderr.write('\nstopping: settling the request in flight and saving the ledger (Ctrl-C again to quit now)\n');
    controller.abort(new Error('interrupted'));
  });
  let run: Run | undefined;
  const program = buildProgram(
    (r) => (run = r),
    (text) => process.stderr.write(redact(text)),
  );
  try {
    await program.parseAsync(process.argv);
    if (!run) return EXIT.ok;
    return await run(controller.signal);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (interrupted) {
      process.stderr.write(`interrupted. Nothing is lost: continue with \`mixpanel-gdpr resume ${currentJob.id ?? 'JOB'}\`${currentJob.id ? '' : ' (see `mixpanel-gdpr jobs`)'}.\n`);
      return EXIT.interrupted;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`mixpanel-gdpr: error: ${redact(message.split('\n')[0]!)}\n`);
    if (error instanceof ApiError && exitCodeOf(error) === EXIT.failed) process.stderr.write('The ledger keeps everything done so far: `mixpanel-gdpr resume JOB` continues.\n');
    return exitCodeOf(error);
  }
}

process.exitCode = await main();
