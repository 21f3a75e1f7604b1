/**
 * Quarterly summary figures on a small hand-made local tracker: exact counts, median and p90 of working
 * days, on-time rate, overdue/escalated/reserved lists, China-time quarter boundaries, the empty quarter,
 * and byte-identical regeneration.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parseCodeList } from '../../scripts/lib/code-list.ts';
import { validateContentFile } from '../../scripts/lib/content.ts';
import { parseFrontmatter } from '../../scripts/lib/frontmatter.ts';
import { categoryLabel, flags, officeLabel, outcomeLabel, sourceLabel } from '../../scripts/lib/labels.ts';
import { createOpinionReader } from '../../scripts/lib/triage/trust.ts';
import { formatOnlyCodes } from '../../scripts/lib/publish/codes.ts';
import { median, percentile } from '../../scripts/lib/publish/summary.ts';
import { createBudget } from '../../scripts/lib/publish/plan.ts';
import { summariseQuarter, type QuarterSummary } from '../../scripts/lib/publish/quarterly.ts';
import { planSummary } from '../../scripts/lib/publish/summary-doc.ts';
import { createWorkCalendar } from '../../scripts/lib/workdays.ts';
import type { CategoryKey } from '../../schemas/common.ts';
import { bots, bureau, opinion, tempDir, testTracker } from './publish-support.ts';

const calendar = createWorkCalendar();
const codeList = parseCodeList('code\tname\nFM1\t经皮冠状动脉支架植入\nHQY\t肝胆胰系统歧义组\n');

describe('median and p90', () => {
  it('uses the mean of the middle pair and the nearest rank', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([7, 2, 24, 2])).toBe(4.5);
    expect(percentile([7, 2, 24, 2], 90)).toBe(24);
    expect(percentile(Array.from({ length: 10 }, (_, i) => i + 1), 90)).toBe(9);
    expect(percentile(Array.from({ length: 20 }, (_, i) => i + 1), 90)).toBe(18);
  });
});

describe('a hand-made quarter (2026Q3)', () => {
  let result: QuarterSummary;
  const deps = () => ({ bureau, calendar, codeList, extractCodes: formatOnlyCodes, readOpinion: createOpinionReader({ bureau, bots }), budget: createBudget(1000) });
  let t: ReturnType<typeof testTracker>;

  beforeAll(async () => {
    t = testTracker(tempDir('summary-tracker-'));
    const add = async (code: string, receivedAt: string, category: CategoryKey, extra: { labels?: string[]; title?: string; details?: string; submitterType?: 'hospital' | 'expert'; source?: 'web' | 'email' } = {}) => {
      const office = bureau.routing[category];
      const issue = await t.addOpinion(
        opinion({ trackingCode: code, receivedAt, selectedCategory: category, title: extra.title ?? `关于${code}的建议`, details: extra.details ?? '基准点数偏低，建议调整。', submitterType: extra.submitterType ?? 'hospital', source: extra.source ?? 'web' }),
        [flags.opinion, sourceLabel(extra.source ?? 'web'), categoryLabel(category), officeLabel(office), ...(extra.labels ?? [])],
      );
      return issue.number;
    };
    const reply = async (n: number, at: string, outcome: Parameters<typeof outcomeLabel>[0]) => {
      await t.bot.addLabels(n, [outcomeLabel(outcome), flags.replied]);
      await t.comment('staff', n, `/reply 答复 ${n}`, at);
    };
    // Previous quarter, last minute in Beijing (15:59Z = 23:59 China on 06-30): counts for hot topics only.
    await add('JY-2026-Q2LAST', '2026-06-30T15:59:00Z', 'core-elements', { details: '基准点数和调整系数的问题。' });
    // A: 00:30 on 07-01 in Beijing → Q3. Answered after 7 working days.
    const a = await add('JY-2026-AAAAAA', '2026-06-30T16:30:00Z', 'grouping', { details: 'FM19组入组问题，基准点数偏低。' });
    await reply(a, '2026-07-10T02:00:00Z', 'adopted');
    // D: answered after 2 working days, by e-mail.
    const d = await add('JY-2026-DDDDDD', '2026-07-06T02:00:00Z', 'policy', { source: 'email' });
    await reply(d, '2026-07-08T02:00:00Z', 'explained');
    // E: 24 working days for a 15-day category: late. A person replying without write access does not count.
    const e = await add('JY-2026-EEEEEE', '2026-07-13T02:00:00Z', 'core-elements', { submitterType: 'expert' });
    await t.comment('visitor', e, '/reply 我先答复一下', '2026-07-14T02:00:00Z');
    await reply(e, '2026-08-14T02:00:00Z', 'partial');
    // F: still open and past due by 2026-10-20; escalated to the province.
    await add('JY-2026-FFFFFF', '2026-09-25T02:00:00Z', 'other', { labels: [flags.escalate] });
    // G: reserved for the next grouping revision, then closed without a reply; names FM19 and HQY.
    const g = await add('JY-2026-GGGGGG', '2026-08-03T02:00:00Z', 'grouping', { labels: [flags.reserved], details: 'FM19与HQY的入组规则。联系人王五 13800138000' });
    await t.bot.updateIssue(g, { state: 'closed' });
    // H: reserved with an outcome, no code: grouped under 未注明.
    const h = await add('JY-2026-HHHHHH', '2026-08-03T03:00:00Z', 'grouping');
    await reply(h, '2026-08-05T02:00:00Z', 'reserved');
    // B: 00:30 on 10-01 in Beijing → Q4, not in this summary.
    await add('JY-2026-BBBBBB', '2026-09-30T16:30:00Z', 'policy');
    result = await summariseQuarter(t.bot, { year: 2026, q: 3 }, '2026-10-20', deps());
  });

  it('counts what was received, answered, open and closed', () => {
    const f = result.figures;
    expect(result.facts.map((x) => x.code)).toEqual(['JY-2026-AAAAAA', 'JY-2026-DDDDDD', 'JY-2026-EEEEEE', 'JY-2026-FFFFFF', 'JY-2026-GGGGGG', 'JY-2026-HHHHHH']);
    expect([f.received, f.answered, f.open, f.closedWithoutReply]).toEqual([6, 4, 1, 1]);
    expect(f.byCategory).toEqual({ policy: 1, 'core-elements': 1, grouping: 3, other: 1 });
    expect(f.byOffice).toEqual({ admin: 4, agency: 2 });
    expect(f.bySubmitterType).toMatchObject({ hospital: 5, expert: 1, pharmacy: 0 });
    expect(f.bySource).toMatchObject({ web: 5, email: 1, phone: 0 });
    expect(f.byOutcome).toEqual({ adopted: 1, partial: 1, reserved: 1, explained: 1, escalated: 0 });
  });

  it('times replies in working days: median 4.5, p90 24, on time 3 of 4', () => {
    const f = result.figures;
    expect(result.facts.filter((x) => x.replied).map((x) => [x.code, x.received, x.replied])).toEqual([
      ['JY-2026-AAAAAA', '2026-07-01', '2026-07-10'],
      ['JY-2026-DDDDDD', '2026-07-06', '2026-07-08'],
      ['JY-2026-EEEEEE', '2026-07-13', '2026-08-14'],
      ['JY-2026-HHHHHH', '2026-08-03', '2026-08-05'],
    ]);
    expect(f.medianDaysToReply).toBe(4.5);
    expect(f.p90DaysToReply).toBe(24);
    expect(f.answeredOnTime).toBe(3);
    expect(f.onTimeRate).toBe(0.75);
  });

  it('lists overdue, escalated and reserved opinions by public fields only', () => {
    const f = result.figures;
    // F: received Fri 09-25; 10 working days skip the National Day holiday (10-01..10-07) and count the
    // Saturday make-up day 10-10: 09-28, 09-29, 09-30, 10-08, 10-09, 10-10, 10-12 … 10-15.
    expect(f.overdue).toEqual([{ code: 'JY-2026-FFFFFF', title: '关于JY-2026-FFFFFF的建议', category: 'other', due: new Date('2026-10-15T00:00:00Z') }]);
    expect(f.escalated).toEqual([{ code: 'JY-2026-FFFFFF', title: '关于JY-2026-FFFFFF的建议', category: 'other' }]);
    expect(f.reserved).toEqual([
      { adrg: 'FM1', name: '经皮冠状动脉支架植入', items: [{ code: 'JY-2026-GGGGGG', title: '关于JY-2026-GGGGGG的建议' }] },
      { adrg: 'HQY', name: '肝胆胰系统歧义组', items: [{ code: 'JY-2026-GGGGGG', title: '关于JY-2026-GGGGGG的建议' }] },
      { adrg: '未注明', items: [{ code: 'JY-2026-HHHHHH', title: '关于JY-2026-HHHHHH的建议' }] },
    ]);
  });

  it('charts hot topics with the previous quarter for comparison', () => {
    const hot = result.figures.hotTopics;
    expect(hot.find((h) => h.term === '基准点数')).toEqual({ term: '基准点数', kind: 'term', count: 5, previous: 1 });
    expect(hot.find((h) => h.term === 'FM1')).toEqual({ term: 'FM1', kind: 'code', name: '经皮冠状动脉支架植入', count: 2, previous: 0 });
  });

  it('writes a schema-valid file, a workbook and a CSV without personal data, and regenerates byte for byte', async () => {
    const files = new Map<string, string | Uint8Array>();
    const readText = async (p: string) => (files.has(p) ? String(files.get(p)) : null);
    const readBytes = async (p: string) => (files.get(p) as Uint8Array | undefined) ?? null;
    const first = await planSummary(result.figures, result.facts, { year: 2026, q: 3 }, '2026-10-20', readText, readBytes);
    expect(first.plan.changes.map((c) => c.path)).toEqual(['summaries/2026-q3.md', 'summaries/2026-q3.xlsx', 'summaries/2026-q3.csv']);
    for (const c of first.plan.changes) files.set(c.path, c.content);

    const md = String(files.get('summaries/2026-q3.md'));
    expect(validateContentFile('summaries', 'summaries/2026-q3.md', md)).toEqual([]);
    expect(parseFrontmatter(md).data).toMatchObject({ title: '2026年第三季度意见收集反馈情况汇总', received: 6, answered: 4, published: '2026-10-20', downloads: { xlsx: '2026-q3.xlsx', csv: '2026-q3.csv' } });
    expect(parseFrontmatter(md).body).toContain('共收到意见建议6条，已答复4条，办理中1条，未答复即关闭1条');
    const csv = String(files.get('summaries/2026-q3.csv'));
    expect(csv.split('\r\n')[0]).toBe('\uFEFF查询码,主要意见及建议,问题分类,承办部门,提交人类型,来源渠道,收到日期,答复期限,答复日期,办理结果,报送上级,意见留用,涉及编码,评价结果,再次办理');
    expect(csv.split('\r\n')).toHaveLength(8);
    for (const text of [md, csv]) for (const secret of ['王五', '13800138000', '济源市人民医院', 'sealed']) expect(text).not.toContain(secret);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(files.get('summaries/2026-q3.xlsx') as Uint8Array) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '分类统计', '意见清单', '逾期', '报送上级', '意见留用', '热点问题', '满意度评价']);
    expect(wb.getWorksheet('汇总')!.getRow(4).values).toEqual([undefined, '收到意见', 6]);
    expect(wb.getWorksheet('意见清单')!.rowCount).toBe(7);

    // A later run with the same tracker: nothing changes, not even the dates.
    const again = await planSummary(result.figures, result.facts, { year: 2026, q: 3 }, '2026-10-25', readText, readBytes);
    expect(again.plan.changes).toEqual([]);
    expect(again.plan.unchanged).toBe(3);
  });

  it('summarises an empty quarter honestly', async () => {
    const empty = await summariseQuarter(t.bot, { year: 2027, q: 1 }, '2027-04-01', deps());
    expect(empty.figures).toMatchObject({ received: 0, answered: 0, open: 0, medianDaysToReply: null, p90DaysToReply: null, onTimeRate: null, overdue: [], hotTopics: [] });
    const { files } = await planSummary(empty.figures, empty.facts, { year: 2027, q: 1 }, '2027-04-01', async () => null, async () => null);
    expect(validateContentFile('summaries', 'summaries/2027-q1.md', files.markdown)).toEqual([]);
    expect(files.markdown).toContain('没有登记按病组（DRG）付费相关的意见建议');
    expect(files.csv.split('\r\n').filter(Boolean)).toHaveLength(1);
  });
});
