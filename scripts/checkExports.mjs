#!/usr/bin/env node
// Run in a client package (packages/client, packages/service-client): fails when the built package's runtime
// exports differ from the names that src/index.ts lists, or when the type-only `./schema` entry gains runtime code.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

const pkg = pathToFileURL(`${process.cwd()}/`);
const source = await readFile(new URL('src/index.ts', pkg), 'utf8');
const declared = [...source.matchAll(/^export \{([^}]*)\} from/gm)]
  .flatMap(([, names]) => names.split(','))
  .map((n) => n.trim())
  .filter(Boolean)
  .sort();
const actual = Object.keys(await import(new URL('dist/index.js', pkg).href)).sort();
const schema = Object.keys(await import(new URL('dist/schema.js', pkg).href));

const problems = [];
if (JSON.stringify(declared) !== JSON.stringify(actual)) {
  problems.push(`dist/index.js exports [${actual}] but src/index.ts lists [${declared}]`);
}
if (/export \*/.test(source)) problems.push('src/index.ts uses `export *`: list every export by name');
if (schema.length) problems.push(`dist/schema.js must be type-only, but exports ${schema}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`exports ok: ${actual.length} runtime exports, schema is type-only`);
