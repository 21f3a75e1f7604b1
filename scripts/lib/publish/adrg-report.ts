/**
 * The half-yearly report of ADRG-level suggestions (泰州 notice 二(四): "对涉及ADRG（核心疾病诊断相关组）
 * 等技术规范调整的建议意见，要注意收集整理，每年7月中旬和12月中旬向泰州市医保局汇报"). Pure, over the
 * same opinion facts as the quarterly summary. Windows partition the year so no opinion is reported
 * twice or missed: the July report covers 1 December of the year before to 30 June, the December
 * report 1 July to 30 November (two weeks to compile before each mid-month deadline).
 */
import { categories, outcomes } from '../../../schemas/common.ts';
import type { OpinionFacts } from './facts.ts';
import { writeWorkbook, toCsv } from './workbook.ts';

export interface Half {
  year: number;
  half: 1 | 2;
}

export function parseHalf(text: string): Half {
  const m = /^(\d{4})H([12])$/i.exec(text.trim());
  if (!m) throw new Error(`半年格式应为 2026H1 或 2026H2，收到 ${text}`);
  return { year: Number(m[1]), half: Number(m[2]) as 1 | 2 };
}

/** Opinions received in this window go into the report due on `due` (the 15th: "中旬"). */
export function adrgReportWindow({ year, half }: Half): { from: string; to: string; due: string } {
  return half === 1
    ? { from: `${year - 1}-12-01`, to: `${year}-06-30`, due: `${year}-07-15` }
    : { from: `${year}-07-01`, to: `${year}-11-30`, due: `${year}-12-15` };
}

export interface AdrgRow {
  adrg: string;
  name: string;
  code: string;
  title: string;
  received: string;
  outcome: string;
  escalated: boolean;
  reserved: boolean;
}

/** The ADRG groups an opinion concerns (DRG → ADRG; 歧义组 as is). */
function adrgsOf(f: OpinionFacts): string[] {
  return [...new Set(f.codes.flatMap((c) => (c.kind === 'adrg' || c.kind === 'ambiguous' ? [c.code] : c.kind === 'drg' ? [c.code.slice(0, 3)] : [])))].sort();
}

/**
 * Rows of the report: every grouping (分组技术类) opinion and every opinion naming an ADRG/DRG/歧义组 code,
 * one row per ADRG it concerns (`未注明` when a grouping opinion names none), sorted by ADRG then date.
 */
export function adrgReportRows(facts: OpinionFacts[], codeName: (code: string) => string | undefined): AdrgRow[] {
  const rows: AdrgRow[] = [];
  for (const f of facts) {
    const adrgs = adrgsOf(f);
    if (!adrgs.length && f.category !== 'grouping') continue;
    for (const adrg of adrgs.length ? adrgs : ['未注明']) {
      rows.push({
        adrg, name: adrg === '未注明' ? '' : codeName(adrg) ?? '', code: f.code, title: f.title, received: f.received,
        outcome: f.outcome ? outcomes[f.outcome].zh : f.replied ? '' : '办理中', escalated: f.escalated, reserved: f.reserved,
      });
    }
  }
  return rows.sort((a, b) => (a.adrg === '未注明' ? 1 : 0) - (b.adrg === '未注明' ? 1 : 0) || a.adrg.localeCompare(b.adrg) || a.received.localeCompare(b.received) || a.code.localeCompare(b.code));
}

const header = ['ADRG', 'ADRG名称', '查询码', '主要意见及建议', '收到日期', '办理结果', '报送上级', '意见留用'];
const cells = (r: AdrgRow) => [r.adrg, r.name, r.code, r.title, r.received, r.outcome, r.escalated ? '是' : '', r.reserved ? '是' : ''];

export function adrgReportCsv(rows: AdrgRow[]): string {
  return toCsv([header, ...rows.map(cells)]);
}

export function adrgReportWorkbook(rows: AdrgRow[], half: Half, stamp: string): Promise<Uint8Array> {
  const w = adrgReportWindow(half);
  const groups = new Map<string, AdrgRow[]>();
  for (const r of rows) groups.set(r.adrg, [...(groups.get(r.adrg) ?? []), r]);
  const overview: (string | number)[][] = [
    ['ADRG', 'ADRG名称', '意见条数', '报送上级', '意见留用'],
    ...[...groups].map(([adrg, rs]) => [adrg, rs[0].name, rs.length, rs.filter((r) => r.escalated).length, rs.filter((r) => r.reserved).length]),
    [],
    ['统计范围', `${w.from} 至 ${w.to} 收到的意见`],
    ['汇报期限', w.due],
    ['分类说明', `含${categories.grouping.zh}意见及涉及 ADRG/DRG/歧义组编码的其他意见`],
  ];
  return writeWorkbook(
    [
      { name: '按ADRG汇总', rows: overview, widths: [10, 28, 10, 10, 10] },
      { name: '意见明细', rows: [header, ...rows.map(cells)], widths: [10, 28, 18, 40, 12, 14, 8, 8] },
    ],
    new Date(`${stamp}T00:00:00Z`),
  );
}
