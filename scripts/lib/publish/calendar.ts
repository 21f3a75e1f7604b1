/**
 * The announcement calendar: which announcement is due when, and whether it was published. Pure rule
 * functions over China calendar days (`YYYY-MM-DD`) and the work calendar (scripts/lib/workdays.ts).
 *
 * Rules, with their sources in ../shared/seeds/:
 * - 月告知 (monthly-notice): "在每个月的月底前" tell hospitals about the previous month (泰州 二(一)):
 *   due in month M for period M-1, window M-01 … last day of M.
 * - 季公告 (quarterly-announcement): "在每季度第二个月上旬" about the previous quarter (泰州 二(二)):
 *   window 1st … 10th of the quarter's second month (Feb, May, Aug, Nov).
 * - 年通报 (annual-report): "在每年DRG付费基金清算工作完成后1个月内" (泰州 二(三)): window from the
 *   settlement day (bureau.json calendar.annualSettlement) to one month after; no date → not yet due.
 * - 特例单议公告 (special-case-review): "每半年公告一次，2024年12月底前发布第一期" (吉林 一(三)):
 *   by the last day of each half-year, for that half.
 * - 预付金公告 (prepayment): "预付金拨付情况应于每年年底向社会公布" (吉林 一(六)): December of the year.
 * Deadlines that fall on a rest day or public holiday move to the next working day: 民法典 第二百零三条
 * ("期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日").
 */
import type { AnnouncementType } from '../../../schemas/announcement.ts';
import type { WorkCalendar } from '../workdays.ts';
import { addDays, addOneMonth, monthEnd } from './periods.ts';

export type ScheduledType = Exclude<AnnouncementType, 'notice'>;

export interface DueItem {
  type: ScheduledType;
  /** Period the announcement covers (schemas/common.ts periodSchema). */
  period: string;
  /** First day of the publishing window. */
  opens: string;
  /** Last day as the notice states it. */
  nominalDeadline: string;
  /** Last day after moving off rest days and holidays. */
  deadline: string;
}

export interface CalendarSettings {
  /** First day the calendar applies. */
  start: string;
  /** Year → day its annual settlement was completed. */
  annualSettlement: Record<string, string>;
}

export type DueStatus = 'published' | 'late' | 'scheduled' | 'due' | 'missing' | 'upcoming';

export const statusZh: Record<DueStatus, string> = {
  published: '已发布',
  late: '已发布（逾期）',
  scheduled: '已排期',
  due: '待发布',
  missing: '逾期未发布',
  upcoming: '未到期',
};

export const ruleZh: Record<ScheduledType, string> = {
  'monthly-notice': '每月月底前告知上月情况（泰州 二(一)）',
  'quarterly-announcement': '每季度第二个月上旬公告上一季度情况（泰州 二(二)）',
  'annual-report': '年度清算完成后1个月内通报（泰州 二(三)）',
  'special-case-review': '特例单议数量与评议结果每半年公告一次（吉林 一(三)）',
  prepayment: '预付金拨付情况每年年底公布（吉林 一(六)）',
};

const pad = (n: number) => String(n).padStart(2, '0');

/** The deadline moved forward to the next working day when it is a rest day or holiday (民法典 第二百零三条). */
export function rollToWorkday(calendar: WorkCalendar, day: string): string {
  let d = day;
  while (!calendar.isWorkday(d)) d = addDays(d, 1);
  return d;
}

function item(calendar: WorkCalendar, type: ScheduledType, period: string, opens: string, nominalDeadline: string): DueItem {
  return { type, period, opens, nominalDeadline, deadline: rollToWorkday(calendar, nominalDeadline) };
}

/** Every announcement due whose window overlaps [from, to], in deadline order. */
export function dueItems(settings: CalendarSettings, calendar: WorkCalendar, from: string, to: string): DueItem[] {
  const out: DueItem[] = [];
  const first = Number(from.slice(0, 4)) - 1;
  const last = Number(to.slice(0, 4)) + 1;
  for (let y = first; y <= last; y++) {
    for (let m = 1; m <= 12; m++) {
      const [py, pm] = m === 1 ? [y - 1, 12] : [y, m - 1];
      out.push(item(calendar, 'monthly-notice', `${py}-${pad(pm)}`, `${y}-${pad(m)}-01`, monthEnd(y, m)));
    }
    for (let q = 1; q <= 4; q++) {
      const month = q * 3 - 1;
      const period = q === 1 ? `${y - 1}Q4` : `${y}Q${q - 1}`;
      out.push(item(calendar, 'quarterly-announcement', period, `${y}-${pad(month)}-01`, `${y}-${pad(month)}-10`));
    }
    out.push(item(calendar, 'special-case-review', `${y}H1`, `${y}-01-01`, `${y}-06-30`));
    out.push(item(calendar, 'special-case-review', `${y}H2`, `${y}-07-01`, `${y}-12-31`));
    out.push(item(calendar, 'prepayment', `${y}`, `${y}-12-01`, `${y}-12-31`));
    const settled = settings.annualSettlement[String(y)];
    if (settled) out.push(item(calendar, 'annual-report', `${y}`, settled, addOneMonth(settled)));
  }
  return out
    .filter((i) => i.deadline >= settings.start && i.deadline >= from && i.opens <= to)
    .sort((a, b) => a.deadline.localeCompare(b.deadline) || a.type.localeCompare(b.type));
}

/** An announcement as the calendar sees it. */
export interface PublishedAnnouncement {
  id: string;
  type: AnnouncementType;
  period: string;
  /** Publish day. */
  published: string;
  title: string;
}

export interface CalendarEntry extends DueItem {
  status: DueStatus;
  /** The announcement that fulfils it, when one exists (published or scheduled). */
  announcement?: PublishedAnnouncement;
}

/** Status of each due item on `today`, given the announcements that exist (future-dated included). */
export function calendarStatus(items: DueItem[], announcements: PublishedAnnouncement[], today: string): CalendarEntry[] {
  return items.map((i) => {
    const matches = announcements.filter((a) => a.type === i.type && a.period === i.period).sort((a, b) => a.published.localeCompare(b.published));
    const out = matches.find((a) => a.published <= today);
    if (out) return { ...i, status: out.published > i.deadline ? 'late' : 'published', announcement: out };
    if (matches.length) return { ...i, status: 'scheduled', announcement: matches[0] };
    if (today > i.deadline) return { ...i, status: 'missing' };
    if (today >= i.opens) return { ...i, status: 'due' };
    return { ...i, status: 'upcoming' };
  });
}

/** GitHub workflow commands for `npm run calendar:check`: a warning per missing announcement, a notice per open one. */
export function calendarAnnotations(entries: CalendarEntry[], label: (type: ScheduledType, period: string) => string, today: string): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    if (e.status === 'missing') lines.push(`::warning title=公告逾期未发布::${label(e.type, e.period)}应于${e.deadline}前发布（${ruleZh[e.type]}），尚未发布`);
    else if (e.status === 'due') {
      const left = Math.round((Date.parse(e.deadline) - Date.parse(today)) / 86400_000);
      lines.push(`::notice title=公告待发布::${label(e.type, e.period)}须在${e.deadline}前发布，还剩${left}天`);
    }
  }
  return lines;
}
