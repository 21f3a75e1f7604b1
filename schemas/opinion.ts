/**
 * An opinion as recorded in the tracker: the machine-readable block at the end of every issue body
 * (written by the submission endpoint or the issue forms, read by triage and publishing).
 * No personal data is ever here (issue 12): name, contact and the original text stay sealed on the bureau's server.
 */
import { z } from 'zod';
import { categorySchema, sourceSchema, submitterTypeSchema } from './common.ts';

export const opinionRecordSchema = z.object({
  /** Format version of this block. */
  v: z.literal(1),
  /** Public 查询码, e.g. JY-2026-7K3M9Q. */
  trackingCode: z.string(),
  /** Idempotency key of the submission that created the issue. */
  key: z.string(),
  /** ISO instant the bureau received it. */
  receivedAt: z.string(),
  /** How it arrived. */
  source: sourceSchema,
  /** Category the submitter ticked; null when none was ticked (mail, phone). */
  selectedCategory: categorySchema.nullable(),
  /** Submitter type. */
  submitterType: submitterTypeSchema.nullable(),
  /** 单位名称 (a unit, not a person; published only with consent). */
  organization: z.string().nullable(),
  /** 所在单位/科室. */
  unit: z.string().nullable(),
  /** Whether the unit may be named in a published reply. */
  publicConsent: z.boolean(),
  /** 主要意见及建议. */
  title: z.string(),
  /** 具体问题和建议 plus the grouping / ambiguous-group fields, as submitted (already neutralised in the rendered body). */
  details: z.string(),
  /** Structured grouping fields, when given (schemas/submission.ts defines their shape). */
  grouping: z.unknown().optional(),
});
export type OpinionRecord = z.infer<typeof opinionRecordSchema>;
