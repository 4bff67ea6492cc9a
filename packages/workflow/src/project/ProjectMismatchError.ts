import { MixpanelGdprError } from '@mixpanel-gdpr/client';
import { describeProject, type ProjectIdentity } from './ProjectIdentity.js';

/**
 * The job was created for another project (or region, or API origin) than
 * the one the current credentials call. Nothing was sent: carrying on would
 * delete (or export) people in the wrong project.
 */
export class ProjectMismatchError extends MixpanelGdprError {
  override name = 'ProjectMismatchError';
  constructor(
    readonly jobId: string,
    readonly jobProject: ProjectIdentity,
    readonly currentProject: ProjectIdentity,
  ) {
    const differs = (['tokenFingerprint', 'region', 'apiOrigin'] as const).filter(
      (k) => jobProject[k] !== currentProject[k],
    );
    const names = { tokenFingerprint: 'project token', region: 'region', apiOrigin: 'API URL' };
    super(
      `job ${jobId} belongs to another project: it was created for ${describeProject(jobProject)}, but this command calls ${describeProject(currentProject)} ` +
        `(${differs.map((k) => names[k]).join(', ')} ${differs.length === 1 ? 'differs' : 'differ'}). Nothing was sent. Use the job's own credentials and region.`,
    );
  }
}
