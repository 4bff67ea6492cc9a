import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

export interface DashboardFile {
  body: Buffer;
  type: string;
  etag: string;
}

/** The kinds of file a built dashboard holds; anything else in the folder is not served. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** A built dashboard is a few hundred kilobytes; a folder far larger is the wrong one. */
const MAX_TOTAL_BYTES = 32 * 1024 * 1024;

/**
 * The built dashboard's files, read once at start and served from memory by
 * their exact path (`/index.html`, `/assets/app.js`): no URL is ever turned
 * into a path on disk, so none can reach outside the folder. The folder
 * must hold `index.html`.
 */
export async function readDashboardFiles(root: string): Promise<Map<string, DashboardFile>> {
  const files = new Map<string, DashboardFile>();
  let total = 0;
  const names = (await readdir(root, { recursive: true, withFileTypes: true })).filter((d) => d.isFile());
  for (const entry of names) {
    const type = TYPES[extname(entry.name).toLowerCase()];
    if (!type) continue;
    const path = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    const body = await readFile(path);
    total += body.length;
    if (total > MAX_TOTAL_BYTES)
      throw new Error(
        `dashboard folder ${root} holds more than ${MAX_TOTAL_BYTES} bytes of files: is it the built dashboard?`,
      );
    const url = `/${path
      .slice(root.replace(/[\\/]+$/, '').length + 1)
      .split(sep)
      .join('/')}`;
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    files.set(url, { body, type, etag });
  }
  if (!files.has('/index.html'))
    throw new Error(`dashboard folder ${root} has no index.html: build the dashboard first`);
  return files;
}
