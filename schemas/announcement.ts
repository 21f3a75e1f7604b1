/**
 * An announcement on the publication calendar (泰州 notice 二: 月告知/季公告/年通报; 吉林 notice:
 * 特例单议 results every half year, 预付金 yearly). Dated in the future = not published until then.
 */
import { z } from 'zod';
import { attachmentSchema, dateSchema, periodSchema } from './common.ts';

export const announcementTypes = {
  'monthly-notice': { zh: '月告知', period: 'month' },
  'quarterly-announcement': { zh: '季公告', period: 'quarter' },
  'annual-report': { zh: '年通报', period: 'year' },
  'special-case-review': { zh: '特例单议公告', period: 'half' },
  prepayment: { zh: '预付金公告', period: 'year' },
  notice: { zh: '通知', period: 'any' },
} as const;
export type AnnouncementType = keyof typeof announcementTypes;

/** A data table, inline or from a CSV file beside the announcement. */
export const dataTableSchema = z
  .object({
    /** Caption shown above the table. */
    caption: z.string().min(1),
    /** CSV file name relative to the announcement file (first row = header). */
    csv: z.string().optional(),
    /** Inline header row. */
    columns: z.array(z.string()).optional(),
    /** Inline rows. */
    rows: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  })
  .refine((t) => t.csv || (t.columns && t.rows), { message: '数据表需提供 csv 或 columns + rows' });

export const announcementSchema = z
  .object({
    /** Title, e.g. 2026年10月DRG付费月告知. */
    title: z.string().min(2, '标题不能为空'),
    /** 月告知 / 季公告 / 年通报 / 特例单议公告 / 预付金公告 / 通知. */
    type: z.enum(Object.keys(announcementTypes) as [AnnouncementType, ...AnnouncementType[]]),
    /** Period covered: `2026-10`, `2026Q3`, `2026H1` or `2026`. */
    period: periodSchema,
    /** Publish date; a future date keeps it off the site until that day's build. */
    published: dateSchema,
    /** Issuing body. */
    issuer: z.string().optional(),
    /** One or two sentences for lists and feeds. */
    summary: z.string().optional(),
    /** Attachments. */
    attachments: z.array(attachmentSchema).default([]),
    /** Data tables. */
    tables: z.array(dataTableSchema).default([]),
    /** Last day to raise an objection (异议申诉) about it, where set. */
    objectionsUntil: dateSchema.optional(),
  })
  .superRefine((a, ctx) => {
    const want = announcementTypes[a.type].period;
    const got = /^\d{4}$/.test(a.period) ? 'year' : /H/.test(a.period) ? 'half' : /Q/.test(a.period) ? 'quarter' : 'month';
    if (want !== 'any' && want !== got) {
      ctx.addIssue({ code: 'custom', path: ['period'], message: `${announcementTypes[a.type].zh}的期间应为${{ month: '月份（2026-10）', quarter: '季度（2026Q3）', half: '半年（2026H1）', year: '年份（2026）' }[want]}` });
    }
  });
export type Announcement = z.infer<typeof announcementSchema>;
