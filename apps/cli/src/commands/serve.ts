import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ReadinessCheck } from '@mixpanel-gdpr/service';
import { openPrivateFile, type ProgressEvent } from '@mixpanel-gdpr/workflow';
import { CliError } from '../CliError.js';
import { type GlobalOptions, resolveConfig } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { loadDashboardRoot } from '../loadDashboardRoot.js';
import { loadService, type ServiceModule } from '../loadService.js';
import { openSession, type Session } from '../openSession.js';
import { readSecretBytes } from '../readSecretFile.js';
import { tokenOf } from '../resolveProjectCredentials.js';
import { VERSION } from '../version.js';
import { withPlanLock } from '../withPlanLock.js';
import { startWorkLoop, type WorkerOptions, workSettings } from './worker.js';

export interface ServeOptions extends WorkerOptions {
  host?: string;
  port?: string;
  secretFile?: string;
  callbackSecretFile?: string;
  work?: boolean;
  dashboard?: boolean;
  allowCallbackHost?: string[];
  allowPrivateCallbacks?: boolean;
  opendsrKeyFile?: string;
  opendsrCertFile?: string;
  publicUrl?: string;
  opendsrIdentityType?: string[];
}

const SECRET_ENV = 'MIXPANEL_GDPR_SERVICE_SECRET_FILE';
const CALLBACK_SECRET_ENV = 'MIXPANEL_GDPR_CALLBACK_SECRET_FILE';

/**
 * The service: the HTTP API of spec/service.openapi.yml on `--host:--port`
 * (loopback by default: put TLS in front), and, unless `--no-work`, the
 * worker loop in the same process (gathering arriving requests into
 * batches, submitting, polling). SIGTERM stops taking new HTTP requests,
 * lets those in flight finish, settles the Mixpanel request in flight and
 * releases what it holds.
 */
export async function serve(flags: ServeOptions, globals: GlobalOptions, signal: AbortSignal): Promise<number> {
  // The config file's `service:` section, under the flags.
  const configured = (await resolveConfig(globals)).tool?.service ?? {};
  const o: ServeOptions = {
    ...flags,
    ...(flags.host === undefined && configured.host !== undefined && { host: configured.host }),
    ...(flags.port === undefined && configured.port !== undefined && { port: String(configured.port) }),
    ...(flags.publicUrl === undefined && configured.publicUrl !== undefined && { publicUrl: configured.publicUrl }),
    ...(flags.batchWindowMs === undefined &&
      configured.batchWindowMs !== undefined && { batchWindowMs: String(configured.batchWindowMs) }),
    ...(flags.out === undefined && configured.exports !== undefined && { out: configured.exports }),
    ...(flags.opendsrKeyFile === undefined &&
      configured.opendsr && {
        opendsrKeyFile: configured.opendsr.keyFile,
        opendsrCertFile: configured.opendsr.certFile,
      }),
    ...(flags.opendsrIdentityType === undefined &&
      configured.opendsr?.identityTypes && { opendsrIdentityType: configured.opendsr.identityTypes }),
    ...(flags.allowCallbackHost === undefined &&
      configured.callbacks?.allowHosts && { allowCallbackHost: configured.callbacks.allowHosts }),
    ...(flags.allowPrivateCallbacks === undefined &&
      configured.callbacks?.allowPrivate !== undefined && { allowPrivateCallbacks: configured.callbacks.allowPrivate }),
  };
  const settings = workSettings(o);
  const port = o.port === undefined ? undefined : Number(o.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
    throw new CliError(`--port must be a port number, 0 to 65535 (got ${JSON.stringify(o.port)})`, 'usage');
  const service = await loadService();
  const dashboardRoot = o.dashboard === false ? undefined : await loadDashboardRoot();
  const {
    createOpendsrSigner,
    createService,
    opendsrCallbacks,
    runCallbacks,
    SERVICE_DEFAULTS,
    validateCallbackUrlPolicy,
  } = service;
  if ((o.opendsrKeyFile === undefined) !== (o.opendsrCertFile === undefined))
    throw new CliError(
      '--opendsr-key-file and --opendsr-cert-file go together (the key signs, the certificate proves it)',
      'usage',
    );
  const warn = (message: string) => process.stderr.write(`${message}\n`);
  // Read before anything else: a wrong key file is found before the store is touched.
  const signer = o.opendsrKeyFile
    ? (() => {
        try {
          return createOpendsrSigner({
            privateKeyPem: readSecretBytes(o.opendsrKeyFile, '--opendsr-key-file', warn),
            certificatePem: readSecretBytes(o.opendsrCertFile!, '--opendsr-cert-file', () => {}),
          });
        } catch (error) {
          throw new CliError(`OpenDSR: ${(error as Error).message}`, 'usage');
        }
      })()
    : undefined;
  if (signer?.selfSigned) warn('OpenDSR: the certificate is self-signed: controllers following the protocol refuse it');
  if (signer && signer.validToMs < Date.now())
    warn('OpenDSR: the certificate has expired: controllers refuse its signatures');
  const opendsr = signer && {
    signer,
    ...(o.publicUrl && { publicUrl: o.publicUrl }),
    ...(o.opendsrIdentityType?.length && { identityTypes: o.opendsrIdentityType }),
  };
  const callbackPolicy = validateCallbackUrlPolicy({
    ...(o.allowCallbackHost?.length && { allowHosts: o.allowCallbackHost }),
    ...(o.allowPrivateCallbacks && { allowPrivate: true, allowHttp: 'loopback' as const }),
  });
  let observe: ((project: string, event: ProgressEvent) => void) | undefined;
  const session = await openSession(globals, { onProgress: (project, event) => observe?.(project, event) });
  try {
    const shared = session.store.postgres !== undefined;
    const secret = await secretOf(
      {
        flag: '--secret-file',
        file: o.secretFile,
        env: SECRET_ENV,
        beside: 'service.secret',
        ...(configured.secret && { configured: tokenOf(configured.secret, 'service.secret', process.env, warn) }),
      },
      shared,
      session.config.ledgerPath,
    );
    // Integrators verify callbacks with it: text, so it can be handed over as it is.
    const callbackSecret = Buffer.from(
      await secretOf(
        {
          flag: '--callback-secret-file',
          file: o.callbackSecretFile,
          env: CALLBACK_SECRET_ENV,
          beside: 'callback.secret',
          ...(configured.callbackSecret && {
            configured: tokenOf(configured.callbackSecret, 'service.callbackSecret', process.env, warn),
          }),
        },
        shared,
        session.config.ledgerPath,
      ),
    )
      .toString('utf8')
      .trim();
    const projects = [...session.projects.keys()];
    const { app, metrics } = await createService({
      ledger: session.ledger,
      desk: session.desk,
      projects,
      secret,
      version: VERSION,
      logger: { level: 'info' },
      callbackPolicy,
      ...(opendsr && { opendsr }),
      ...(dashboardRoot !== undefined && { dashboardRoot }),
      readiness: () => readiness(session, service),
      planning: (work) => withPlanLock(session, work, { wait: true, leaseMs: settings.leaseMs, signal }),
    });
    observe = (project, event) => metrics.observe(project, event);
    const work = o.work === false ? undefined : await startWorkLoop(session, settings, signal);
    const callbacks = runCallbacks({
      ledger: session.ledger,
      desk: session.desk,
      secret: callbackSecret,
      policy: callbackPolicy,
      signal,
      logger: app.log,
      ...(signer && { opendsr: opendsrCallbacks(signer, o.publicUrl ? { publicUrl: o.publicUrl } : {}) }),
    });
    const address = await app.listen({ host: o.host ?? SERVICE_DEFAULTS.host, port: port ?? SERVICE_DEFAULTS.port });
    session.view.info(
      `serving ${address} (${work ? 'and working' : 'without working: --no-work'}; ${dashboardRoot ? `dashboard at ${address}/` : 'no dashboard'})`,
    );
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    // Requests in flight may finish (new ones get 503), for a while: a stalled upload must not hold the exit.
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      app.close(),
      new Promise<void>((resolve) => {
        grace = setTimeout(() => {
          app.server.closeAllConnections();
          resolve();
        }, SERVICE_DEFAULTS.closeGraceMs);
      }),
    ]);
    clearTimeout(grace);
    await Promise.all([work?.done, callbacks]);
  } finally {
    await session.close();
  }
  return signal.aborted ? EXIT.interrupted : EXIT.ok;
}

/** `/readyz`: the store answers and, on PostgreSQL, every migration of this version is applied. */
async function readiness(session: Session, service: ServiceModule): Promise<ReadinessCheck[]> {
  const [store] = await service.storeReadiness(session.ledger);
  const shared = session.store.postgres;
  if (!shared) return [store!];
  if (!store!.ok) return [store!, { name: 'migrations', ok: false, detail: 'not checked (store unreachable)' }];
  try {
    const { known, applied } = await shared.module.migrationStatus(shared.pool);
    return [store!, { name: 'migrations', ok: applied === known, detail: `${applied} of ${known} applied` }];
  } catch (error) {
    return [store!, { name: 'migrations', ok: false, detail: (error as Error).message }];
  }
}

/**
 * A secret of the service: from its flag or variable; on the file store,
 * made once beside the ledger (0600, 32 random bytes, base64url text).
 * Several service processes on PostgreSQL must share each, so there it is
 * required. The Idempotency-Key secret keys hashes; the callback secret
 * signs callbacks and is handed to the integrators who check them.
 */
async function secretOf(
  source: { flag: string; file: string | undefined; env: string; beside: string; configured?: string },
  shared: boolean,
  ledgerPath: string,
): Promise<Uint8Array> {
  const path = source.file ?? process.env[source.env];
  const warn = (message: string) => process.stderr.write(`${message}\n`);
  if (path) {
    const bytes = readSecretBytes(path, source.file ? source.flag : source.env, warn);
    if (bytes.length < 32)
      throw new CliError(`the secret in ${path} has ${bytes.length} bytes: it needs at least 32`, 'usage');
    return bytes;
  }
  if (source.configured !== undefined) {
    if (source.configured.length < 32)
      throw new CliError(
        `the config file's ${source.beside.replace('.', ' ')} has ${source.configured.length} characters: it needs at least 32`,
        'invalid_input',
      );
    return Buffer.from(source.configured);
  }
  if (shared)
    throw new CliError(
      `several service processes share one secret: give ${source.flag} PATH or ${source.env} (openssl rand -base64 32 > ${source.beside})`,
      'usage',
    );
  const beside = join(dirname(ledgerPath), source.beside);
  try {
    const handle = await openPrivateFile(beside, constants.O_RDONLY, source.beside);
    try {
      const bytes = Buffer.from(await handle.readFile());
      if (bytes.length >= 32) return bytes;
      throw new CliError(
        `${beside} holds ${bytes.length} bytes: a secret needs at least 32 (remove it to make a new one)`,
      );
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const bytes = Buffer.from(randomBytes(32).toString('base64url'));
  const handle = await openPrivateFile(
    beside,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
    source.beside,
  );
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return bytes;
}
