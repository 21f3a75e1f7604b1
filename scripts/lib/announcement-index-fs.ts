/** Reads the announcement files of a content folder into the index the on-demand pages and the calendar check use (announcement-index.ts). */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { announcementIndex, type AnnouncementIndexEntry } from './announcement-index.ts';
import { listContentFiles } from './content-fs.ts';

export async function readAnnouncementIndex(contentDir: string): Promise<{ entries: AnnouncementIndexEntry[]; files: string[] }> {
  const files = await listContentFiles(contentDir, 'announcements');
  const folder = join(contentDir, 'announcements');
  const texts = await Promise.all(files.map(async (f) => ({ path: relative(folder, f), text: await readFile(f, 'utf8') })));
  return { entries: announcementIndex(texts), files };
}

/**
 * Vite plugin serving `virtual:drg/announcement-index` (an array of AnnouncementIndexEntry). The files are
 * watched, so `astro dev` picks up a new announcement without a restart.
 */
export function announcementIndexPlugin(contentDir: string) {
  const id = 'virtual:drg/announcement-index';
  const resolved = `\0${id}`;
  return {
    name: 'drg-announcement-index',
    resolveId: (source: string) => (source === id ? resolved : undefined),
    async load(this: { addWatchFile(file: string): void }, loaded: string) {
      if (loaded !== resolved) return undefined;
      const { entries, files } = await readAnnouncementIndex(contentDir);
      for (const f of files) this.addWatchFile(f);
      return `export default ${JSON.stringify(entries)};`;
    },
  };
}
