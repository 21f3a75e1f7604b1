/**
 * The little the on-demand pages need to know about announcements: id, title and publish day, for the
 * objection form ("对《…》提出异议申诉", issue 5). Built from the announcement files at build time into a
 * virtual module (announcement-index-fs.ts, astro.config.mjs) instead of reading the content collection at
 * request time: a server route that touches `astro:content` bundles the whole data store into the server,
 * which with 10,000 replies was a 64 MB module and ~7 s of every build (npm run bench:build).
 */
import { slug } from 'github-slugger';
import { dateSchema } from '../../schemas/common.ts';
import { isoDate, isPublished } from '../../site/utils/view.ts';
import { parseFrontmatter } from './frontmatter.ts';

export interface AnnouncementIndexEntry {
  /** The collection id, as Astro's glob loader derives it: the path inside the folder, no extension. */
  id: string;
  title: string;
  /** Publish day, YYYY-MM-DD (an announcement is public from that day on). */
  published: string;
}

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

/** Entries for the files given (path relative to the collection folder, and text); unusable files are left out (the build's schema check reports them). */
export function announcementIndex(files: { path: string; text: string }[]): AnnouncementIndexEntry[] {
  const out: AnnouncementIndexEntry[] = [];
  for (const file of files) {
    let data: Record<string, unknown>;
    try {
      data = parseFrontmatter(file.text).data;
    } catch {
      continue;
    }
    // The same date rule as the announcement schema, so the index agrees with the pages on every file.
    const published = dateSchema.safeParse(data.published);
    if (typeof data.title !== 'string' || !published.success) continue;
    out.push({ id: entryId(file.path, data), title: data.title, published: isoDate(published.data) });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** The title of an announcement (`announcements/<id>` or `<id>`) already published on `today` (the pages' rule, isPublished). */
export function publishedAnnouncementTitle(index: readonly AnnouncementIndexEntry[], ref: string, today: Date): string | undefined {
  const id = ref.replace(/^announcements\//, '');
  const found = index.find((a) => a.id === id);
  return found && isPublished(new Date(`${found.published}T00:00:00Z`), today) ? found.title : undefined;
}
