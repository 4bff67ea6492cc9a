// Bundles the browser app (src/www) into dist/www: index.html, assets/app.js, assets/app.css.
// Nothing inline: the service's Content-Security-Policy allows scripts and styles from 'self' only.
import { copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const www = join(root, 'src', 'www');
const out = join(root, 'dist', 'www');
const assets = join(out, 'assets');

await rm(out, { recursive: true, force: true });
await mkdir(assets, { recursive: true });
await build({
  entryPoints: [
    { in: join(www, 'main.tsx'), out: 'app' },
    { in: join(www, 'app.css'), out: 'app' },
  ],
  outdir: assets,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  sourcemap: false,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  // Chart.js's and Preact's licence notices stay with their code, at the end of the file.
  legalComments: 'eof',
  logLevel: 'warning',
});
await copyFile(join(www, 'index.html'), join(out, 'index.html'));

for (const name of ['app.js', 'app.css']) {
  const file = join(assets, name);
  const bytes = (await stat(file)).size;
  const gzip = gzipSync(await readFile(file)).length;
  console.log(`dist/www/assets/${name}: ${(bytes / 1024).toFixed(1)} kB, ${(gzip / 1024).toFixed(1)} kB gzip`);
}
