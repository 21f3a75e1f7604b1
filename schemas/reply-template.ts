/**
 * A reply template (答复模板, issue 13): an answer staff give often, kept as a Markdown file under
 * content/settings/reply-templates/ (frontmatter + body). `/reply-template 名称` posts the body as a draft in the
 * issue for the member of staff to edit and send with /reply (scripts/lib/reply-templates.ts). The body is the
 * bureau's own text, never published as is: only what staff send with /reply is.
 */
import { z } from 'zod';
import { outcomeSchema } from './common.ts';

export const replyTemplateSchema = z.object({
  /** What the template answers, shown in the list of templates, e.g. 解释说明：入组规则. */
  title: z.string({ error: '请填写模板标题（title）' }).trim().min(2, '模板标题至少 2 个字').max(40, '模板标题不超过 40 个字'),
  /** When to use it, one sentence, shown in the list of templates. */
  description: z.string().trim().max(120, '说明不超过 120 个字').optional(),
  /** The outcome this answer usually goes with: the draft reminds staff to record it with /outcome. */
  outcome: outcomeSchema.optional(),
});
export type ReplyTemplateMeta = z.infer<typeof replyTemplateSchema>;
