/**
 * A quarterly roll-up (按季度汇总, 济源 notice 四(一)). Generated from the tracker by `npm run summary`;
 * the figures live in frontmatter so pages, charts, the CSV/Excel export and tests read one source.
 * Public fields only: tracking codes and redacted titles, never a name or contact.
 */
import { z } from 'zod';
import { dateSchema } from './common.ts';

const countTable = z.record(z.string(), z.number().int().nonnegative());
const count = z.number().int().nonnegative();

/** Verdicts on the replies of a group of opinions (好差评, schemas/verdict.ts). */
export const verdictCountsSchema = z.object({
  /** Opinions with a verdict: the submitter's own on /track, else the one heard on a phone follow-up (/revisit). */
  given: count,
  /** Of those, 满意 / 基本满意 / 不满意. */
  satisfied: count,
  basically: count,
  unsatisfied: count,
  /** Opinions handled again (再次办理) after a 不满意 verdict. */
  redo: count,
});
export type VerdictCounts = z.infer<typeof verdictCountsSchema>;

const noVerdicts: VerdictCounts = { given: 0, satisfied: 0, basically: 0, unsatisfied: 0, redo: 0 };

/** One opinion in a list of the summary: public fields only. */
const listedOpinion = z.object({
  /** Tracking code (查询码). */
  code: z.string(),
  /** Title after redaction. */
  title: z.string(),
  /** Category key. */
  category: z.string(),
});

export const summarySchema = z.object({
  /** Title, e.g. 2026年第三季度意见收集反馈情况汇总. */
  title: z.string().min(2),
  /** Quarter covered, e.g. `2026Q3`. */
  quarter: z.string().regex(/^\d{4}Q[1-4]$/, '季度格式应为 2026Q3'),
  /** Day the summary was generated/published (kept while the figures stay the same). */
  published: dateSchema,
  /** Day (China time) the tracker was read: "open" and "overdue" are as of this day. */
  asOf: dateSchema.optional(),
  /** Opinions received in the quarter. */
  received: z.number().int().nonnegative(),
  /**
   * Of those, merged into another opinion raising the same question (并案办理, /merge): counted once, with that one;
   * not again in answered, open, the category, office and outcome tables or the lists (scripts/lib/publish/summary.ts).
   */
  merged: z.number().int().nonnegative().default(0),
  /** Of those, answered. */
  answered: z.number().int().nonnegative(),
  /** Of those, still open at generation time. */
  open: z.number().int().nonnegative(),
  /** Of those, closed without a public answer (duplicates, withdrawn). */
  closedWithoutReply: z.number().int().nonnegative().default(0),
  /** Of the answered, answered by their due date. */
  answeredOnTime: z.number().int().nonnegative().default(0),
  /** Counts by category, office, submitter type, source and outcome keys. */
  byCategory: countTable.default({}),
  byOffice: countTable.default({}),
  bySubmitterType: countTable.default({}),
  bySource: countTable.default({}),
  byOutcome: countTable.default({}),
  /** Median and 90th percentile (nearest rank) of working days to the first reply; null when nothing was answered. */
  medianDaysToReply: z.number().nullable().default(null),
  p90DaysToReply: z.number().nullable().default(null),
  /** 按期办结率: answered on time / answered, 0..1; null when nothing was answered. */
  onTimeRate: z.number().min(0).max(1).nullable().default(null),
  /**
   * 满意率 and 再次办理 (issue 14): verdicts on the replies of the quarter's opinions as of `asOf`, in all, by office
   * and by category (keys as in byOffice / byCategory). Summaries written before verdicts existed read as none.
   */
  satisfaction: z
    .object({
      /** All the quarter's opinions; `online` verdicts given on /track, `revisit` ones only heard on the phone. */
      total: verdictCountsSchema.extend({ online: count, revisit: count }),
      byOffice: z.record(z.string(), verdictCountsSchema),
      byCategory: z.record(z.string(), verdictCountsSchema),
      /** 满意率 = (满意 + 基本满意) / given, 0..1; null when no verdict was given. */
      rate: z.number().min(0).max(1).nullable(),
    })
    .default({ total: { ...noVerdicts, online: 0, revisit: 0 }, byOffice: {}, byCategory: {}, rate: null }),
  /** Overdue opinions: unanswered past their due date as of `asOf` (public fields only). */
  overdue: z.array(listedOpinion.extend({ due: dateSchema })).default([]),
  /** Opinions reported to the province (报送上级). */
  escalated: z.array(listedOpinion).default([]),
  /** Opinions kept for the next grouping revision (意见留用), grouped by ADRG code (`未注明` when none was given). */
  reserved: z.array(z.object({ adrg: z.string(), name: z.string().optional(), items: z.array(z.object({ code: z.string(), title: z.string() })) })).default([]),
  /** Questions of the quarter raised by several units (并案办理), most units first: one line each, with how many. */
  mergedGroups: z.array(listedOpinion.extend({ /** Units that raised it, ≥ 2. */ units: z.number().int().min(2) })).default([]),
  /** Most-raised terms and codes with change from the previous quarter (热点问题图谱). */
  hotTopics: z
    .array(
      z.object({
        /** The term or the ADRG/歧义组 code. */
        term: z.string(),
        /** `term` (a word) or `code`. */
        kind: z.enum(['term', 'code']).default('term'),
        /** Name of a code, from the configured list. */
        name: z.string().optional(),
        /** Opinions raising it this quarter. */
        count: z.number().int(),
        /** Opinions raising it the quarter before. */
        previous: z.number().int(),
      }),
    )
    .default([]),
  /** Files for the upward report, served from /summaries/downloads/ (names inside content/summaries/). */
  downloads: z.object({ xlsx: z.string().optional(), csv: z.string().optional() }).default({}),
});
export type Summary = z.infer<typeof summarySchema>;
