import { PURGE_KEY_MIN_BYTES } from '@mixpanel-gdpr/workflow';
import { CliError } from './CliError.js';
import { readSecretBytes, secretFileError } from './readSecretFile.js';

const ENV = 'MIXPANEL_GDPR_PURGE_KEY_FILE';

/**
 * The purge key (the HMAC key of `purge` and `evidence --lookup`), from
 * `--key-file PATH` (`path`) or the file named by MIXPANEL_GDPR_PURGE_KEY_FILE.
 * Only from a file: a key on the command line is seen by every user in `ps`.
 * The key is the file's bytes, any bytes (`openssl rand 32 > key` as well as
 * `openssl rand -hex 32 > key`), less one trailing newline. Messages name
 * the file and its length, never its content.
 */
export function readPurgeKey(
  path: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
): Uint8Array {
  const [from, file] = path !== undefined ? ['--key-file', path] : [ENV, env[ENV]];
  if (!file)
    throw new CliError(
      `no purge key: pass --key-file PATH or set ${ENV} to a file holding at least ${PURGE_KEY_MIN_BYTES} random bytes (openssl rand -hex 32 > purge.key; keep it where the ledger is not)`,
    );
  const bytes = readSecretBytes(file, from, warn);
  const key = bytes.at(-1) === 0x0a ? bytes.subarray(0, -1) : bytes;
  if (key.length < PURGE_KEY_MIN_BYTES)
    throw secretFileError(
      file,
      from,
    )(
      `holds ${key.length} bytes${key.length === bytes.length ? '' : ' (without its trailing newline)'}: a purge key must have at least ${PURGE_KEY_MIN_BYTES}`,
    );
  return key;
}
