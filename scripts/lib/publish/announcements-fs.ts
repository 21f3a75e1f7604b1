/** Every announcement file (future-dated included) as the calendar needs it: type, period, day, title. */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { announcementSchema } from '../../../schemas/announcement.ts';
import { isoDate } from '../../../site/utils/view.ts';
import { entryId } from '../announcement-index.ts';
import { listContentFiles } from '../content-fs.ts';
import { parseFrontmatter } from '../frontmatter.ts';
import type { PublishedAnnouncement } from './calendar.ts';

export async function loadAnnouncements(contentDir: string): Promise<PublishedAnnouncement[]> {
  const out: PublishedAnnouncement[] = [];
  for (const file of await listContentFiles(contentDir, 'announcements')) {
    const data = parseFrontmatter(await readFile(file, 'utf8')).data;
    const parsed = announcementSchema.safeParse(data);
    if (!parsed.success) continue; // npm run validate reports it, naming the file and field
    // The id the site gives the page (Astro's glob loader rule), so the calendar names the page that exists.
    const id = entryId(relative(join(contentDir, 'announcements'), file), data);
    out.push({ id, type: parsed.data.type, period: parsed.data.period, published: isoDate(parsed.data.published), title: parsed.data.title });
  }
  return out;
}
