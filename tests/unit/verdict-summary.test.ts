/**
 * 满意率 and 再次办理 in the quarterly summary (issue 14), from the labels on a hand-made local tracker: one verdict
 * per opinion (the submitter's own on /track before a phone follow-up), by office and by category; the page's
 * chart, the workbook sheet and the CSV columns; and an honest quarter without verdicts.
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CategoryKey } from '../../schemas/common.ts';
import { summarySchema } from '../../schemas/summary.ts';
import { categoryLabel, flags, officeLabel, outcomeLabel, revisitLabel, sourceLabel, verdictLabel } from '../../scripts/lib/labels.ts';
import { rateChartSvg } from '../../scripts/lib/publish/charts.ts';
import { formatOnlyCodes } from '../../scripts/lib/publish/codes.ts';
import { createBudget } from '../../scripts/lib/publish/plan.ts';
import { summariseQuarter, type QuarterSummary } from '../../scripts/lib/publish/quarterly.ts';
import { planSummary, verdictSentence } from '../../scripts/lib/publish/summary-doc.ts';
import { satisfactionRate } from '../../scripts/lib/publish/summary.ts';
import { createOpinionReader } from '../../scripts/lib/triage/trust.ts';
import { createWorkCalendar } from '../../scripts/lib/workdays.ts';
import { bots, bureau, opinion, tempDir, testTracker } from './publish-support.ts';

const calendar = createWorkCalendar();
const deps = () => ({ bureau, calendar, codeList: null, extractCodes: formatOnlyCodes, readOpinion: createOpinionReader({ bureau, bots }), budget: createBudget(1000) });

describe('satisfaction in the 2026Q4 summary', () => {
  let result: QuarterSummary;
  let t: ReturnType<typeof testTracker>;
  beforeAll(async () => {
    t = testTracker(tempDir('verdict-summary-'));
    const add = async (code: string, category: CategoryKey, labels: string[], replied = true) => {
      const issue = await t.addOpinion(
        opinion({ trackingCode: code, receivedAt: '2026-10-12T02:00:00Z', selectedCategory: category, title: `关于${code}的建议` }),
        [flags.opinion, sourceLabel('web'), categoryLabel(category), officeLabel(bureau.routing[category]), outcomeLabel('explained'), ...labels],
      );
      if (replied) await t.comment('staff', issue.number, `/reply 答复 ${code}`, '2026-10-14T02:00:00Z');
    };
    await add('JY-2026-VAAAAA', 'policy', [flags.replied, verdictLabel('satisfied')]);
    // Not satisfied: handled again, 已答复 off until the new answer; its first answer still counts as answered.
    await add('JY-2026-VBBBBB', 'policy', [verdictLabel('unsatisfied'), flags.redo]);
    await add('JY-2026-VCCCCC', 'other', [flags.replied, revisitLabel('basically')]);
    // The submitter's own verdict comes before what staff heard on the phone.
    await add('JY-2026-VDDDDD', 'grouping', [flags.replied, verdictLabel('basically'), revisitLabel('unsatisfied')]);
    await add('JY-2026-VEEEEE', 'other', [], false);
    result = await summariseQuarter(t.bot, { year: 2026, q: 4 }, '2026-12-20', deps());
  });

  it('counts one verdict per opinion, 满意率 = (满意 + 基本满意) / 评价数, and 再次办理', () => {
    const s = result.figures.satisfaction;
    expect(s.total).toEqual({ given: 4, satisfied: 1, basically: 2, unsatisfied: 1, redo: 1, online: 3, revisit: 1 });
    expect(s.rate).toBe(0.75);
    expect(s.byOffice).toEqual({
      admin: { given: 3, satisfied: 1, basically: 1, unsatisfied: 1, redo: 1 },
      agency: { given: 1, satisfied: 0, basically: 1, unsatisfied: 0, redo: 0 },
    });
    expect(s.byCategory).toEqual({
      policy: { given: 2, satisfied: 1, basically: 0, unsatisfied: 1, redo: 1 },
      'core-elements': { given: 0, satisfied: 0, basically: 0, unsatisfied: 0, redo: 0 },
      grouping: { given: 1, satisfied: 0, basically: 1, unsatisfied: 0, redo: 0 },
      other: { given: 1, satisfied: 0, basically: 1, unsatisfied: 0, redo: 0 },
    });
    expect(satisfactionRate(s.byOffice.admin)).toBe(0.6667);
    expect(satisfactionRate(s.byCategory['core-elements'])).toBeNull();
    // The opinion handled again was answered once: it is neither open-and-unanswered nor overdue.
    expect(result.figures.answered).toBe(4);
    expect(result.facts.find((f) => f.code === 'JY-2026-VBBBBB')).toMatchObject({ replied: '2026-10-14', verdict: 'unsatisfied', verdictSource: 'online', redo: true });
  });

  it('says it in the narrative, the workbook and the CSV', async () => {
    const { files } = await planSummary(result.figures, result.facts, { year: 2026, q: 4 }, '2026-12-20', async () => null, async () => null);
    expect(files.markdown).toContain('提交人对答复作出评价4条（网上评价3条、电话回访1条），满意率75.0%（满意1条、基本满意2条、不满意1条）。对答复不满意、转为再次办理的意见1条。');
    expect(summarySchema.parse(files.data).satisfaction.rate).toBe(0.75);
    const header = files.csv.split('\r\n')[0].split(',');
    expect(header.slice(-2)).toEqual(['评价结果', '再次办理']);
    const row = files.csv.split('\r\n').find((l) => l.startsWith('JY-2026-VBBBBB'))!.split(',');
    expect(row.slice(-2)).toEqual(['不满意（网上评价）', '是']);
    expect(files.csv.split('\r\n').find((l) => l.startsWith('JY-2026-VCCCCC'))!.split(',').slice(-2)).toEqual(['基本满意（电话回访）', '']);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(files.xlsx) as unknown as ArrayBuffer);
    const overview = wb.getWorksheet('汇总')!.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
    expect(overview).toContainEqual(['满意率（满意与基本满意 / 评价数）', '75.0%']);
    expect(overview).toContainEqual(['再次办理', 1]);
    const sheet = wb.getWorksheet('满意度评价')!.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
    expect(sheet[0]).toEqual(['按承办部门', '评价数', '满意', '基本满意', '不满意', '满意率', '再次办理']);
    expect(sheet).toContainEqual(['医保行政部门', 3, 1, 1, 1, '66.7%', 1]);
    expect(sheet).toContainEqual(['核心要素类', 0, 0, 0, 0, '—', 0]);
    expect(sheet.filter((r) => r[0] === '合计')).toEqual([['合计', 4, 1, 2, 1, '75.0%', 1], ['合计', 4, 1, 2, 1, '75.0%', 1]]);
  });

  it('draws the rate on a 0–100% axis with the number of verdicts beside each bar', () => {
    const svg = rateChartSvg('按承办部门的满意率', [{ label: '医保行政部门', rate: 0.6667, of: 3 }, { label: '医保经办机构', rate: 1, of: 1 }]);
    expect(svg).toMatch(/^<svg role="img" aria-label="按承办部门的满意率"/);
    expect(svg).toContain('<title>按承办部门的满意率</title>');
    expect(svg).toContain('66.7%（3条）');
    expect(svg).toContain('100.0%（1条）');
    expect(svg).toContain('100%');
    expect(svg).not.toContain('<script');
  });

  it('is honest about a quarter without verdicts', async () => {
    const empty = await summariseQuarter(t.bot, { year: 2027, q: 1 }, '2027-04-01', deps());
    expect(empty.figures.satisfaction).toMatchObject({ rate: null, total: { given: 0, redo: 0 } });
    expect(verdictSentence(empty.figures)).toBe('本季度暂无评价。');
    // Summaries written before verdicts existed read as none.
    const old = summarySchema.parse({ title: '2026年第一季度意见收集反馈情况汇总', quarter: '2026Q1', published: '2026-04-01', received: 1, answered: 1, open: 0 });
    expect(old.satisfaction).toEqual({ total: { given: 0, satisfied: 0, basically: 0, unsatisfied: 0, redo: 0, online: 0, revisit: 0 }, byOffice: {}, byCategory: {}, rate: null });
  });
});
