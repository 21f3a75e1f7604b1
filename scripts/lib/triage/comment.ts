/**
 * The one triage comment on an opinion issue: category and why, office, due date, escalation, codes found,
 * and the log of staff actions, preceded by the hidden state (state.ts). Only computed text goes in here
 * (lexicon terms, validated keys, extracted codes, dates): never the submitter's words, so nothing a
 * submitter writes can inject Markdown or mentions into the bot's comment.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import { categories, offices, type CategoryKey, type OfficeKey } from '../../../schemas/common.ts';
import type { CodeKind } from '../../../schemas/codes.ts';
import type { Classification } from '../classify/classifier.ts';
import type { ExtractedCode } from '../classify/codes.ts';
import { renderState, type SimilarEntry, type TriageState } from './state.ts';
import type { Doubt } from './trust.ts';
import { chinaDateTime } from '../workdays.ts';
import { SIMILAR_THRESHOLD } from '../similar/index.ts';

/** Where the category in force came from. */
export type CategorySource = 'classifier' | 'ticked' | 'label' | 'staff';

export interface TriageView {
  state: TriageState;
  classification: Classification;
  selected: CategoryKey | null;
  category: CategoryKey;
  categorySource: CategorySource;
  office: OfficeKey;
  officeSource: 'routing' | 'label' | 'staff';
  needsCategory: boolean;
  escalate: boolean;
  escalateSource: 'classifier' | 'staff' | 'label' | null;
  receivedDay: string;
  due: string;
  /** Set when the work calendar does not know a year the due date spans. */
  calendarWarning: string | null;
  /** Whether a code list is configured (else codes are checked for format only). */
  hasCodeList: boolean;
  bureau: Bureau;
  /** Similar opinions found at triage (state.similar); null when not searched. */
  similar: SimilarEntry[] | null;
  /** The opinion this one is merged into (/merge, labels.ts mergeTarget), else null. */
  mergedInto: number | null;
}

const kindNames: Record<CodeKind, string> = {
  adrg: 'ADRG 核心组',
  drg: 'DRG 病组',
  ambiguous: '歧义组',
  icd10: 'ICD-10 医保版诊断',
  icd9cm3: 'ICD-9-CM-3 医保版手术操作',
};

/** `2026-10-09 14:05` in China time (UTC+8). */
const cell = (s: string) => s.replace(/\|/g, '／').replace(/\n/g, ' ');

export function codeCheck(code: ExtractedCode, hasCodeList: boolean): string {
  if (code.correction) return `⚠️ 疑似录入错误（字母 O/l 当作数字 0/1），应为 ${code.correction}${code.name ? ` ${code.name}` : ''}`;
  if (code.kind === 'icd10' || code.kind === 'icd9cm3') return '格式正确';
  const near = code.nearest ? `；最接近：${code.nearest.code} ${code.nearest.name}` : '';
  if (code.outdated) return `⚠️ 1.x 版编码（2.0 版 DRG 末位只用 1/3/5/9），不在现行分组方案中${near}`;
  if (!hasCodeList) return '格式正确（未配置编码表，未核对名称）';
  if (code.known) return '✓ 现行分组方案内';
  return `⚠️ 不在现行分组方案中${near}`;
}

function codesTable(codes: ExtractedCode[], hasCodeList: boolean): string {
  if (!codes.length) return '未发现 DRG/DIP/ICD 编码。';
  const rows = codes.map((c) => `| \`${c.code}\` | ${kindNames[c.kind]} | ${cell(c.name ?? '—')} | ${cell(codeCheck(c, hasCodeList))} |`);
  return ['| 编码 | 类型 | 名称 | 核对 |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function categoryNote(v: TriageView): string {
  const c = v.classification;
  switch (v.categorySource) {
    case 'staff':
      return '工作人员用 /category 确定';
    case 'label':
      return '按工作人员设置的分类标签';
    case 'ticked':
      return `暂按提交人勾选；自动分类倾向“${categories[c.category].zh}”，置信度 ${c.confidence.toFixed(2)}`;
    case 'classifier':
      return `自动分类，置信度 ${c.confidence.toFixed(2)}${v.selected && v.selected !== v.category ? `；提交人勾选的是“${categories[v.selected].zh}”` : ''}`;
  }
}

function staffLog(state: TriageState): string[] {
  if (!state.log.length) return [];
  return ['', '**工作人员操作记录**', '', ...state.log.map((e) => `- ${chinaDateTime(e.at)} ${cell(e.by)}：${cell(e.text)}`)];
}

const doubtText: Record<Doubt, string> = {
  block: '本议题不是通过网站“意见建议表”提交的',
  form: '“线下收到的意见建议”表单供工作人员登记线下收到的意见，本议题不是由工作人员登记的',
  changed: '本议题在工作人员核实后内容有修改',
};

/**
 * The one triage comment of an opinion nobody trusted wrote (issue 11): a polite note that staff will check it
 * first, and what that means, with the hidden state like every triage comment, so re-triage and edits update
 * this same comment and never post a second one. Computed text only, like the triage comment.
 */
export function renderUnverifiedComment(v: { state: TriageState; doubt: Doubt; bureau: Bureau }): string {
  return [
    renderState(v.state),
    '### 待核实',
    '',
    `感谢您提出意见建议。${doubtText[v.doubt]}，需要先由工作人员核实意见的来源、单位和内容。` +
      '核实之前，本议题暂不分派承办部门、不计算答复期限，也不纳入答复公开和季度统计；核实后，我们会在这条评论中写明分类、承办部门和答复期限。',
    '',
    `查询码只在网站提交时由系统生成，议题中填写的查询码不会被采用。通过网站（${v.bureau.siteUrl.replace(/\/+$/, '')}/submit）提交意见，可立即获得查询码并随时查询办理进度。`,
    ...staffLog(v.state),
    '',
    '<details><summary>工作人员核实（有写权限的人员在评论中使用）</summary>',
    '',
    '核实来源渠道、单位名称、是否同意公开单位名称等内容无误后，发送 `/confirm`，本意见即按正常流程分拣、计时、答复和统计；核实后议题内容如再被修改，需要重新 `/confirm`。' +
      '核实前其他指令不执行；无效或重复的议题可直接 `/close`。',
    '',
    '</details>',
  ].join('\n');
}

/**
 * The similar opinions (issue 13): issue numbers, whether answered, and the score; numbers only, so nothing a
 * submitter wrote reaches this comment (GitHub shows each #number's title itself).
 */
function similarSection(similar: SimilarEntry[] | null, mergedInto: number | null): string[] {
  if (similar === null) return [];
  const head = ['', '**相似意见**（与办理中和近 180 天内已答复的意见比较，按字词片段计算相似度，1 为完全相同）', ''];
  if (!similar.length) return [...head, `未发现相似度达到 ${SIMILAR_THRESHOLD.toFixed(2)} 的意见。`];
  const rows = similar.map((s) => `| #${s.issue} | ${s.answered ? '已答复' : '办理中'} | ${s.score.toFixed(2)} |`);
  const hint = mergedInto === null ? ['', `如与其中一条是同一问题，可用 \`/merge #${similar[0].issue}\` 并案办理：本意见随之关闭，答复时写明共有几家单位提出。`] : [];
  return [...head, '| 议题 | 状态 | 相似度 |', '| --- | --- | --- |', ...rows, ...hint];
}

export function renderTriageComment(v: TriageView): string {
  const officeNote = { routing: `按${v.bureau.shortName}分工：${categories[v.category].zh}由${offices[v.office].zh}处置`, label: '按工作人员设置的承办标签', staff: '工作人员用 /assign 指定' }[v.officeSource];
  const escalateText = v.escalate
    ? `是（${v.escalateSource === 'staff' ? '工作人员用 /escalate 标记' : v.escalateSource === 'label' ? '工作人员已加标签' : '超出本级处置权限'}），纳入向${v.bureau.upwardAuthority}的报送`
    : '否';
  const lines = [
    renderState(v.state),
    '### 自动分拣结果',
    '',
    '| 项目 | 结果 |',
    '| --- | --- |',
    `| 分类 | **${categories[v.category].zh}**（${categoryNote(v)}） |`,
    `| 承办 | **${offices[v.office].zh}**（${officeNote}） |`,
    `| 答复期限 | **${v.due}**（${categories[v.category].zh} ${v.bureau.replyDays[v.category]} 个工作日，${v.receivedDay} 收到，次日起算，节假日与调休按国务院安排） |`,
    `| 报送上级 | ${escalateText} |`,
  ];
  if (v.needsCategory) lines.push(`| 分类待确认 | 是：自动分类把握不足，请工作人员用 \`/category <分类>\` 确认 |`);
  if (v.mergedInto !== null) lines.push(`| 并案办理 | 已并入 #${v.mergedInto} 办理：本意见随之关闭，提交人查询进度时看到 #${v.mergedInto} 的进度和答复；\`/unmerge\` 取消 |`);
  lines.push('', '**分类依据**', '', ...v.classification.reasons.map((r) => `- ${cell(r)}`));
  if (v.calendarWarning) lines.push('', `> ⚠️ ${v.calendarWarning}`);
  lines.push('', '**提及的编码**', '', codesTable(v.classification.codes, v.hasCodeList));
  lines.push(...similarSection(v.similar, v.mergedInto));
  lines.push(...staffLog(v.state));
  lines.push(
    '',
    '<details><summary>工作人员指令（有写权限的人员在评论中使用）</summary>',
    '',
    '`/category <policy|core-elements|grouping|other 或 中文分类>` 改分类 · `/assign <admin|agency 或 行政/经办>` 改承办 · `/escalate` 报送上级 · `/reserve` 暂不采纳并留用 · `/outcome <采纳|部分采纳|暂不采纳并留用|解释说明|转报上级>` 办理结果 · `/reply <答复正文>` 公开答复 · `/reply-template <模板名称>` 取用答复模板草稿 · `/merge #编号` 并案办理 · `/unmerge` 取消并案 · `/close` 关闭',
    '',
    '</details>',
  );
  return lines.join('\n');
}
