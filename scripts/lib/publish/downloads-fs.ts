/** The export files beside the summaries (content/summaries/*.xlsx|*.csv), for the site's download route. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentDir } from '../content-dir.ts';

const folder = () => join(contentDir(), 'summaries');

export function listDownloads(): string[] {
  if (!existsSync(folder())) return [];
  return readdirSync(folder()).filter((f) => /^[\w-]+\.(xlsx|csv)$/.test(f)).sort();
}

export function readDownload(file: string): Uint8Array<ArrayBuffer> {
  if (!listDownloads().includes(file)) throw new Error(`no download ${file} in ${folder()}`);
  return new Uint8Array(readFileSync(join(folder(), file)));
}
