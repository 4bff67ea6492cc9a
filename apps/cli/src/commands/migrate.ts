import { CliError } from '../CliError.js';
import { type GlobalOptions, resolveConfig } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { openStore } from '../openStore.js';
import { ProgressView } from '../ProgressView.js';

/**
 * Applies the store's SQL migrations (every command and worker also does at
 * start, under an advisory lock): for a deployment that migrates before
 * rolling out workers.
 */
export async function migrate(globals: GlobalOptions): Promise<number> {
  const config = await resolveConfig(globals);
  if (config.databaseUrl === undefined)
    throw new CliError('migrate needs --database-url or DATABASE_URL (the file store has no schema)', 'usage');
  const view = new ProgressView({ json: config.json, redact: (t) => t });
  // Opening the store migrates it; what was applied is in the table the migration runner keeps.
  const store = await openStore(config, { readOnly: false });
  try {
    const { pool, module } = store.postgres!;
    const migrations = await module.loadMigrations();
    const { rows } = await pool.query<{ version: number; name: string; applied_at: Date }>(
      'select version, name, applied_at from mgdpr_schema_migrations order by version',
    );
    view.result(
      { type: 'migrate', version: rows.at(-1)?.version ?? 0, known: migrations.length, applied: rows },
      rows
        .map((r) => `  ${String(r.version).padStart(4, '0')} ${r.name}  applied ${r.applied_at.toISOString()}`)
        .join('\n') +
        `\nschema at version ${rows.at(-1)?.version ?? 0} (this mixpanel-gdpr knows ${migrations.length})`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
