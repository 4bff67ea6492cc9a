import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const SPEC_PATH = new URL('../../../../spec/mixpanel-gdpr.openapi.yml', import.meta.url);

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { examples?: Record<string, unknown> }> }>;
}

/** The spec's operations, with method and path, for contract tests that cover all of them. */
export function specOperations(): Array<{ method: string; path: string; op: Operation }> {
  const spec = parse(readFileSync(SPEC_PATH, 'utf8')) as { paths: Record<string, Record<string, Operation>> };
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}
