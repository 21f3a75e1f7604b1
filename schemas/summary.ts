/**
 * A quarterly roll-up (按季度汇总, 济源 notice 四(一)). Generated from the tracker by `npm run summary`;
 * the figures live in frontmatter so pages, charts, the CSV/Excel export and tests read one source.
 */
import { z } from 'zod';
import { dateSchema } from './common.ts';

const countTable = z.record(z.string(), z.number().int().nonnegative());

export const summarySchema = z.object({
  /** Title, e.g. 2026年第三季度意见收集反馈情况汇总. */
  title: z.string().min(2),
  /** Quarter covered, e.g. `2026Q3`. */
  quarter: z.string().regex(/^\d{4}Q[1-4]$/, '季度格式应为 2026Q3'),
  /** Day the summary was generated/published. */
  published: dateSchema,
  /** Opinions received in the quarter. */
  received: z.number().int().nonnegative(),
  /** Of those, answered. */
  answered: z.number().int().nonnegative(),
  /** Of those, still open at generation time. */
  open: z.number().int().nonnegative(),
  /** Counts by category, office, submitter type, source and outcome keys. */
  byCategory: countTable.default({}),
  byOffice: countTable.default({}),
  bySubmitterType: countTable.default({}),
  bySource: countTable.default({}),
  byOutcome: countTable.default({}),
  /** Median and 90th percentile of working days to reply; null when nothing was answered. */
  medianDaysToReply: z.number().nullable().default(null),
  p90DaysToReply: z.number().nullable().default(null),
  /** 按期办结率: answered on time / answered, 0..1; null when nothing was answered. */
  onTimeRate: z.number().min(0).max(1).nullable().default(null),
  /** Overdue opinions (public fields only). */
  overdue: z.array(z.object({ code: z.string(), title: z.string(), category: z.string(), due: dateSchema })).default([]),
  /** Opinions reported to the province (报送上级). */
  escalated: z.array(z.object({ code: z.string(), title: z.string(), category: z.string() })).default([]),
  /** Opinions kept for the next grouping revision (意见留用), grouped by ADRG code. */
  reserved: z.array(z.object({ adrg: z.string(), name: z.string().optional(), items: z.array(z.object({ code: z.string(), title: z.string() })) })).default([]),
  /** Most-raised terms and codes with change from the previous quarter (热点问题图谱). */
  hotTopics: z.array(z.object({ term: z.string(), count: z.number().int(), previous: z.number().int() })).default([]),
});
export type Summary = z.infer<typeof summarySchema>;
