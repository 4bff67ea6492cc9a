import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { openPrivateFile, type ProgressEvent } from '@mixpanel-gdpr/workflow';
import { CliError } from '../CliError.js';
import type { GlobalOptions } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { loadService } from '../loadService.js';
import { openSession } from '../openSession.js';
import { readSecretBytes } from '../readSecretFile.js';
import { VERSION } from '../version.js';
import { startWorkLoop, type WorkerOptions, workSettings } from './worker.js';

export interface ServeOptions extends WorkerOptions {
  host?: string;
  port?: string;
  secretFile?: string;
  work?: boolean;
  allowCallbackHost?: string[];
  allowPrivateCallbacks?: boolean;
}

const SECRET_ENV = 'MIXPANEL_GDPR_SERVICE_SECRET_FILE';

/**
 * The service: the HTTP API of spec/service.openapi.yml on `--host:--port`
 * (loopback by default: put TLS in front), and, unless `--no-work`, the
 * worker loop in the same process (gathering arriving requests into
 * batches, submitting, polling). SIGTERM stops taking new HTTP requests,
 * lets those in flight finish, settles the Mixpanel request in flight and
 * releases what it holds.
 */
export async function serve(o: ServeOptions, globals: GlobalOptions, signal: AbortSignal): Promise<number> {
  const settings = workSettings(o);
  const port = o.port === undefined ? undefined : Number(o.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
    throw new CliError(`--port must be a port number, 0 to 65535 (got ${JSON.stringify(o.port)})`, 'usage');
  const { createService, SERVICE_DEFAULTS } = await loadService();
  let observe: ((project: string, event: ProgressEvent) => void) | undefined;
  const session = await openSession(globals, { onProgress: (project, event) => observe?.(project, event) });
  try {
    const secret = await serviceSecret(o.secretFile, session.store.postgres !== undefined, session.config.ledgerPath);
    const projects = [...session.projects.keys()];
    const { app, metrics } = await createService({
      ledger: session.ledger,
      desk: session.desk,
      projects,
      secret,
      version: VERSION,
      logger: { level: 'info' },
      callbackPolicy: {
        ...(o.allowCallbackHost?.length && { allowHosts: o.allowCallbackHost }),
        ...(o.allowPrivateCallbacks && { allowPrivate: true, allowHttp: 'loopback' as const }),
      },
    });
    observe = (project, event) => metrics.observe(project, event);
    const work = o.work === false ? undefined : await startWorkLoop(session, settings, signal);
    const address = await app.listen({ host: o.host ?? SERVICE_DEFAULTS.host, port: port ?? SERVICE_DEFAULTS.port });
    session.view.info(`serving ${address} (${work ? 'and working' : 'without working: --no-work'})`);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await app.close();
    await work?.done;
  } finally {
    await session.close();
  }
  return signal.aborted ? EXIT.interrupted : EXIT.ok;
}

/**
 * The key of Idempotency-Key hashes: from `--secret-file` or the variable;
 * on the file store, made once beside the ledger (0600). Several service
 * processes on PostgreSQL must share one, so it is required there.
 */
async function serviceSecret(file: string | undefined, shared: boolean, ledgerPath: string): Promise<Uint8Array> {
  const path = file ?? process.env[SECRET_ENV];
  const warn = (message: string) => process.stderr.write(`${message}\n`);
  if (path) {
    const bytes = readSecretBytes(path, file ? '--secret-file' : SECRET_ENV, warn);
    if (bytes.length < 32)
      throw new CliError(`the service secret in ${path} has ${bytes.length} bytes: it needs at least 32`, 'usage');
    return bytes;
  }
  if (shared)
    throw new CliError(
      `several service processes share one secret: give --secret-file PATH or ${SECRET_ENV} (head -c 32 /dev/urandom > service.secret)`,
      'usage',
    );
  const beside = join(dirname(ledgerPath), 'service.secret');
  try {
    const handle = await openPrivateFile(beside, constants.O_RDONLY, 'service secret');
    try {
      const bytes = Buffer.from(await handle.readFile());
      if (bytes.length >= 32) return bytes;
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const bytes = randomBytes(32);
  const handle = await openPrivateFile(beside, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 'service secret');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return bytes;
}
