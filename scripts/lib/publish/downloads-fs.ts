/** The export files beside the summaries (content/summaries/*.xlsx|*.csv), for the site's download route. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Not contentDir(): bundled into the build's prerender chunks its import.meta.url no longer points into
// the repository. The build runs from the repository root, so ./content (or CONTENT_DIR) is right.
const folder = () => join(resolve(process.env.CONTENT_DIR ?? 'content'), 'summaries');

export function listDownloads(): string[] {
  if (!existsSync(folder())) return [];
  return readdirSync(folder()).filter((f) => /^[\w-]+\.(xlsx|csv)$/.test(f)).sort();
}

export function readDownload(file: string): Uint8Array<ArrayBuffer> {
  if (!listDownloads().includes(file)) throw new Error(`no download ${file} in ${folder()}`);
  return new Uint8Array(readFileSync(join(folder(), file)));
}
