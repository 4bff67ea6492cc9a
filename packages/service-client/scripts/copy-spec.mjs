#!/usr/bin/env node
// Ships the spec the types were generated from as `@mixpanel-gdpr/service-client/openapi.yml`,
// so users can contract-test (e.g. `prism mock`) against exactly this release's API.
// Copied at build time rather than committed twice: one file, no drift to check.
import { copyFile, mkdir } from 'node:fs/promises';

const spec = new URL('../../../spec/service.openapi.yml', import.meta.url);
const shipped = new URL('../dist/openapi.yml', import.meta.url);

await mkdir(new URL('.', shipped), { recursive: true });
await copyFile(spec, shipped);
