import { CLIENT_DEFAULTS, ValidationError } from '@mixpanel-gdpr/client';
import { describe, expect, it } from 'vitest';
import { resolveWorkflowOptions, WORKFLOW_DEFAULTS } from '../src/index.js';

describe('workflow defaults', () => {
  it("sends as many ids per request as the client allows by default: one declaration, the client's", () => {
    expect(WORKFLOW_DEFAULTS.deletionBatchSize).toBe(CLIENT_DEFAULTS.maxDeletionIds);
    expect(WORKFLOW_DEFAULTS.retrievalBatchSize).toBe(CLIENT_DEFAULTS.maxRetrievalIds);
    expect(resolveWorkflowOptions({}).batchSize).toEqual({ deletion: 1999, retrieval: 2000 });
  });

  it('writes exports under mixpanel-gdpr-exports unless told otherwise', () => {
    expect(resolveWorkflowOptions({}).exportDir).toBe('mixpanel-gdpr-exports');
    expect(resolveWorkflowOptions({ exportDir: '/srv/exports' }).exportDir).toBe('/srv/exports');
  });

  it.each([[''], ['  '], [42]])('refuses exportDir %j, naming it', (exportDir) => {
    const attempt = () => resolveWorkflowOptions({ exportDir: exportDir as string });
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(
      `exportDir must be a non-empty path (got ${typeof exportDir === 'string' ? JSON.stringify(exportDir) : exportDir})`,
    );
  });
});
