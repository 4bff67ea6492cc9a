import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CliError } from './CliError.js';
import { escapeTerminal } from './escapeTerminal.js';

/** A token is a few hundred bytes: anything past this is the wrong file, and is not read whole. */
const MAX_SECRET_BYTES = 16_384;

/**
 * The token held in the file at `path` (`-`: stdin), for the option or
 * variable named `from`. Strict, since a stray byte would only show up later as
 * a 401: one trailing newline is dropped, and an empty file or one holding
 * whitespace or control characters is refused. The content is never printed.
 *
 * A file that group or others can read gets a warning, not a refusal (unlike
 * ssh with keys): container and CI secret mounts are commonly 0644 or 0444 in
 * a filesystem only this user sees, and refusing those would push people back
 * to the flag, which every user sees in `ps`.
 */
export function readSecretFile(path: string, from: string, warn: (message: string) => void): string {
  const fail = secretFileError(path, from);
  const text = readSecretBytes(path, from, warn)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (text === '') throw fail('is empty');
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(text))
    throw fail('holds more than a token (whitespace, several lines or control characters)');
  return text;
}

/**
 * The bytes of the secret file at `path` (`-`: stdin), at most
 * MAX_SECRET_BYTES, with `readSecretFile`'s warning about a file others can
 * read and its errors (naming the file, never the content). For a secret
 * that is not a token, such as a binary key.
 */
export function readSecretBytes(path: string, from: string, warn: (message: string) => void): Buffer {
  const where = path === '-' ? 'stdin' : JSON.stringify(path);
  const fail = secretFileError(path, from);
  try {
    return path === '-'
      ? readAll(0)
      : readFile(path, (mode) =>
          warn(
            escapeTerminal(
              `warning: ${from}: ${where} can be read by group or others (mode ${mode.toString(8).padStart(4, '0')}): chmod 600 it`,
              { newlines: false },
            ),
          ),
        );
  } catch (error) {
    if (error instanceof CliError) throw fail(error.message);
    throw fail(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** An error about the secret file at `path`, for the option or variable `from`. */
export function secretFileError(path: string, from: string): (why: string) => CliError {
  const where = path === '-' ? 'stdin' : JSON.stringify(path);
  return (why) => new CliError(escapeTerminal(`${from}: ${where} ${why}`, { newlines: false }), 'invalid_input');
}

function readFile(path: string, warnMode: (mode: number) => void): Buffer {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new CliError('is a directory');
    // Only a regular file has meaningful permissions here; a pipe such as `<(pass show mixpanel)` is private to us.
    if (stat.isFile() && (stat.mode & 0o077) !== 0) warnMode(stat.mode & 0o7777);
    return readAll(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads `fd` to its end, at most MAX_SECRET_BYTES. */
function readAll(fd: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(MAX_SECRET_BYTES + 1 - total);
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      // stdin left non-blocking by whoever started us: wait for it rather than fail.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      continue;
    }
    if (n === 0) return Buffer.concat(chunks, total);
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > MAX_SECRET_BYTES) throw new CliError(`is larger than ${MAX_SECRET_BYTES} bytes: not a token file`);
  }
}
