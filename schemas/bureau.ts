/**
 * The bureau running this site: names, contacts, routing and time limits. One file,
 * content/settings/bureau.json, edited by the bureau; every script and page reads it through
 * scripts/lib/bureau.ts. Defaults follow the 济源 notice (the mechanism) in ../shared/seeds/.
 */
import { z } from 'zod';
import { categoryKeys, officeSchema, type CategoryKey } from './common.ts';

const perCategory = <T extends z.ZodType>(t: T) =>
  z.object(Object.fromEntries(categoryKeys.map((k) => [k, t])) as Record<CategoryKey, T>);

/** A GitHub user or team mention: `@login` or `@org/team`. */
const githubHandle = /^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9._-]+)?$/;

export const bureauSchema = z.object({
  /** Full name, e.g. 济源产城融合示范区医疗保障局. */
  name: z.string().min(2),
  /** Short name for headers, e.g. 济源示范区医保局. */
  shortName: z.string().min(2),
  /** Prefix of tracking codes (查询码), 2-4 capital letters, e.g. JY. */
  codePrefix: z.string().regex(/^[A-Z]{2,4}$/),
  /** The authority above the bureau that receives escalations, e.g. 河南省医疗保障局. */
  upwardAuthority: z.string().min(2),
  /** Public contact published in the notice (济源: 联系人/电话/专用邮箱). Never a submitter's data. */
  contact: z.object({
    /** Named contact person as published by the bureau. */
    person: z.string().optional(),
    /** Published office phone. */
    phone: z.string().optional(),
    /** Dedicated opinion mailbox (意见收集反馈专用邮箱). */
    email: z.string().email().optional(),
    /** Postal address or reception place for 公开接待日. */
    address: z.string().optional(),
  }),
  /** Which office handles each category (济源 二(二)1: policy+grouping → admin, core-elements+other → agency). */
  routing: perCategory(officeSchema),
  /** Working days to reply, per category. */
  replyDays: perCategory(z.number().int().positive()),
  /** Working days past the due date before an overdue opinion is escalated to the bureau's leadership. */
  overdueEscalationDays: z.number().int().positive(),
  /**
   * GitHub @-handles (users or teams, e.g. `@jy-ybj/admin-office`) the daily overdue check mentions: the handlers
   * of each office, and the leadership who supervise opinions still open after `overdueEscalationDays` (逾期督办).
   * Optional: without them the reminder names the office in words only.
   */
  notify: z
    .object({
      admin: z.string().regex(githubHandle).optional(),
      agency: z.string().regex(githubHandle).optional(),
      leadership: z.string().regex(githubHandle).optional(),
    })
    .optional(),
  /**
   * Months an opinion's personal data (name, contact, original text, attachments) is kept after the opinion closes;
   * then it is erased, the opinion, its reply and the statistics staying (个人信息保护法第十九条、第四十七条). The
   * opinion form's 个人信息处理告知 states it.
   */
  personalDataRetentionMonths: z.number().int().min(1).max(120).default(24),
  /**
   * Mailboxes for the daily reminder mail of overdue opinions (issue 14): each office's, and the leadership's for
   * 逾期督办. Optional: without them reminders are the tracker comments only (npm run overdue).
   */
  reminderEmails: z
    .object({
      admin: z.string().email('应为邮箱地址').optional(),
      agency: z.string().email('应为邮箱地址').optional(),
      leadership: z.string().email('应为邮箱地址').optional(),
    })
    .optional(),
  /** Path (relative to the repository) of the grouping code list in force: TSV `code<TAB>name`. Optional. */
  codeListPath: z.string().optional(),
  /** Public site URL, for feeds, sitemap and links in issues. */
  siteUrl: z.string().url(),
  /** GitHub repository (owner/name) of the tracker, when one is used. */
  repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/).optional(),
  /**
   * How `npm run replies` / `npm run summary` hand regenerated content to the site: `pr` opens or updates
   * one pull request (GitHub), `commit` commits to the checked-out branch, `files` only writes the files.
   * Unset: `pr` on GitHub, `files` on the local tracker. PUBLISH_MODE overrides it.
   */
  publishMode: z.enum(['pr', 'commit', 'files']).optional(),
  /** The announcement calendar (/calendar/, `npm run calendar:check`): 泰州 notice 二, 吉林 notice. */
  calendar: z
    .object({
      /** First day the calendar applies: nothing is "missing" before it. YYYY-MM-DD. */
      start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD'),
      /**
       * Day the DRG fund's annual settlement (年度清算) of each year was completed, e.g. {"2025": "2026-04-30"}:
       * the 年通报 is due within one month after it (泰州 notice 二(三)). Years without a date are not yet due.
       */
      annualSettlement: z.record(z.string().regex(/^\d{4}$/), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')).default({}),
    })
    .optional(),
});
export type Bureau = z.infer<typeof bureauSchema>;
