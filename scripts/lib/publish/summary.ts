/**
 * The quarterly summary (按季度汇总, 济源 notice 四(一)) computed from opinion facts (facts.ts). Pure:
 * the same facts, quarter and day give the same figures. Definitions, so the numbers can be checked:
 * - received: opinions whose receiving day (China time) is in the quarter;
 * - answered: of those, with a public reply (first /reply by staff); open: not answered and not closed;
 *   closedWithoutReply: closed without a reply;
 * - days to reply: working days from the receiving day to the first reply (scripts/lib/workdays.ts);
 *   median = middle value (mean of the two middle values for an even count); p90 = nearest rank
 *   (the ceil(0.9·n)-th smallest);
 * - on-time rate (按期办结率): answered by the due day (scripts/lib/due.ts) / answered;
 * - overdue: not answered and the due day is before `asOf`;
 * - verdicts (满意度, issue 14): of the quarter's opinions, those with a verdict on the reply as of `asOf` — the
 *   submitter's own on /track (label 评价:…), else the one staff heard on a phone follow-up (回访:…), one per
 *   opinion; 满意率 = (满意 + 基本满意) / opinions with a verdict (国办发〔2019〕51号 counts 基本满意 as 好评);
 *   再次办理 = opinions handled again after a 不满意 (label 再次办理), whether or not answered again yet;
 * - 并案办理 (issue 13): an opinion merged into another (/merge) is that one's question, so it counts once: in
 *   `received`, `bySubmitterType`, `bySource` and the verdicts (who wrote, how it came, what they said of the answer),
 *   and as `merged`, but not again in answered / open / closed, timing, category, office, outcome, the lists or the
 *   hot topics; `mergedGroups` lists the quarter's questions several units raised, with how many. So
 *   received = answered + open + closedWithoutReply + merged.
 */
import { categoryKeys, officeKeys, outcomeKeys, sourceKeys, submitterTypeKeys } from '../../../schemas/common.ts';
import type { Summary, VerdictCounts } from '../../../schemas/summary.ts';
import { workdaysBetween, type WorkCalendar } from '../workdays.ts';
import type { OpinionFacts } from './facts.ts';
import { hotTopics } from './hot-topics.ts';
import { quarterLabel, type Quarter, quarterKey } from './periods.ts';

/** Middle value; mean of the two middle values for an even count; null for none. */
export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100): the ceil(p/100·n)-th smallest value; null for none. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}

/** Counts per key, every known key present (0 when none) so tables and charts are complete. */
function countBy<K extends string>(facts: OpinionFacts[], keys: readonly K[], key: (f: OpinionFacts) => K | null): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
  for (const f of facts) {
    const k = key(f);
    if (k !== null) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

export type SummaryFigures = Omit<Summary, 'published' | 'downloads'>;

/** 满意率 of a group: (满意 + 基本满意) / given, to four decimals; null when nobody gave a verdict. */
export function satisfactionRate(c: Pick<VerdictCounts, 'given' | 'satisfied' | 'basically'>): number | null {
  return c.given ? Math.round(((c.satisfied + c.basically) / c.given) * 10000) / 10000 : null;
}

/** Columns of the 满意度 tables (the workbook's sheet and the summary page). */
export const satisfactionColumns = ['项目', '评价数', '满意', '基本满意', '不满意', '满意率', '再次办理'];

/** One row of a 满意度 table: counts, the rate (— without verdicts) and 再次办理. */
export function satisfactionRow(label: string, c: VerdictCounts): (string | number)[] {
  const rate = satisfactionRate(c);
  return [label, c.given, c.satisfied, c.basically, c.unsatisfied, rate === null ? '—' : `${(rate * 100).toFixed(1)}%`, c.redo];
}

/** The rows of a 满意度 table by office or category: every key in the table's order, then the total. */
export function satisfactionRows(table: Record<string, VerdictCounts>, names: Record<string, { zh: string }>, total: VerdictCounts): (string | number)[][] {
  return [...Object.entries(table).map(([k, c]) => satisfactionRow(names[k]?.zh ?? k, c)), satisfactionRow('合计', total)];
}

function verdictCounts(facts: OpinionFacts[]): VerdictCounts {
  const c: VerdictCounts = { given: 0, satisfied: 0, basically: 0, unsatisfied: 0, redo: 0 };
  for (const f of facts) {
    if (f.verdict) {
      c.given++;
      c[f.verdict]++;
    }
    if (f.redo) c.redo++;
  }
  return c;
}

/** Verdict counts in all, by office and by category (every key present), and the overall 满意率. */
export function satisfactionFigures(facts: OpinionFacts[]): Summary['satisfaction'] {
  const total = verdictCounts(facts);
  const per = <K extends string>(keys: readonly K[], key: (f: OpinionFacts) => K) =>
    Object.fromEntries(keys.map((k) => [k, verdictCounts(facts.filter((f) => key(f) === k))]));
  return {
    total: { ...total, online: facts.filter((f) => f.verdictSource === 'online').length, revisit: facts.filter((f) => f.verdictSource === 'revisit').length },
    byOffice: per(officeKeys, (f) => f.office),
    byCategory: per(categoryKeys, (f) => f.category),
    rate: satisfactionRate(total),
  };
}

export interface ComputeOptions {
  quarter: Quarter;
  /** The day figures are as of (open, overdue). */
  asOf: string;
  calendar: WorkCalendar;
  /** Facts of the previous quarter, for the change in hot topics. */
  previous: OpinionFacts[];
  codeName?: (code: string) => string | undefined;
}

const byCodeThenNumber = (a: OpinionFacts, b: OpinionFacts) => a.received.localeCompare(b.received) || a.number - b.number;
const listed = (f: OpinionFacts) => ({ code: f.code, title: f.title, category: f.category });

export function computeSummary(all: OpinionFacts[], o: ComputeOptions): SummaryFigures {
  // Each question once: opinions merged into another are counted with it (并案办理).
  const facts = all.filter((f) => !f.mergedInto);
  const answered = facts.filter((f) => f.replied !== null);
  const days = answered.map((f) => workdaysBetween(o.calendar, f.received, f.replied!));
  const onTime = answered.filter((f) => f.replied! <= f.due).length;
  const asOfDate = new Date(`${o.asOf}T00:00:00Z`);

  const reservedGroups = new Map<string, { code: string; title: string }[]>();
  for (const f of [...facts].sort(byCodeThenNumber).filter((x) => x.reserved)) {
    const adrgs = new Set(
      f.codes.flatMap((c) => (c.kind === 'adrg' || c.kind === 'ambiguous' ? [c.code] : c.kind === 'drg' ? [c.code.slice(0, 3)] : [])),
    );
    for (const adrg of adrgs.size ? adrgs : ['未注明']) reservedGroups.set(adrg, [...(reservedGroups.get(adrg) ?? []), { code: f.code, title: f.title }]);
  }
  const reserved = [...reservedGroups]
    .sort(([a], [b]) => (a === '未注明' ? 1 : b === '未注明' ? -1 : a.localeCompare(b)))
    .map(([adrg, items]) => {
      const name = adrg === '未注明' ? undefined : o.codeName?.(adrg);
      return { adrg, ...(name ? { name } : {}), items };
    });

  return {
    title: `${quarterLabel(o.quarter)}意见收集反馈情况汇总`,
    quarter: quarterKey(o.quarter),
    asOf: asOfDate,
    received: all.length,
    merged: all.length - facts.length,
    answered: answered.length,
    open: facts.filter((f) => f.replied === null && f.state === 'open').length,
    closedWithoutReply: facts.filter((f) => f.replied === null && f.state === 'closed').length,
    answeredOnTime: onTime,
    byCategory: countBy(facts, categoryKeys, (f) => f.category),
    byOffice: countBy(facts, officeKeys, (f) => f.office),
    bySubmitterType: countBy(all, submitterTypeKeys, (f) => f.submitterType),
    bySource: countBy(all, sourceKeys, (f) => f.source),
    byOutcome: countBy(facts, outcomeKeys, (f) => f.outcome),
    medianDaysToReply: median(days),
    p90DaysToReply: percentile(days, 90),
    onTimeRate: answered.length ? Math.round((onTime / answered.length) * 10000) / 10000 : null,
    satisfaction: satisfactionFigures(all),
    overdue: facts
      .filter((f) => f.replied === null && f.state === 'open' && f.due < o.asOf)
      .sort((a, b) => a.due.localeCompare(b.due) || a.number - b.number)
      .map((f) => ({ ...listed(f), due: new Date(`${f.due}T00:00:00Z`) })),
    escalated: [...facts].sort(byCodeThenNumber).filter((f) => f.escalated).map(listed),
    reserved,
    mergedGroups: facts
      .filter((f) => (f.units ?? 1) > 1)
      .sort((a, b) => b.units! - a.units! || byCodeThenNumber(a, b))
      .map((f) => ({ ...listed(f), units: f.units! })),
    hotTopics: hotTopics(facts, o.previous.filter((f) => !f.mergedInto), { codeName: o.codeName }),
  };
}
