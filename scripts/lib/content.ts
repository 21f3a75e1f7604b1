/**
 * Validates content files against the schemas in schemas/, the same ones Astro uses, so a bad
 * frontmatter fails here with `file: field: message` before the build starts. Pure: takes texts.
 */
import type { z } from 'zod';
import { policySchema } from '../../schemas/policy.ts';
import { replySchema } from '../../schemas/reply.ts';
import { announcementSchema } from '../../schemas/announcement.ts';
import { summarySchema } from '../../schemas/summary.ts';
import { parseFrontmatter } from './frontmatter.ts';
import { formatZodError } from './zod-errors.ts';

export const collectionSchemas = {
  policies: policySchema,
  replies: replySchema,
  announcements: announcementSchema,
  summaries: summarySchema,
} satisfies Record<string, z.ZodType>;
export type CollectionName = keyof typeof collectionSchemas;

/** Problems in one content file, each `file: field: message`; empty when it is valid. */
export function validateContentFile(collection: CollectionName, file: string, text: string): string[] {
  let data: Record<string, unknown>;
  try {
    data = parseFrontmatter(text).data;
  } catch (e) {
    return [`${file}: (frontmatter): YAML 无法解析: ${(e as Error).message.split('\n')[0]}`];
  }
  const result = collectionSchemas[collection].safeParse(data);
  return result.success ? [] : formatZodError(file, result.error).split('\n');
}
