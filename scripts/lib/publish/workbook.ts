/**
 * The upward-report export of a quarter (济源 notice 四(一): 每季度向河南省医保局报告): an Excel workbook
 * (exceljs) with the figures, the lists and every opinion's public fields, and the opinion list as CSV
 * (UTF-8 with BOM so Excel opens the Chinese correctly). Deterministic: the same summary and facts give
 * the same bytes (fixed document dates and zip timestamps), so regenerating causes no churn.
 */
import ExcelJS from 'exceljs';
import { categories, offices, outcomes, sources, submitterTypes } from '../../../schemas/common.ts';
import type { Summary } from '../../../schemas/summary.ts';
import { verdicts } from '../../../schemas/verdict.ts';
import { isoDate } from '../dates.ts';
import type { OpinionFacts } from './facts.ts';
import { satisfactionColumns, satisfactionRows } from './summary.ts';

const zh = (table: Record<string, { zh: string }>, key: string | null) => (key && table[key]?.zh) || key || '';
const percent = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

/** Columns of the opinion list, shared by the workbook sheet and the CSV. */
export const opinionColumns: { header: string; value: (f: OpinionFacts) => string | number }[] = [
  { header: '查询码', value: (f) => f.code },
  { header: '主要意见及建议', value: (f) => f.title },
  { header: '问题分类', value: (f) => zh(categories, f.category) },
  { header: '承办部门', value: (f) => zh(offices, f.office) },
  { header: '提交人类型', value: (f) => zh(submitterTypes, f.submitterType) },
  { header: '来源渠道', value: (f) => zh(sources, f.source) },
  { header: '收到日期', value: (f) => f.received },
  { header: '答复期限', value: (f) => f.due },
  { header: '答复日期', value: (f) => f.replied ?? '' },
  { header: '办理结果', value: (f) => zh(outcomes, f.outcome) },
  { header: '报送上级', value: (f) => (f.escalated ? '是' : '') },
  { header: '意见留用', value: (f) => (f.reserved ? '是' : '') },
  { header: '涉及编码', value: (f) => f.codes.map((c) => c.code).join(' ') },
  { header: '评价结果', value: (f) => (f.verdict ? `${verdicts[f.verdict].zh}（${f.verdictSource === 'revisit' ? '电话回访' : '网上评价'}）` : '') },
  { header: '再次办理', value: (f) => (f.redo ? '是' : '') },
];

function csvCell(v: string | number): string {
  const s = String(v);
  // Leading =,+,-,@ would run as a formula in Excel (CSV injection): prefix with a quote.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows (header first) as CSV text with a BOM and CRLF line ends. */
export function toCsv(rows: (string | number)[][]): string {
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export function opinionsCsv(facts: OpinionFacts[]): string {
  return toCsv([opinionColumns.map((c) => c.header), ...facts.map((f) => opinionColumns.map((c) => c.value(f)))]);
}

function countRows(title: string, table: Record<string, number>, names: Record<string, { zh: string }>): (string | number)[][] {
  return [[title, '条数'], ...Object.entries(table).map(([k, n]) => [zh(names, k), n]), []];
}

/** Builds a workbook with fixed metadata dates so its bytes depend only on the content. */
export async function writeWorkbook(sheets: { name: string; rows: (string | number)[][]; widths?: number[] }[], stamp: Date): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'drg-feedback';
  wb.lastModifiedBy = 'drg-feedback';
  wb.created = stamp;
  wb.modified = stamp;
  for (const sheet of sheets) {
    const ws = wb.addWorksheet(sheet.name);
    for (const row of sheet.rows) ws.addRow(row);
    ws.getRow(1).font = { bold: true };
    (sheet.widths ?? []).forEach((w, i) => (ws.getColumn(i + 1).width = w));
  }
  const buffer = Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
  return new Uint8Array(setZipTimestamps(buffer, stamp));
}

/**
 * exceljs stamps every zip entry with the current time (jszip's default), so two runs differ. The DOS
 * date/time fields are outside the entries' CRCs; this sets them all to `stamp` through the central
 * directory (PKWARE APPNOTE 4.3.7, 4.3.12, 4.3.16).
 */
export function setZipTimestamps(zip: Buffer, stamp: Date): Buffer {
  const dosDate = ((stamp.getUTCFullYear() - 1980) << 9) | ((stamp.getUTCMonth() + 1) << 5) | stamp.getUTCDate();
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('zip: bad central directory entry');
    zip.writeUInt16LE(0, at + 12);
    zip.writeUInt16LE(dosDate, at + 14);
    const local = zip.readUInt32LE(at + 42);
    zip.writeUInt16LE(0, local + 10);
    zip.writeUInt16LE(dosDate, local + 12);
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return zip;
}

/** The quarter's workbook: 汇总, 分类统计, 意见清单, 逾期, 报送上级, 意见留用, 热点问题, 满意度评价. */
export function summaryWorkbook(summary: Omit<Summary, 'downloads'>, facts: OpinionFacts[]): Promise<Uint8Array> {
  const overview: (string | number)[][] = [
    ['项目', '数值'],
    ['季度', summary.quarter],
    ['统计截至', summary.asOf ? isoDate(summary.asOf) : isoDate(summary.published)],
    ['收到意见', summary.received],
    ['已答复', summary.answered],
    ['办理中', summary.open],
    ['未答复即关闭', summary.closedWithoutReply],
    ['按期答复', summary.answeredOnTime],
    ['按期办结率', percent(summary.onTimeRate)],
    ['答复用时中位数（工作日）', summary.medianDaysToReply ?? '—'],
    ['答复用时第90百分位（工作日）', summary.p90DaysToReply ?? '—'],
    ['逾期未答复', summary.overdue.length],
    ['报送上级', summary.escalated.length],
    ['意见留用', summary.reserved.reduce((n, g) => n + g.items.length, 0)],
    ['评价数（网上评价 / 电话回访）', `${summary.satisfaction.total.given}（${summary.satisfaction.total.online} / ${summary.satisfaction.total.revisit}）`],
    ['满意率（满意与基本满意 / 评价数）', summary.satisfaction.total.given ? percent(summary.satisfaction.rate) : '本季度暂无评价'],
    ['再次办理', summary.satisfaction.total.redo],
    ['并案办理（并入同一问题的意见）', summary.merged],
    ['多家单位提出的问题（单位数）', summary.mergedGroups.map((g) => `${g.code}（${g.units}家）`).join('、') || '无'],
  ];
  const sat = summary.satisfaction;
  const satisfaction: (string | number)[][] = [
    ['按承办部门', ...satisfactionColumns.slice(1)],
    ...satisfactionRows(sat.byOffice, offices, sat.total),
    [],
    ['按问题分类', ...satisfactionColumns.slice(1)],
    ...satisfactionRows(sat.byCategory, categories, sat.total),
  ];
  const breakdown = [
    ...countRows('问题分类', summary.byCategory, categories),
    ...countRows('承办部门', summary.byOffice, offices),
    ...countRows('提交人类型', summary.bySubmitterType, submitterTypes),
    ...countRows('来源渠道', summary.bySource, sources),
    ...countRows('办理结果', summary.byOutcome, outcomes),
  ];
  return writeWorkbook(
    [
      { name: '汇总', rows: overview, widths: [30, 16] },
      { name: '分类统计', rows: breakdown, widths: [20, 10] },
      { name: '意见清单', rows: [opinionColumns.map((c) => c.header), ...facts.map((f) => opinionColumns.map((c) => c.value(f)))], widths: [18, 40, 12, 14, 14, 12, 12, 12, 12, 14, 8, 8, 20, 18, 8] },
      { name: '逾期', rows: [['查询码', '主要意见及建议', '问题分类', '答复期限'], ...summary.overdue.map((o) => [o.code, o.title, zh(categories, o.category), isoDate(o.due)])], widths: [18, 40, 12, 12] },
      { name: '报送上级', rows: [['查询码', '主要意见及建议', '问题分类'], ...summary.escalated.map((o) => [o.code, o.title, zh(categories, o.category)])], widths: [18, 40, 12] },
      { name: '意见留用', rows: [['ADRG', 'ADRG名称', '查询码', '主要意见及建议'], ...summary.reserved.flatMap((g) => g.items.map((i) => [g.adrg, g.name ?? '', i.code, i.title]))], widths: [10, 24, 18, 40] },
      { name: '热点问题', rows: [['热点', '类型', '名称', '本季度', '上季度', '变化'], ...summary.hotTopics.map((h) => [h.term, h.kind === 'code' ? '编码' : '词语', h.name ?? '', h.count, h.previous, h.count - h.previous])], widths: [16, 8, 24, 10, 10, 10] },
      { name: '满意度评价', rows: satisfaction, widths: [16, 10, 8, 10, 8, 10, 10] },
    ],
    new Date(`${isoDate(summary.published)}T00:00:00Z`),
  );
}
