/**
 * What /track may say about an opinion: its stage, category, office, dates and the reply link. Never the text,
 * the unit, the name or the contact (DEVELOPERS.md, privacy). Pure: computed from the outbox job (the store's
 * record of the submission) and the issue's state and labels as the store knows them (issue-status.ts).
 */
import { categories, categoryKeys, officeKeys, offices, type CategoryKey, type OfficeKey } from '../../../schemas/common.ts';
import type { Bureau } from '../../../schemas/bureau.ts';
import { dueDate } from '../due.ts';
import { categoryLabel, flags, keyFromLabels, mergeTarget, officeLabel } from '../labels.ts';
import type { IssueStatus } from '../store/issue-status.ts';
import { chinaDate, type WorkCalendar } from '../workdays.ts';
import type { OutboxJob } from './outbox.ts';
import type { VerdictRecord } from '../../../schemas/verdict.ts';
import { redoDue } from '../verdict/plan.ts';

export const stages = {
  /** In the outbox: accepted, not yet in the tracker. */
  queued: { zh: '已收到，正在登记', explain: '您的意见已保存，系统将自动登记到办理系统，无需重复提交。' },
  /** In the tracker, not yet given to an office. */
  registered: { zh: '已受理', explain: '意见已登记，正在分派承办部门。' },
  /** An office has it. */
  'in-progress': { zh: '办理中', explain: '承办部门正在研究办理。' },
  /** A public reply was given. */
  replied: { zh: '已答复', explain: '已作出答复，答复内容已公开或将于网站更新后公开。' },
  /** The submitter was not satisfied with the reply: handled again (labels.ts flags.redo, scripts/lib/verdict/plan.ts). */
  redo: { zh: '再次办理', explain: '您对答复不满意，承办部门正在重新研究办理，将在新的答复期限前再次答复。' },
  /** Closed. */
  closed: { zh: '已办结', explain: '该意见已办结。' },
} as const;
export type Stage = keyof typeof stages;

export interface PublicStatus {
  trackingCode: string;
  stage: Stage;
  /** YYYY-MM-DD, China time. */
  receivedDay: string;
  category: CategoryKey | null;
  office: OfficeKey | null;
  /** Due date for the current category (moves when staff recategorise, scripts/lib/due.ts). */
  deadline: string | null;
  /** `/replies/<code lowercased>/` when replied. */
  replyUrl: string | null;
  /**
   * 并案办理 (issue 13): the opinion this one is handled with (/merge), whose stage, office and reply link the others
   * show; absent or null when it is handled on its own.
   */
  mergedInto?: { trackingCode: string } | null;
}

export const replyPath = (trackingCode: string) => `/replies/${trackingCode.toLowerCase()}/`;

/**
 * `verdict`: the submitter's verdict on /track (scripts/lib/store/verdicts.ts). A round of handling again that their
 * 不满意 started is due `replyDays` after it (scripts/lib/verdict/plan.ts redoDue); one started after a phone
 * follow-up is not known here, and shows no due date rather than the first, passed one.
 */
function ownStatus(
  job: OutboxJob,
  issue: IssueStatus | null,
  ctx: { bureau: Bureau; calendar: WorkCalendar; verdict?: Pick<VerdictRecord, 'verdict' | 'changedAt'> | null },
): PublicStatus {
  const { trackingCode, receivedAt } = job;
  const labelled = issue ? keyFromLabels<CategoryKey>(issue.labels, categoryLabel, categoryKeys) : undefined;
  const category = labelled ?? job.category;
  const assigned = issue ? keyFromLabels<OfficeKey>(issue.labels, officeLabel, officeKeys) : undefined;
  const office = assigned ?? (category ? ctx.bureau.routing[category] : null);
  let stage: Stage = 'queued';
  if (issue) {
    if (issue.state === 'closed') stage = 'closed';
    else if (issue.labels.includes(flags.replied)) stage = 'replied';
    else if (issue.labels.includes(flags.redo)) stage = 'redo';
    else if (assigned) stage = 'in-progress';
    else stage = 'registered';
  }
  const replied = issue?.labels.includes(flags.replied) ?? false;
  return {
    trackingCode,
    stage,
    receivedDay: chinaDate(new Date(receivedAt)),
    category,
    office,
    deadline:
      stage !== 'redo'
        ? dueDate(ctx.bureau, ctx.calendar, receivedAt, category)
        : ctx.verdict?.verdict === 'unsatisfied'
          ? redoDue(ctx.bureau, ctx.calendar, ctx.verdict.changedAt, category).due
          : null,
    replyUrl: replied ? replyPath(trackingCode) : null,
  };
}

/**
 * The public status of an opinion. One merged into another (labels.ts mergeTarget, read from the issue's labels,
 * all the /track index holds of a GitHub issue) follows that opinion: `ctx.main` is its status, read by the caller
 * with the issue number the label names; the reply link is that opinion's page (its 查询码 is in the label too), and
 * no due date is shown (the main opinion's receiving day is not known here; its office answers for both).
 */
export function publicStatus(
  job: OutboxJob,
  issue: IssueStatus | null,
  ctx: Parameters<typeof ownStatus>[2] & { main?: IssueStatus | null },
): PublicStatus {
  const target = issue ? mergeTarget(issue.labels) : null;
  if (!target) return ownStatus(job, issue, ctx);
  const main = ctx.main ?? null;
  const followed = ownStatus(job, main, { ...ctx, verdict: null });
  return {
    ...followed,
    // Known to be merged by staff, so in hand even before the main opinion's status reaches the store.
    // 再次办理 answers someone else's 不满意: for this submitter the question is simply being handled.
    stage: !main || followed.stage === 'redo' ? 'in-progress' : followed.stage,
    deadline: null,
    replyUrl: main?.labels.includes(flags.replied) ? replyPath(target.trackingCode) : null,
    mergedInto: { trackingCode: target.trackingCode },
  };
}

export const categoryName = (k: CategoryKey | null) => (k ? categories[k].zh : '待分类');
export const officeName = (k: OfficeKey | null) => (k ? offices[k].zh : '待分派');
