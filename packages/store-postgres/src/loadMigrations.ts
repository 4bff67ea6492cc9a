import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** One versioned SQL file of `migrations/`. */
export interface Migration {
  version: number;
  /** The file name, e.g. `0001_events.sql`. */
  name: string;
  sql: string;
  /** SHA-256 of the file's bytes, hex: an applied migration must never change. */
  checksum: string;
}

/** `migrations/` sits beside `src/` and `dist/`, so the same URL works from both. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** The package's migrations, by version; a stray or duplicate file is an error, not skipped. */
export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const match = FILE_NAME.exec(name);
    if (!match) throw new Error(`migration file ${name} in ${dir} is not named NNNN_name.sql`);
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version))
      throw new Error(`migration version ${version} appears twice in ${dir} (${name})`);
    const bytes = await readFile(`${dir}/${name}`);
    const checksum = createHash('sha256').update(bytes).digest('hex');
    migrations.push({ version, name, sql: bytes.toString('utf8'), checksum });
  }
  return migrations;
}
