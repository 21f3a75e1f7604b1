/** A policy text (政策文件): a notice, work plan or grouping scheme, e.g. 泰医保函〔2024〕65号. */
import { z } from 'zod';
import { attachmentSchema, dateSchema } from './common.ts';

export const policyStatuses = {
  draft: { zh: '征求意见稿' },
  'in-force': { zh: '现行有效' },
  repealed: { zh: '已废止' },
} as const;
export type PolicyStatus = keyof typeof policyStatuses;

export const policySchema = z.object({
  /** Full title as issued, without the issuing body's prefix repeated in `issuer`. */
  title: z.string().min(2, '标题不能为空'),
  /** 文号, e.g. 泰医保函〔2024〕65号; absent for drafts that have none. */
  docNumber: z.string().optional(),
  /** Issuing body, e.g. 泰州市医疗保障局. */
  issuer: z.string().min(2),
  /** Region the policy applies to, e.g. 江苏省泰州市. */
  region: z.string().min(2),
  /** Date of issue (成文/印发日期). */
  issued: dateSchema,
  /**
   * How exact `issued` is. `year` when the text prints no date and only the year is known (e.g. from the
   * 文号): `issued` is then 1 January of that year and pages should show "2024年（未注明具体日期）".
   */
  issuedPrecision: z.enum(['day', 'year']).default('day'),
  /** 征求意见稿 / 现行有效 / 已废止. */
  status: z.enum(Object.keys(policyStatuses) as [PolicyStatus, ...PolicyStatus[]]),
  /** First day in force, where the text says. */
  effectiveFrom: dateSchema.optional(),
  /** Last day in force, where known. */
  effectiveUntil: dateSchema.optional(),
  /** One or two sentences for lists and search results. */
  summary: z.string().optional(),
  /** Free keywords, e.g. 月告知, 特例单议. */
  tags: z.array(z.string()).default([]),
  /** Attachments: files to download or texts reproduced on the page. */
  attachments: z.array(attachmentSchema).default([]),
  /** Ids of related policies, replies or announcements, as `collection/id`, e.g. `policies/taizhou-2024-65`. */
  related: z
    .array(z.string().regex(/^(policies|replies|announcements|summaries)\/[\w-]+$/, '关联条目应写成“集合/文件名”，例如 policies/taizhou-2024-65'))
    .default([]),
  /** Where the text was published, for provenance. */
  sourceUrl: z.string().url().optional(),
});
export type Policy = z.infer<typeof policySchema>;
