/**
 * What the on-demand pages and the calendar check need to know about announcements: id, title, type, period and
 * publish day, for the objection form ("对《…》提出异议申诉", issue 5) and `npm run calendar:check`. Built from the announcement files at build time into a
 * file beside the server build (announcement-index-fs.ts, astro.config.mjs) instead of reading the content collection at
 * request time: a server route that touches `astro:content` bundles the whole data store into the server,
 * which with 10,000 replies was a 64 MB module and ~7 s of every build (npm run bench:build).
 */
import { slug } from 'github-slugger';
import { announcementSchema } from '../../schemas/announcement.ts';
import { isoDate, isPublished } from './dates.ts';
import { parseFrontmatter } from './frontmatter.ts';
import type { PublishedAnnouncement } from './publish/calendar.ts';

/** An announcement by its page id (Astro's glob-loader id), with the fields the calendar reads. */
export type AnnouncementIndexEntry = PublishedAnnouncement;

/**
 * Astro's glob loader id for a file path relative to the collection folder (`2026/10-monthly.md` → `2026/10-monthly`):
 * each segment through github-slugger, a trailing `/index` dropped (astro/dist/content/utils.js, getContentEntryIdAndSlug).
 */
export function collectionId(relativePath: string): string {
  return relativePath.replace(/\\/g, '/').replace(/\.mdx?$/, '').split('/').map((segment) => slug(segment)).join('/').replace(/\/index$/, '');
}

/** The id of an entry: its frontmatter `slug` when set (the glob loader honours it), else collectionId of its path. */
export function entryId(relativePath: string, data: Record<string, unknown>): string {
  return typeof data.slug === 'string' ? data.slug : collectionId(relativePath);
}

/** Entries for the files given (path relative to the collection folder, and text); invalid files are left out (npm run validate names them). */
export function announcementIndex(files: { path: string; text: string }[]): AnnouncementIndexEntry[] {
  const out: AnnouncementIndexEntry[] = [];
  for (const file of files) {
    let data: Record<string, unknown>;
    try {
      data = parseFrontmatter(file.text).data;
    } catch {
      continue;
    }
    // The pages' own schema: a file it rejects has no page (the build stops on it), so it gets no entry either.
    const parsed = announcementSchema.safeParse(data);
    if (!parsed.success) continue;
    const { title, type, period, published } = parsed.data;
    out.push({ id: entryId(file.path, data), type, period, published: isoDate(published), title });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** The title of an announcement (`announcements/<id>` or `<id>`) already published on `today` (the pages' rule, isPublished). */
export function publishedAnnouncementTitle(index: readonly AnnouncementIndexEntry[], ref: string, today: Date): string | undefined {
  const id = ref.replace(/^announcements\//, '');
  const found = index.find((a) => a.id === id);
  return found && isPublished(new Date(`${found.published}T00:00:00Z`), today) ? found.title : undefined;
}
