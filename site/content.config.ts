/** The four collections; every schema comes from schemas/, the single source of truth. */
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { policySchema } from '../schemas/policy.ts';
import { replySchema } from '../schemas/reply.ts';
import { announcementSchema } from '../schemas/announcement.ts';
import { summarySchema } from '../schemas/summary.ts';
import { contentDir } from '../scripts/lib/content-dir.ts';

const base = contentDir();
// retainBody: false: pages render entries (render()) and never read the raw Markdown, so the data store need not
// hold it twice; astro build's peak memory at 10,000 replies drops 1.68 → 1.35 GB (npm run bench:build corpus).
// (deferRender was tried too: 77 s instead of 25 s, every page then compiles its entry on its own.)
const docs = (folder: string) => glob({ pattern: '**/*.{md,mdx}', base: `${base}/${folder}`, retainBody: false });

export const collections = {
  policies: defineCollection({ loader: docs('policies'), schema: policySchema }),
  replies: defineCollection({ loader: docs('replies'), schema: replySchema }),
  announcements: defineCollection({ loader: docs('announcements'), schema: announcementSchema }),
  summaries: defineCollection({ loader: docs('summaries'), schema: summarySchema }),
};
