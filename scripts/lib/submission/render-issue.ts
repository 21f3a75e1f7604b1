/**
 * An accepted submission → the tracker issue: a readable title and GFM body for staff, the initial labels
 * (contracts.md: 意见建议, 来源:网页表单, the ticked category) and the machine block (scripts/lib/opinion-block.ts)
 * that triage and publishing parse. Section headings are the issue forms' labels (contracts.md), so both kinds
 * of issue read the same. Every piece of submitted text goes through neutralise.ts. The tracker may be outside
 * China (GitHub), so the issue carries no personal data at all, not even sealed (issue 12, 个人信息保护法第三十六条):
 * the submission arrives here already redacted, and name, contact and original text stay in the bureau's store.
 */
import { categories, offices, sources, submitterTypes, type OfficeKey, type SourceKey } from '../../../schemas/common.ts';
import type { OpinionRecord } from '../../../schemas/opinion.ts';
import { submissionLabels as L, type CodedItem, type FieldError, type Submission, type SubmissionCase } from '../../../schemas/submission.ts';
import { categoryLabel, flags, sourceLabel } from '../labels.ts';
import { renderOpinionBlock } from '../opinion-block.ts';
import { codeSpan, neutraliseInline, neutraliseMarkdown, neutraliseTitle } from './neutralise.ts';
import { chinaDate, chinaDateTime } from '../workdays.ts';

export interface IssueInput {
  submission: Submission;
  trackingCode: string;
  /** Idempotency key (recorded in the machine block). */
  key: string;
  /** ISO instant received. */
  receivedAt: string;
  /** Due date YYYY-MM-DD (scripts/lib/due.ts). */
  deadline: string;
  office: OfficeKey;
  warnings: FieldError[];
  /** Title of the announcement objected to, when `objection` is set and known. */
  objectionTitle?: string;
  source?: SourceKey;
  /** False when no category was ticked (a letter without the form): the record's selectedCategory is null. */
  categoryGiven?: boolean;
  /** For staff, free of personal data (how a mail was read, whether its sender is verified). */
  notes?: string[];
  /** Files that came with it, names already redacted: the files themselves stay sealed on the bureau's server. */
  attachments?: { filename: string; size: number }[];
}

export interface RenderedIssue {
  title: string;
  body: string;
  labels: string[];
  record: OpinionRecord;
}

/** Headings shared with the issue forms (contracts.md) plus this renderer's extra sections. */
export const issueHeadings = {
  organization: L.organization,
  unit: L.unit,
  submitterType: L.submitterType,
  category: L.category,
  title: L.title,
  details: L.details,
  source: '来源渠道',
  publicConsent: L.publicConsent,
  drgDip: 'DRG/DIP 名称与代码',
  cases: L.cases,
  ambiguous: L.ambiguous,
  objection: L.objection,
  codeCheck: '代码核对',
  contact: '填报人与联系方式',
  attachments: '附件',
  notes: '登记说明',
} as const;

const item = (i: CodedItem | undefined, plain: boolean) => {
  if (!i || (!i.name && !i.code)) return plain ? '' : '—';
  const name = i.name ? (plain ? i.name : neutraliseInline(i.name)) : '';
  const code = i.code ? (plain ? i.code : codeSpan(i.code)) : '';
  return [code, name].filter(Boolean).join(' ');
};
// One formatter for every call: toLocaleString builds a new one each time (7% of a submission's CPU, bench:submit).
const numberFormat = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });
const num = (n: number | undefined) => (n === undefined ? '—' : numberFormat.format(n));

/** The grouping fields as plain text (for the machine block's `details`, which the classifier reads). */
export function groupingText(s: Submission): string {
  const lines: string[] = [];
  if (s.drgName || s.drgCode) lines.push(`DRG：${[s.drgCode, s.drgName].filter(Boolean).join(' ')}`);
  if (s.dipName || s.dipCode) lines.push(`DIP：${[s.dipCode, s.dipName].filter(Boolean).join(' ')}`);
  s.cases.forEach((c, i) => {
    const parts = [`主要诊断 ${item(c.mainDiagnosis, true)}`];
    if (c.secondaryDiagnoses.length) parts.push(`次要诊断 ${c.secondaryDiagnoses.map((d) => item(d, true)).join('、')}`);
    if (c.mainProcedure.name || c.mainProcedure.code) parts.push(`主要手术和操作 ${item(c.mainProcedure, true)}`);
    if (c.patients !== undefined) parts.push(`患者 ${c.patients} 例`);
    if (c.totalCost !== undefined) parts.push(`总费用 ${c.totalCost} 元`);
    if (c.averageCost !== undefined) parts.push(`例均费用 ${c.averageCost} 元`);
    lines.push(`病案举例 ${i + 1}：${parts.join('；')}`);
  });
  const a = s.ambiguous;
  if (a) {
    const parts = [`主要诊断 ${item(a.mainDiagnosis, true) || '—'}`];
    if (a.mainProcedure.name || a.mainProcedure.code) parts.push(`主要手术和操作 ${item(a.mainProcedure, true)}`);
    if (a.reason) parts.push(`无法正常入组原因：${a.reason}`);
    if (a.patients !== undefined) parts.push(`患者 ${a.patients} 例`);
    if (a.costs) parts.push(`费用：${a.costs}`);
    lines.push(`歧义组：${parts.join('；')}`);
  }
  return lines.join('\n');
}

function casesTable(cases: SubmissionCase[]): string {
  const head = '| 序号 | 主要诊断 | 次要诊断 | 主要手术和操作 | 患者数量 | 总费用（元） | 例均费用（元） |\n| --- | --- | --- | --- | --- | --- | --- |';
  const rows = cases.map(
    (c, i) =>
      `| ${i + 1} | ${item(c.mainDiagnosis, false)} | ${c.secondaryDiagnoses.map((d) => item(d, false)).join('；') || '—'} | ${item(c.mainProcedure, false)} | ${num(c.patients)} | ${num(c.totalCost)} | ${num(c.averageCost)} |`,
  );
  return [head, ...rows].join('\n');
}

const section = (heading: string, content: string) => `### ${heading}\n\n${content.trim() === '' ? '_No response_' : content}`;

export function renderIssue(input: IssueInput): RenderedIssue {
  const s = input.submission;
  const source = input.source ?? 'web';
  // A ticked category is a label from the start; a letter without one waits for triage.
  const labels = [flags.opinion, sourceLabel(source), ...(input.categoryGiven === false ? [] : [categoryLabel(s.category)])];
  const parts: string[] = [];
  parts.push(
    `**查询码** \`${input.trackingCode}\` · **收到** ${chinaDateTime(input.receivedAt)}（北京时间）· **答复期限** ${input.deadline} · **承办** ${offices[input.office].zh}`,
  );
  if (s.objection) {
    const title = input.objectionTitle ? `《${neutraliseInline(input.objectionTitle)}》` : '';
    parts.push(section(issueHeadings.objection, `对公告${title}的异议申诉（${codeSpan(s.objection)}）`));
  }
  parts.push(section(issueHeadings.organization, neutraliseInline(s.organization)));
  parts.push(section(issueHeadings.unit, s.unit ? neutraliseInline(s.unit) : ''));
  parts.push(section(issueHeadings.submitterType, submitterTypes[s.submitterType].zh));
  parts.push(section(issueHeadings.category, categories[s.category].zh));
  parts.push(section(issueHeadings.title, neutraliseMarkdown(s.title)));
  parts.push(section(issueHeadings.details, neutraliseMarkdown(s.details)));
  const drgDip: string[] = [];
  if (s.drgName || s.drgCode) drgDip.push(`- DRG：${item({ name: s.drgName, code: s.drgCode }, false)}`);
  if (s.dipName || s.dipCode) drgDip.push(`- DIP：${item({ name: s.dipName, code: s.dipCode }, false)}`);
  if (drgDip.length) parts.push(section(issueHeadings.drgDip, drgDip.join('\n')));
  if (s.cases.length) parts.push(section(issueHeadings.cases, casesTable(s.cases)));
  if (s.ambiguous) {
    const a = s.ambiguous;
    parts.push(
      section(
        issueHeadings.ambiguous,
        [
          `- 主要诊断：${item(a.mainDiagnosis, false)}`,
          `- 主要手术和操作：${item(a.mainProcedure, false)}`,
          `- 无法正常入组原因：${a.reason ? neutraliseInline(a.reason) : '—'}`,
          `- 患者数量：${num(a.patients)}`,
          `- 费用统计情况：${a.costs ? neutraliseInline(a.costs) : '—'}`,
        ].join('\n'),
      ),
    );
  }
  if (input.warnings.length) parts.push(section(issueHeadings.codeCheck, input.warnings.map((w) => `- ⚠️ ${neutraliseInline(w.message)}`).join('\n')));
  parts.push(section(issueHeadings.source, sources[source].zh));
  if (input.attachments?.length) {
    const kb = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);
    parts.push(
      section(
        issueHeadings.attachments,
        [...input.attachments.map((a) => `- ${neutraliseInline(a.filename)}（${kb(a.size)}）`), '', `附件保存在局方服务器，工作人员可运行 \`npm run --silent contact -- ${input.trackingCode} --attachments <文件夹>\` 取回。`].join('\n'),
      ),
    );
  }
  if (input.notes?.length) parts.push(section(issueHeadings.notes, input.notes.map((n) => `- ${neutraliseInline(n)}`).join('\n')));
  parts.push(section(issueHeadings.publicConsent, s.publicConsent ? '是，同意在公开答复中列出单位名称' : '否，公开答复中不列出单位名称'));
  parts.push(
    section(
      issueHeadings.contact,
      `保存在局方服务器，不进入本系统。局方工作人员可在本人电脑上运行 \`npm run --silent contact -- ${input.trackingCode}\` 查看。`,
    ),
  );

  const objectionLine = s.objection ? `异议对象：${input.objectionTitle ? `《${input.objectionTitle}》` : ''}${s.objection}\n\n` : '';
  const grouping = groupingText(s);
  const record: OpinionRecord = {
    v: 1,
    trackingCode: input.trackingCode,
    key: input.key,
    receivedAt: input.receivedAt,
    source,
    selectedCategory: input.categoryGiven === false ? null : s.category,
    submitterType: s.submitterType,
    organization: s.organization,
    unit: s.unit ?? null,
    publicConsent: s.publicConsent,
    title: s.title,
    details: `${objectionLine}${s.details}${grouping ? `\n\n${grouping}` : ''}`,
    ...(grouping || s.objection
      ? { grouping: { drgName: s.drgName, drgCode: s.drgCode, dipName: s.dipName, dipCode: s.dipCode, cases: s.cases, ambiguous: s.ambiguous, objection: s.objection } }
      : {}),
  };
  parts.push(renderOpinionBlock(record));
  return { title: neutraliseTitle(s.title), body: parts.join('\n\n'), labels, record };
}

/** The receiving day in China, for receipts. */
export const receivedDay = (iso: string) => chinaDate(new Date(iso));
