/** The four collections; every schema comes from schemas/, the single source of truth. */
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { policySchema } from '../schemas/policy.ts';
import { replySchema } from '../schemas/reply.ts';
import { announcementSchema } from '../schemas/announcement.ts';
import { summarySchema } from '../schemas/summary.ts';
import { contentDir } from '../scripts/lib/content-dir.ts';

const base = contentDir();
const docs = (folder: string) => glob({ pattern: '**/*.{md,mdx}', base: `${base}/${folder}` });

export const collections = {
  policies: defineCollection({ loader: docs('policies'), schema: policySchema }),
  replies: defineCollection({ loader: docs('replies'), schema: replySchema }),
  announcements: defineCollection({ loader: docs('announcements'), schema: announcementSchema }),
  summaries: defineCollection({ loader: docs('summaries'), schema: summarySchema }),
};
