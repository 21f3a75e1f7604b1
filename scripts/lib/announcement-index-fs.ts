/** Reads the announcement files of a content folder into the index the on-demand pages and the calendar check use (announcement-index.ts). */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { announcementIndex, type AnnouncementIndexEntry } from './announcement-index.ts';
import { listContentFiles } from './content-fs.ts';

export async function readAnnouncementIndex(contentDir: string): Promise<{ entries: AnnouncementIndexEntry[]; files: string[] }> {
  const files = await listContentFiles(contentDir, 'announcements');
  const folder = join(contentDir, 'announcements');
  const texts = await Promise.all(files.map(async (f) => ({ path: relative(folder, f), text: await readFile(f, 'utf8') })));
  return { entries: announcementIndex(texts), files };
}

/** The file, in the build's output folder, that holds the built site's announcement index for the server. */
export const builtAnnouncementIndexFile = 'announcement-index.json';

/**
 * Astro integration writing the announcement index beside the build (`<outDir>/announcement-index.json`, outside
 * `client/`, so unpublished titles are not served): the server reads it at start (scripts/serve.ts), so the
 * objection titles it knows are those of the site it serves, built from the same CONTENT_DIR.
 */
export function announcementIndexIntegration(contentDir: string): AstroIntegration {
  let outDir: URL | undefined;
  return {
    name: 'drg-announcement-index',
    hooks: {
      'astro:config:done': ({ config }) => {
        outDir = config.outDir;
      },
      'astro:build:done': async () => {
        const { entries } = await readAnnouncementIndex(contentDir);
        await writeFile(fileURLToPath(new URL(builtAnnouncementIndexFile, outDir)), JSON.stringify(entries));
      },
    },
  };
}

/** The index a build wrote (announcementIndexIntegration), or null when that build has none. */
export function readBuiltAnnouncementIndex(outDir: string): AnnouncementIndexEntry[] | null {
  const file = join(outDir, builtAnnouncementIndexFile);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as AnnouncementIndexEntry[]) : null;
}
