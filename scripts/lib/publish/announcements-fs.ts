/** Every announcement file (future-dated included) as the calendar needs it: type, period, day, title. */
import { readFile } from 'node:fs/promises';
import { announcementSchema } from '../../../schemas/announcement.ts';
import { listContentFiles } from '../content-fs.ts';
import { parseFrontmatter } from '../frontmatter.ts';
import type { PublishedAnnouncement } from './calendar.ts';

export async function loadAnnouncements(contentDir: string): Promise<PublishedAnnouncement[]> {
  const out: PublishedAnnouncement[] = [];
  for (const file of await listContentFiles(contentDir, 'announcements')) {
    const parsed = announcementSchema.safeParse(parseFrontmatter(await readFile(file, 'utf8')).data);
    if (!parsed.success) continue; // npm run validate reports it, naming the file and field
    const id = file.slice(file.lastIndexOf('/announcements/') + '/announcements/'.length).replace(/\.mdx?$/, '');
    out.push({ id, type: parsed.data.type, period: parsed.data.period, published: parsed.data.published.toISOString().slice(0, 10), title: parsed.data.title });
  }
  return out;
}
