import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parse } from 'yaml';

/**
 * The service's API as the service client ships it (`spec/service.openapi.yml`,
 * copied at build): one spec for the server's routes and validation, the
 * client's types and the Prism mock, so none of them can drift.
 */
export async function loadServiceSpec(): Promise<Record<string, unknown>> {
  const path = createRequire(import.meta.url).resolve('@mixpanel-gdpr/service-client/openapi.yml');
  return parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}
