/**
 * The daily overdue check (issue 4: "nothing is overdue without someone being told"). For each open opinion
 * that has no public answer yet: past its due date → label 逾期 and remind the handling office, once; still
 * open `bureau.overdueEscalationDays` working days after the due date → label 逾期督办 and address the
 * bureau's leadership, once. The labels are the memory: a label already present means that reminder was sent.
 * The due date is recomputed from the category in force (scripts/lib/due.ts), so /category moves it.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import { categories, categoryKeys, offices, officeKeys } from '../../../schemas/common.ts';
import type { OpinionRecord } from '../../../schemas/opinion.ts';
import { dueDate } from '../due.ts';
import { categoryLabel, flags, keyFromLabels, officeLabel } from '../labels.ts';
import type { TrackerIssue } from '../tracker/port.ts';
import { workdaysBetween, type WorkCalendar } from '../workdays.ts';
import type { Operation } from './plan.ts';

export interface OverduePlan {
  issue: number;
  /** Why nothing applies (closed, answered, not yet due...), else null. */
  skipped: string | null;
  due: string | null;
  /** Working days past the due date (0 on the first calendar day after it when that is a holiday). */
  lateWorkdays: number;
  operations: Operation[];
}

export interface OverdueContext {
  bureau: Bureau;
  calendar: WorkCalendar;
  /** Today in China, YYYY-MM-DD. */
  today: string;
  /**
   * The due date of the round of handling again in force (再次办理 after a 不满意 verdict, from the verdict comment:
   * scripts/lib/verdict/plan.ts), which replaces the first one; the round's start took 逾期 and 逾期督办 off.
   */
  redoDue?: string | null;
}

export function planOverdue(issue: TrackerIssue, opinion: OpinionRecord | null, ctx: OverdueContext): OverduePlan {
  const base = { issue: issue.number, due: null, lateWorkdays: 0, operations: [] as Operation[] };
  if (issue.state === 'closed') return { ...base, skipped: '已关闭' };
  if (issue.labels.includes(flags.replied)) return { ...base, skipped: '已答复' };
  if (!opinion) return { ...base, skipped: '不是意见建议议题' };
  const category = keyFromLabels(issue.labels, categoryLabel, categoryKeys) ?? opinion.selectedCategory;
  if (!category) return { ...base, skipped: '尚未分类（先运行分拣）' };
  const office = keyFromLabels(issue.labels, officeLabel, officeKeys) ?? ctx.bureau.routing[category];
  const redo = issue.labels.includes(flags.redo) && ctx.redoDue ? ctx.redoDue : null;
  const due = redo ?? dueDate(ctx.bureau, ctx.calendar, opinion.receivedAt, category);
  if (ctx.today <= due) return { ...base, due, skipped: `未到期（${due}）` };

  const late = workdaysBetween(ctx.calendar, due, ctx.today);
  const remind = !issue.labels.includes(flags.overdue);
  const escalate = late >= ctx.bureau.overdueEscalationDays && !issue.labels.includes(flags.overdueEscalated);
  if (!remind && !escalate) return { ...base, due, lateWorkdays: late, skipped: '已提醒，未到督办时限' };

  const notify = ctx.bureau.notify ?? {};
  const officeName = `${offices[office].zh}${notify[office] ? ` ${notify[office]}` : ''}`;
  const lines: string[] = [];
  if (remind) {
    lines.push(
      redo
        ? `⏰ **逾期提醒**：本意见再次办理的答复期限是 **${due}**（提交人对答复不满意后 ${categories[category].zh} ${ctx.bureau.replyDays[category]} 个工作日），现已逾期。`
        : `⏰ **逾期提醒**：本意见的答复期限是 **${due}**（${categories[category].zh} ${ctx.bureau.replyDays[category]} 个工作日），现已逾期。`,
      `请${officeName}尽快办理，并用 \`/reply <答复正文>\` 给出答复、\`/outcome <办理结果>\` 登记结果。`,
    );
  }
  if (escalate) {
    if (lines.length) lines.push('');
    lines.push(
      `🚨 **逾期督办**：本意见已超过答复期限 ${late} 个工作日（期限 ${due}，承办：${offices[office].zh}），` +
        `按规定提请${notify.leadership ? `分管负责人 ${notify.leadership}` : '分管负责人'}督办。`,
    );
  }
  const labels = [...(remind ? [flags.overdue] : []), ...(escalate ? [flags.overdueEscalated] : [])];
  return {
    ...base,
    skipped: null,
    due,
    lateWorkdays: late,
    // The reminder first: if the run dies between the two writes, the office is told twice rather than never.
    operations: [{ kind: 'createComment', body: lines.join('\n') }, { kind: 'addLabels', labels }],
  };
}
