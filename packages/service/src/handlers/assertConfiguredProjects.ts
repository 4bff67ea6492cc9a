import type { ServiceContext } from '../ServiceContext.js';
import { badRequest } from '../ServiceError.js';

/**
 * Refuses (400, naming the field `fieldOf(i)` gives) a project this service
 * has no configuration for, before anything is stored.
 */
export function assertConfiguredProjects(
  ctx: ServiceContext,
  projects: readonly string[],
  fieldOf: (index: number) => string,
): void {
  for (const [i, project] of projects.entries())
    if (!ctx.projects.includes(project))
      throw badRequest(
        fieldOf(i),
        `project ${JSON.stringify(project)} is not configured here (configured: ${ctx.projects.join(', ')})`,
        project,
      );
}
