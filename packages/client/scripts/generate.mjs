#!/usr/bin/env node
// Generates src/generated/schema.ts from spec/mixpanel-gdpr.openapi.yml (see scripts/generateSchema.mjs; `--check`: fail when stale).
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { schemaGenerator } from '../../../scripts/generateSchema.mjs';

const generator = schemaGenerator({
  openapiTS,
  astToString,
  spec: 'spec/mixpanel-gdpr.openapi.yml',
  packageUrl: import.meta.url,
});
export const generate = generator.generate;

if (process.argv[1] === fileURLToPath(import.meta.url)) await generator.main();
