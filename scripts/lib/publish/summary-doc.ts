/**
 * Plans the files of one quarter's summary: content/summaries/<2026-q3>.md (figures in frontmatter,
 * a short honest narrative in the body), and the upward-report exports beside it (.xlsx, .csv, served
 * from /summaries/downloads/). Regenerating with the same figures keeps the file byte for byte: the
 * `published` and `asOf` days of the existing file are kept unless some figure changed.
 */
import { categories } from '../../../schemas/common.ts';
import { summarySchema, type Summary } from '../../../schemas/summary.ts';
import { parseFrontmatter, stringifyFrontmatter } from '../frontmatter.ts';
import { isoDate, zhDate } from '../dates.ts';
import type { OpinionFacts } from './facts.ts';
import { quarterDays, quarterId, type Quarter } from './periods.ts';
import { emptyPlan, planFile, type PublishPlan } from './plan.ts';
import type { SummaryFigures } from './summary.ts';
import { opinionsCsv, summaryWorkbook } from './workbook.ts';

/** The narrative: what the figures say, in plain sentences; honest about an empty quarter. */
export function summaryBody(s: SummaryFigures, quarter: Quarter): string {
  const { start, end } = quarterDays(quarter);
  const span = `${zhDate(start)}至${zhDate(end)}`;
  if (s.received === 0) {
    return `${span}，意见收集反馈系统中没有登记按病组（DRG）付费相关的意见建议，因此本季度没有答复用时、按期办结率、满意率和热点问题可供统计。\n\n如对付费政策、核心要素、分组技术或其他方面有意见建议，欢迎通过[意见提交页面](/submit)反映。\n`;
  }
  const rate = s.onTimeRate === null ? '' : `，按期办结率${(s.onTimeRate * 100).toFixed(1)}%`;
  const timing = s.medianDaysToReply === null ? '本季度收到的意见尚无答复。' : `答复用时中位数为${s.medianDaysToReply}个工作日，90%的意见在${s.p90DaysToReply}个工作日内答复${rate}。`;
  const topCategory = Object.entries(s.byCategory).sort((a, b) => b[1] - a[1])[0];
  const lines = [
    `${span}，共收到意见建议${s.received}条，已答复${s.answered}条，办理中${s.open}条${s.closedWithoutReply ? `，未答复即关闭${s.closedWithoutReply}条` : ''}${s.merged ? `，与其他意见提出的同一问题并案办理${s.merged}条` : ''}。${timing}`,
    '',
    `按问题分类，${categories[topCategory[0] as keyof typeof categories]?.zh ?? topCategory[0]}最多（${topCategory[1]}条）。` +
      (s.overdue.length ? `截至${zhDate(s.asOf!)}，有${s.overdue.length}条意见超过答复期限尚未答复，已督促承办部门办理。` : '目前没有超过答复期限未答复的意见。') +
      (s.escalated.length ? `超出本级权限、需报送上级医保部门研究的意见${s.escalated.length}条。` : '') +
      (s.reserved.length ? `暂不采纳并留用、作为新版分组升级参考的意见${s.reserved.reduce((n, g) => n + g.items.length, 0)}条。` : '') +
      (s.mergedGroups.length ? `${s.mergedGroups.length}个问题由多家单位提出、并案办理（最多${s.mergedGroups[0].units}家），每个问题只统计一次。` : ''),
    '',
    verdictSentence(s),
    '',
  ];
  return lines.join('\n');
}

/** 满意率 and 再次办理 in words; honest when nobody has given a verdict yet. */
export function verdictSentence(s: Pick<SummaryFigures, 'satisfaction'>): string {
  const t = s.satisfaction.total;
  const redo = t.redo ? `对答复不满意、转为再次办理的意见${t.redo}条。` : '';
  if (t.given === 0) return `本季度暂无评价。${redo}`;
  const channels = t.revisit ? `（网上评价${t.online}条、电话回访${t.revisit}条）` : '';
  return (
    `提交人对答复作出评价${t.given}条${channels}，满意率${(s.satisfaction.rate! * 100).toFixed(1)}%` +
    `（满意${t.satisfied}条、基本满意${t.basically}条、不满意${t.unsatisfied}条）。${redo}`
  );
}

export interface SummaryFiles {
  id: string;
  markdown: string;
  xlsx: Uint8Array;
  csv: string;
  data: Summary;
}

/** Renders the summary files for a given publish day. */
export async function renderSummaryFiles(figures: SummaryFigures, facts: OpinionFacts[], quarter: Quarter, published: string, asOf: string): Promise<SummaryFiles> {
  const id = quarterId(quarter);
  const { title, quarter: key, asOf: _computedAsOf, ...rest } = figures;
  const data = {
    title,
    quarter: key,
    published: new Date(`${published}T00:00:00Z`),
    asOf: new Date(`${asOf}T00:00:00Z`),
    ...rest,
    downloads: { xlsx: `${id}.xlsx`, csv: `${id}.csv` },
  };
  const parsed = summarySchema.parse(data);
  const markdown = stringifyFrontmatter({ data: data as unknown as Record<string, unknown>, body: summaryBody(figures, quarter) });
  const sorted = [...facts].sort((a, b) => a.received.localeCompare(b.received) || a.number - b.number);
  return { id, markdown, xlsx: await summaryWorkbook(parsed, sorted), csv: opinionsCsv(sorted), data: parsed };
}

/** Frontmatter without the two day fields that change on every run. */
function figuresOnly(markdown: string | null): string | null {
  if (markdown === null) return null;
  try {
    const { data, body } = parseFrontmatter(markdown);
    const { published: _p, asOf: _a, ...rest } = data;
    return JSON.stringify({ rest, body: body.replace(/截至\d+年\d+月\d+日/g, '') });
  } catch {
    return null;
  }
}

/**
 * The plan for one quarter: if only `published`/`asOf` would change, nothing is written; otherwise all
 * three files are (re)written with today's days.
 */
export async function planSummary(
  figures: SummaryFigures,
  facts: OpinionFacts[],
  quarter: Quarter,
  today: string,
  readExisting: (path: string) => Promise<string | null>,
  readExistingBytes: (path: string) => Promise<Uint8Array | null>,
): Promise<{ plan: PublishPlan; files: SummaryFiles }> {
  const id = quarterId(quarter);
  const mdPath = `summaries/${id}.md`;
  const existing = await readExisting(mdPath);
  const fresh = await renderSummaryFiles(figures, facts, quarter, today, today);
  let files = fresh;
  if (existing !== null && figuresOnly(existing) === figuresOnly(fresh.markdown)) {
    const old = parseFrontmatter(existing).data;
    const day = (v: unknown) => isoDate(v instanceof Date ? v : String(v));
    files = await renderSummaryFiles(figures, facts, quarter, day(old.published), old.asOf ? day(old.asOf) : day(old.published));
  }
  const plan = emptyPlan();
  const reason = `${figures.quarter} 季度汇总`;
  planFile(plan, mdPath, files.markdown, existing, reason);
  planFile(plan, `summaries/${id}.xlsx`, files.xlsx, await readExistingBytes(`summaries/${id}.xlsx`), reason);
  planFile(plan, `summaries/${id}.csv`, files.csv, await readExisting(`summaries/${id}.csv`), reason);
  return { plan, files };
}
