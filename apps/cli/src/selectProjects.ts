import { CliError } from './CliError.js';
import { escapeTerminal } from './escapeTerminal.js';
import type { ProjectConfig, ToolConfig } from './ToolConfig.js';

/**
 * The projects a request goes to: those named, in the order named, each
 * once; every project of the file when `names` is undefined or empty. An
 * unknown name is an error listing the known ones, before anything is sent.
 */
export function selectProjects(
  config: Pick<ToolConfig, 'projects' | 'path'>,
  names: readonly string[] | undefined,
): ProjectConfig[] {
  if (names === undefined || names.length === 0) return [...config.projects];
  const byName = new Map(config.projects.map((p) => [p.name, p]));
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length > 0)
    throw new CliError(
      escapeTerminal(
        `no project ${unknown.map((n) => JSON.stringify(n)).join(', ')} in ${config.path} (projects: ${config.projects.map((p) => p.name).join(', ')})`,
        { newlines: false },
      ),
    );
  return [...new Set(names)].map((n) => byName.get(n)!);
}
