/**
 * Plain-text notice importer, pure core: the text of a notice (as scraped from a government site or
 * copied out of a PDF) in, a plan out: { frontmatter, Markdown body } for content/policies or
 * content/replies, already checked against schemas/. No I/O: scripts/import-notice.ts and
 * scripts/import-seeds.ts read the files and write the plan.
 *
 * What it knows comes from the five seed documents in ../shared/seeds/ (issue 2): page boilerplate
 * around the document (share buttons, app banners, 上一页/下一页), the 公文 header (发文机关, 文号,
 * 标题, 主送机关), the numbering levels 一、 → （一） → 1. → （1）, the 附件 after the signature, the
 * 版记 (主办/抄送/印发), and PDF artefacts (lines broken mid-sentence, spaces between Chinese characters).
 * Every rule is generic and tested on small samples in tests/unit/import-notice.test.ts.
 */
import type { z } from 'zod';
import { policySchema } from '../../schemas/policy.ts';
import { replySchema } from '../../schemas/reply.ts';
import { stringifyFrontmatter } from './frontmatter.ts';
import { formatZodError } from './zod-errors.ts';

// ---------------------------------------------------------------------------------------------
// Characters and small parsers
// ---------------------------------------------------------------------------------------------

/** Han characters, full-width punctuation and Chinese quotes: where spaces are artefacts. */
const wide = '\\u3000-\\u303f\\u3400-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef\\u201c\\u201d\\u2018\\u2019\\u2014\\u2026';
const hanOrWide = new RegExp(`[${wide}]`);
const zhDigits: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** `12`, `十二`, `二十一`, `二〇二四` (digit by digit) → number; undefined if not a number. */
export function parseZhNumber(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^[〇零一二三四五六七八九十]+$/.test(text)) return undefined;
  if (!text.includes('十')) return Number([...text].map((c) => zhDigits[c]).join(''));
  const [tens, ones] = text.split('十');
  return (tens ? zhDigits[tens] : 1) * 10 + (ones ? zhDigits[ones] : 0);
}

const zhNum = '\\d{1,4}|[〇零一二三四五六七八九十]{1,4}';
const dateInText = new RegExp(`(${zhNum})\\s*年\\s*(${zhNum})\\s*月\\s*(${zhNum})\\s*日`);

/**
 * A Chinese date (`2024年7月10日`, `二〇二〇年十一月二十四日`) or an ISO date (`2024-07-10`) → a
 * calendar date at UTC midnight (how YAML and the schemas hold dates); undefined when there is none
 * or it is not a real day (2024年2月30日).
 */
export function parseChineseDate(text: string): Date | undefined {
  const m = dateInText.exec(text) ?? /(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [m[1], m[2], m[3]].map(parseZhNumber);
  if (y === undefined || mo === undefined || d === undefined || y < 1900) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : undefined;
}

/** A line that is only a date, as under a signature (`2024年7月10日`, `2020年11月24日印发`). */
export function isDateLine(line: string): boolean {
  return new RegExp(`^(?:${dateInText.source})(?:印发|发布|制)?$`).test(line) && parseChineseDate(line) !== undefined;
}

/**
 * 文号: 发文机关代字 + 〔year〕 + serial + 号, e.g. 泰医保函〔2024〕65号, 三政办〔2020〕17号,
 * 吉医保发〔2024〕14号. Scraped pages write the brackets as [] () 【】 too; they are normalised to 〔〕.
 */
const docNumberPattern = /([\u4e00-\u9fff]{1,12})\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*(\d{1,4})\s*号/;
export function detectDocNumber(text: string): string | undefined {
  const m = docNumberPattern.exec(text);
  return m ? `${m[1]}〔${m[2]}〕${m[3]}号` : undefined;
}

/** Names of 发文机关 end like this (局, 办公室, 人民政府, 委员会...). */
const orgSuffix = '(?:医疗保障局|局|办公室|办公厅|人民政府|委员会|管委会|厅|部|中心|委|院|署)';
const orgLinePattern = new RegExp(`^([\\u4e00-\\u9fff（）()]{2,30}?${orgSuffix})(?:文件)?$`);
/** `三门峡市人民政府办公室文件` → `三门峡市人民政府办公室`; undefined when the line is not a body's name. */
export function orgName(line: string): string | undefined {
  return orgLinePattern.exec(line)?.[1];
}

/** Kinds of 公文 a title ends with (GB/T 9704 and common practice). */
const docKinds = '(?:通知|决定|意见|方案|办法|规定|细则|规则|规范|函|答复|复函|批复|公告|通告|通报|报告|指南|计划|纪要|决议|命令|通知书|实施方案|工作方案)';
const titleEnd = new RegExp(`${docKinds}(?:[（(][^）)]{1,12}[）)])?$`);

/** A standalone title line: ends like a 公文 title, no sentence punctuation, not too long. */
export function isTitleLike(line: string): boolean {
  return line.length >= 4 && line.length <= 90 && titleEnd.test(line) && !/[，。；：,;:！？]/.test(line) && !markerOf(line);
}

/** Splits `泰州市医疗保障局关于建立...的通知` into issuer and title; a title without a prefix is kept whole. */
export function splitIssuerFromTitle(line: string): { issuer?: string; title: string } {
  const at = line.indexOf('关于');
  if (at > 1) {
    const issuer = orgName(line.slice(0, at));
    if (issuer) return { issuer, title: line.slice(at) };
  }
  return { title: line };
}

/**
 * Bytes of a text file → text. Notices saved on Chinese Windows PCs are often GBK/GB18030, not UTF-8:
 * a file that is not valid UTF-8 is read as GB18030 (a superset of GBK and GB2312).
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

// ---------------------------------------------------------------------------------------------
// Normalising scraped text
// ---------------------------------------------------------------------------------------------

/**
 * Cleans one line of scraped or PDF text without changing a word: trims (including the ideographic
 * indent 　　), writes half-width punctuation next to Chinese as full-width (pages often serve
 * `结算,促进` and `(一)`), and removes spaces between Chinese characters, which PDFs leave where the
 * print layout spaced or wrapped (`附 件`, `组 长`, `按疾病诊断 相关分组`).
 */
export function normalizeLine(raw: string): string {
  let line = raw.replace(/[\u00a0\u2002-\u200b\ufeff]/g, ' ').replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
  // (…) next to or around Chinese → （…）; spaces around the pair go with it.
  line = line.replace(/\s*\(([^()\n]{0,60})\)\s*/g, (all, inner: string, at: number, s: string) => {
    const before = s.slice(0, at).trimEnd().slice(-1);
    const after = s.slice(at + all.length).slice(0, 1);
    if (!(hanOrWide.test(inner) || hanOrWide.test(before) || hanOrWide.test(after) || /^\d{1,2}$/.test(inner) && at === 0)) return all;
    return `${all.startsWith(' ') && !hanOrWide.test(before) && before ? ' ' : ''}（${inner.trim()}）${all.endsWith(' ') && after && !hanOrWide.test(after) ? ' ' : ''}`;
  });
  const fw: Record<string, string> = { ',': '，', ':': '：', ';': '；', '?': '？', '!': '！' };
  line = line.replace(/([,:;?!])/g, (p, _c, at: number, s: string) => {
    const before = s[at - 1] ?? '';
    const after = s[at + 1] ?? '';
    if (p === ':' && /\/\//.test(s.slice(at, at + 3))) return p; // http://
    if (p === ',' && /\d/.test(before) && /\d/.test(after)) return p; // 1,000
    return hanOrWide.test(before) || (hanOrWide.test(after) && before !== '' && !/[A-Za-z0-9]/.test(before)) || (hanOrWide.test(after) && p === ',')
      ? fw[p]
      : p;
  });
  return line.replace(new RegExp(`([${wide}])[ \\t\\u3000]+(?=[${wide}])`, 'g'), '$1');
}

// ---------------------------------------------------------------------------------------------
// Page boilerplate
// ---------------------------------------------------------------------------------------------

/**
 * Lines a scraped page adds around a document. `strong` rules hold anywhere (a notice never has a
 * line that is only 上一页：…); `weak` rules (QR codes, customer service, WeChat accounts) only in the
 * page chrome before the document's header or after the page footer, because a real notice may say
 * "扫描二维码填报". Only short lines are candidates: a sentence of the document is never dropped.
 */
export const boilerplateRules: { name: string; strength: 'strong' | 'weak'; test: RegExp }[] = [
  { name: '分享按钮', strength: 'strong', test: /^(?:分享到|分享至|一键分享)/ },
  { name: '上一篇/下一篇', strength: 'strong', test: /^(?:上一篇|下一篇|上一页|下一页|上一条|下一条|上篇|下篇)\s*[：:]?/ },
  { name: 'APP下载', strength: 'strong', test: /(?:APP|App|app|客户端)[^。]{0,8}下载|下载[^。]{0,8}(?:APP|App|app|客户端)/ },
  { name: '招标/聚合网站横幅', strength: 'strong', test: /招标网|采招网|中招APP|千里马招标|剑鱼标讯/ },
  { name: '页面工具', strength: 'strong', test: /^(?:投诉侵权|打印本页|打印|关闭窗口|关闭|返回顶部|返回|收藏|收藏本页|字号[：:]?.*|【?[大中小]】?(?:\s*【?[大中小]】?){1,2}|\[打印\]|\[关闭\]|【打印】|【关闭】)$/ },
  { name: '浏览次数', strength: 'strong', test: /^(?:浏览次数|阅读次数|访问量|点击数|阅读量)[：:]/ },
  { name: '二维码', strength: 'weak', test: /二维码|扫码|扫一扫/ },
  { name: '在线客服', strength: 'weak', test: /在线客服|联系客服/ },
  { name: '公众号', strength: 'weak', test: /^[^：:]*(?:服务号|公众平台|公众号)[^：:]*$/ },
];
const maxBoilerplateLength = 40;

export interface StrippedLine {
  line: string;
  rule: string;
}

/** Removes page boilerplate; returns the document's lines and what was removed, with the rule. */
export function stripBoilerplate(lines: string[]): { lines: string[]; removed: StrippedLine[] } {
  const headerAt = lines.findIndex((l) => isTitleLike(splitIssuerFromTitle(l).title) || detectDocNumber(l) === l || !!orgName(l));
  const headEnd = headerAt === -1 ? 0 : headerAt;
  const strongAt = (i: number) => boilerplateRules.some((r) => r.strength === 'strong' && lines[i].length <= maxBoilerplateLength && r.test.test(lines[i]));
  let footerStart = lines.length;
  for (let i = Math.floor(lines.length / 2); i < lines.length; i++) if (lines[i] && strongAt(i)) { footerStart = i; break; }
  const removed: StrippedLine[] = [];
  const kept: string[] = [];
  lines.forEach((line, i) => {
    if (!line || line.length > maxBoilerplateLength) return void kept.push(line);
    const chrome = i < headEnd || i >= footerStart;
    const rule = boilerplateRules.find((r) => (r.strength === 'strong' || chrome) && r.test.test(line));
    if (rule) removed.push({ line, rule: rule.name });
    else kept.push(line);
  });
  return { lines: kept, removed };
}

// ---------------------------------------------------------------------------------------------
// Structure: numbering levels → Markdown
// ---------------------------------------------------------------------------------------------

type Marker =
  | { level: 'chapter'; mark: string; rest: string }
  | { level: 'section'; mark: string; rest: string }
  | { level: 'article'; mark: string; rest: string }
  | { level: 'h2'; mark: string; rest: string }
  | { level: 'h3'; mark: string; rest: string }
  | { level: 'num'; n: number; rest: string }
  | { level: 'paren-num'; n: number; rest: string };
type RunInHeading = { heading: string; text?: string };

const zhOrdinal = '[一二三四五六七八九十百]+';
/** Which numbering level a line starts with: 第一章, 一、, （一）, 第一条, 1. / 1、, （1）. */
export function markerOf(line: string): Marker | undefined {
  let m = new RegExp(`^(第${zhOrdinal}章)\\s*(.*)$`).exec(line);
  if (m) return { level: 'chapter', mark: m[1], rest: m[2] };
  m = new RegExp(`^(第${zhOrdinal}节)\\s*(.*)$`).exec(line);
  if (m) return { level: 'section', mark: m[1], rest: m[2] };
  m = new RegExp(`^(第${zhOrdinal}条)\\s*(.*)$`).exec(line);
  if (m) return { level: 'article', mark: m[1], rest: m[2] };
  m = new RegExp(`^(${zhOrdinal}、)\\s*(.+)$`).exec(line);
  if (m) return { level: 'h2', mark: m[1], rest: m[2] };
  m = new RegExp(`^([（(]${zhOrdinal}[）)])\\s*(.+)$`).exec(line);
  if (m) return { level: 'h3', mark: `（${m[1].slice(1, -1)}）`, rest: m[2] };
  m = /^(\d{1,2})[.．、](?!\d)\s*(.+)$/.exec(line);
  if (m) return { level: 'num', n: Number(m[1]), rest: m[2] };
  m = /^[（(](\d{1,2})[）)]\s*(.+)$/.exec(line);
  if (m) return { level: 'paren-num', n: Number(m[1]), rest: m[2] };
  return undefined;
}

/**
 * `月告知。各级医保部门在…` → heading `月告知`, paragraph `各级医保部门在…`. 公文 often run a
 * (一) heading into its paragraph; the heading ends at the first 。 or ：. Long leads stay paragraphs.
 */
export function splitRunInHeading(rest: string, max = 50): RunInHeading | undefined {
  const m = /^(.+?)([。：:])\s*(.*)$/.exec(rest);
  // `一、评议由经办机构组织。` alone is a numbered sentence, not a heading.
  if (m && m[2] === '。' && !m[3]) return undefined;
  if (m && m[1].length <= max) return { heading: m[1], text: m[3] || undefined };
  if (!/[。！？；]/.test(rest) && rest.length <= 60) return { heading: rest };
  return undefined;
}

const rank = { chapter: 1, h2: 1, section: 2, h3: 2, article: 3, num: 3, 'paren-num': 4 } as const;
/**
 * `（二）新药新技术病例。` is a heading when what follows belongs under it (a paragraph or deeper
 * items), and a numbered sentence when the next line is its sibling or nothing follows.
 */
function headingOverDeeperText(m: Marker, next: string | undefined): RunInHeading | undefined {
  if (!next || !/^[^。]{1,50}。$/.test(m.rest)) return undefined;
  const below = markerOf(next);
  return !below || rank[below.level] > rank[m.level] ? { heading: m.rest.slice(0, -1) } : undefined;
}

const terminal = /[。！？；;：:…）)」』”》]$/;
/**
 * Joins lines a PDF broke mid-sentence: a long line that does not end a sentence, followed by a line
 * that does not start a new numbered item (三门峡 方案: "…建" / "立合理适度激励约束机制"). Titles,
 * short lines (signatures, contacts, table cells) and dates are never joined.
 */
export function joinBrokenLines(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const prev = out.at(-1);
    const joinable =
      prev && line && (prev.length >= 40 || (/^h[23]$/.test(markerOf(prev)?.level ?? '') && prev.includes('。'))) &&
      /[，。；、]/.test(prev) && !terminal.test(prev) &&
      !markerOf(line) && !isTitleLike(prev) && !isDateLine(line) && !/^附\s*件/.test(line);
    if (joinable) out[out.length - 1] = prev + line;
    else out.push(line);
  }
  return out;
}

/** Escapes what Markdown would otherwise read as syntax in a line of plain text. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/([\\`*])/g, '\\$1')
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;')
    .replace(/^([#>+=|-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

const listIntro = /^(附件|备注|注)[：:]\s*(\d{1,2})[.．、](?!\d)\s*(.+)$/;

/**
 * Lines of a document → Markdown. 第一章/一、 → `##`, 第一节/（一） → `###`, 第一条 → bold lead,
 * 1. / 1、 → ordered list (or `####` when it is a short heading over a paragraph), （1） → ordered
 * list, `附件：1.…` → "附件：" and a list, a standalone sub-title (…工作方案) → bold paragraph.
 * Blank lines separate nothing: every source line is its own block, as in the printed notice.
 */
export function toMarkdown(input: string[]): string {
  const lines = input.filter(Boolean);
  const blocks: string[] = [];
  let list: { kind: 'num' | 'paren-num'; items: string[]; last: number } | undefined;
  const flush = () => {
    if (list) blocks.push(list.items.join('\n'));
    list = undefined;
  };
  const item = (kind: 'num' | 'paren-num', n: number, text: string) => {
    if (list?.kind !== kind) flush();
    list ??= { kind, items: [], last: n };
    list.last = n;
    list.items.push(`${n}${kind === 'num' ? '.' : ')'} ${escapeMarkdown(text)}`);
  };
  const block = (text: string) => {
    flush();
    blocks.push(text);
  };
  lines.forEach((line, i) => {
    const intro = listIntro.exec(line);
    if (intro) {
      block(`${intro[1]}：`);
      return item('num', Number(intro[2]), intro[3]);
    }
    const m = markerOf(line);
    if (!m) return block(isTitleLike(line) && !orgName(line) ? `**${escapeMarkdown(line)}**` : escapeMarkdown(line));
    if (m.level === 'num' || m.level === 'paren-num') {
      const next = lines[i + 1];
      const continuesList = list?.kind === m.level && list.last === m.n - 1;
      const shortHeading = m.level === 'num' && !continuesList && m.rest.length <= 20 && !/[，。；：,;:]/.test(m.rest) && next !== undefined && !markerOf(next);
      return shortHeading ? block(`#### ${m.n}. ${escapeMarkdown(m.rest)}`) : item(m.level, m.n, m.rest);
    }
    if (m.level === 'article') return block(`**${m.mark}**　${escapeMarkdown(m.rest)}`);
    const hashes = m.level === 'chapter' || m.level === 'h2' ? '##' : '###';
    if (m.level === 'chapter' || m.level === 'section') return block(`${hashes} ${m.mark}${m.rest ? ` ${escapeMarkdown(m.rest)}` : ''}`);
    const split = splitRunInHeading(m.rest) ?? headingOverDeeperText(m, lines[i + 1]);
    if (!split) return block(escapeMarkdown(line));
    block(`${hashes} ${m.mark}${escapeMarkdown(split.heading)}`);
    if (split.text) block(escapeMarkdown(split.text));
  });
  flush();
  return blocks.join('\n\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------------

/**
 * A table that the scrape flattened to one cell per line (泰州 任务分解表): a header row starting with
 * 序号, then rows starting with 1, 2, 3… Cells merged across rows are missing from the later rows; the
 * longest cell of a row is its content column, so a row with fewer cells before it continues the
 * group above: it repeats the group's cells, and every cell after the content column belongs to the
 * last column (several offices → joined with 、). Returns undefined when the lines are not such a table.
 */
export function parseFlattenedTable(lines: string[]): { columns: string[]; rows: string[][] } | undefined {
  const cells = lines.filter(Boolean);
  const first = cells.indexOf('1');
  if (cells[0] !== '序号' || first < 3) return undefined;
  const columns = cells.slice(0, first);
  if (columns.some((c) => c.length > 12 || /[。，]/.test(c))) return undefined;
  const raw: string[][] = [];
  let n = 1;
  for (const cell of cells.slice(first)) {
    if (cell === String(n)) {
      raw.push([]);
      n++;
    } else raw.at(-1)!.push(cell);
  }
  const width = columns.length - 1; // data columns after 序号
  const longest = (row: string[]) => row.reduce((best, c, i) => (c.length > row[best].length ? i : best), 0);
  if (raw[0]?.length !== width) return undefined;
  const content = longest(raw[0]);
  const tail = width - content - 1; // columns after the content column
  const rows: string[][] = [];
  let previous: string[] = [];
  for (const [i, row] of raw.entries()) {
    if (!row.length) return undefined;
    const k = longest(row);
    const after = row.slice(k + 1);
    if (k > content || (tail === 0 && after.length)) return undefined;
    const lead = [...previous.slice(0, content - k), ...row.slice(0, k + 1)];
    const out =
      tail === 0
        ? lead
        : k === content && after.length >= tail
          ? [...lead, ...after.slice(0, tail - 1), after.slice(tail - 1).join('、')]
          : // A continuation row: the group's cells between content and the last column are merged too.
            [...lead, ...previous.slice(content + 1, width - 1), after.join('、') || (previous[width - 1] ?? '')];
    rows.push([String(i + 1), ...out]);
    previous = out;
  }
  return { columns, rows };
}

/** A GFM table; `|` in cells is escaped. */
export function markdownTable(columns: string[], rows: string[][]): string {
  const cell = (c: string) => escapeMarkdown(c).replace(/\|/g, '\\|');
  return [`| ${columns.map(cell).join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n') + '\n';
}

/**
 * A blank form (济源 意见建议表): field labels, one per line, then 备注 notes. Rendered as the list of
 * fields to fill in, then the notes. `口` used as a tick box in a list of options (`口政策措施类、口核心
 * 要素类`) is the scraped □ and is written as □.
 */
export function formToMarkdown(lines: string[]): string | undefined {
  const cells = lines.filter(Boolean);
  const notesAt = cells.findIndex((l) => /^(备注|注|说明)[：:]/.test(l));
  const fields = notesAt === -1 ? cells : cells.slice(0, notesAt);
  if (fields.length < 3 || fields.some((f) => f.length > 20 || /[。；]/.test(f))) return undefined;
  const labels: string[] = [];
  for (const f of fields) {
    const label = f.replace(/[：:]$/, '');
    if (/^[（(].*[）)]$/.test(label) && labels.length) labels[labels.length - 1] += label;
    else labels.push(label);
  }
  const notes = (notesAt === -1 ? [] : cells.slice(notesAt)).map((l) =>
    (l.match(/(?:^|[：:、\s])口(?=[\u4e00-\u9fff])/g) ?? []).length >= 2 ? l.replace(/(^|[：:、\s])口(?=[\u4e00-\u9fff])/g, '$1□') : l,
  );
  return `${labels.map((l) => `- ${escapeMarkdown(l)}`).join('\n')}\n${notes.length ? `\n${toMarkdown(notes)}` : ''}`;
}

/** 版记 lines at the very end of a 公文 (GB/T 9704): they belong to the main document, not an attachment. */
const colophon = /^(?:主办|督办|抄送|抄报|分送|印发)[：:]/;
const contactLine = /^(?:联系人|联系电话|电话|传真|邮箱|电子邮箱|地址|[\u4e00-\u9fff]{0,10}邮箱)[：:]/;

/**
 * Splits attachments off the main text. An attachment starts at a line `附件` / `附件1` alone (its
 * title is the next line), or at a standalone form/table title (…表, …清单, …名单) right after the
 * signature, date or contact lines (济源: the 意见建议表 follows the mailbox line). It ends at the next
 * attachment or at the 版记.
 */
export function splitAttachments(lines: string[]): { main: string[]; attachments: { label: string; title: string; lines: string[] }[] } {
  const main: string[] = [];
  const attachments: { label: string; title: string; lines: string[] }[] = [];
  let current: { label: string; title: string; lines: string[] } | undefined;
  let previous = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const label = /^附\s*件\s*(\d*)$/.exec(line);
    const afterEnd = contactLine.test(previous) || isDateLine(previous) || !!orgName(previous);
    if (label) {
      let t = i + 1;
      while (t < lines.length && !lines[t]) t++;
      current = { label: `附件${label[1]}`, title: lines[t] ?? '', lines: [] };
      attachments.push(current);
      i = t;
    } else if (/^.{4,40}(?:表|清单|名单)$/.test(line) && !/[，。；：,;:]/.test(line) && afterEnd && !markerOf(line)) {
      current = { label: '附件', title: line, lines: [] };
      attachments.push(current);
    } else if (colophon.test(line)) {
      current = undefined;
      main.push(line);
    } else if (current) current.lines.push(line);
    else main.push(line);
    if (line) previous = line;
  }
  return { main, attachments };
}

/** Markdown for one attachment: a flattened table, a blank form, or text with the same structure rules. */
export function attachmentToMarkdown(lines: string[]): string {
  const table = parseFlattenedTable(lines);
  if (table) return markdownTable(table.columns, table.rows);
  return formToMarkdown(lines) ?? toMarkdown(joinBrokenLines(lines.filter(Boolean)));
}

// ---------------------------------------------------------------------------------------------
// Header, dates, tags
// ---------------------------------------------------------------------------------------------

export interface DetectedHeader {
  title?: string;
  docNumber?: string;
  issuer?: string;
  status: 'draft' | 'in-force';
  /** The title line as printed (with any issuer prefix); pages often print it twice. */
  rawTitle?: string;
  /** Lines the header used up (they become frontmatter, not body). */
  consumed: number;
}

/**
 * Reads the 公文 header: 发文机关 line (`…局` / `…办公室文件`), 文号 line, title (a line containing
 * 关于 or ending like a title, possibly wrapped over two lines, possibly prefixed with the 发文机关),
 * `（征求意见稿）`. Stops at the first line that is none of these (主送机关, preamble, salutation).
 */
export function detectHeader(lines: string[]): DetectedHeader {
  const header: DetectedHeader = { status: 'in-force', consumed: 0 };
  let i = 0;
  for (; i < lines.length && i < 40; i++) {
    const line = lines[i];
    if (!line || line === header.rawTitle) continue; // blank, or the page repeating the title
    if (/^[（(]?征求意见稿[）)]?$/.test(line)) header.status = 'draft';
    else if (!header.docNumber && detectDocNumber(line) === line.replace(/\s/g, '').replace(/[\[［(（【]/g, '〔').replace(/[\]］)）】]/g, '〕')) header.docNumber = detectDocNumber(line);
    else if (!header.title && !header.issuer && orgName(line)) header.issuer = orgName(line);
    else if (!header.title && (isTitleLike(splitIssuerFromTitle(line).title) || (/^.{0,30}关于/.test(line) && !/[。；：:]/.test(line) && line.length <= 90))) {
      let title = line;
      const next = lines[i + 1];
      if (!titleEnd.test(title) && next && titleEnd.test(next) && !/[。；：:]/.test(next)) {
        title += next;
        i++;
      }
      header.rawTitle = title;
      const split = splitIssuerFromTitle(title);
      header.title = split.title.replace(/[（(]征求意见稿[）)]$/, () => ((header.status = 'draft'), ''));
      header.issuer ??= split.issuer;
    } else break;
    header.consumed = i + 1;
  }
  return header;
}

/** 主送机关: `各市医疗保障局，…：` — a line ending with a colon that lists addressees. */
export function detectAddressees(line: string | undefined): string | undefined {
  if (!line || line.length > 150 || !/[：:]$/.test(line) || markerOf(line)) return undefined;
  return /^各|[、，,]/.test(line) ? line.replace(/[：:]$/, '') : undefined;
}

/** Salutation of a reply to a person (`刘建辉委员：`, `张三代表：`): the name is what must go. */
export function detectSalutation(line: string | undefined): { name: string; role: string } | undefined {
  const m = line ? /^([\u4e00-\u9fff·]{1,10}?)(委员|代表|同志|先生|女士|老师)[：:]$/.exec(line) : null;
  return m ? { name: m[1], role: m[2] } : undefined;
}

/**
 * Tags come from a term list, not from guessing: the mechanisms the seed notices define (泰州: 月告知,
 * 季公告, 年通报; 吉林: 特例单议, 预付金; 济源: 歧义组, 意见留用...). Order = priority on the page.
 */
export const tagTerms: { tag: string; pattern: RegExp }[] = [
  { tag: '意见收集反馈', pattern: /意见(?:的)?收集(?:[和与及、]|处置)*反馈/ },
  { tag: '月告知', pattern: /月告知/ },
  { tag: '季公告', pattern: /季公告|季公布/ },
  { tag: '年通报', pattern: /年通报/ },
  { tag: '特例单议', pattern: /特例单议/ },
  { tag: '特病单议', pattern: /特病单议/ },
  { tag: '歧义组', pattern: /歧义组/ },
  { tag: '异议申诉', pattern: /异议申诉/ },
  { tag: '意见留用', pattern: /意见留用|留用记录/ },
  { tag: '预付金', pattern: /预付金/ },
  { tag: '分组方案', pattern: /分组方案|病种库|病组方案/ },
  { tag: '核心要素', pattern: /核心要素/ },
  { tag: '总额预算', pattern: /总额预算/ },
  { tag: '结算清算', pattern: /结算清算|年度清算/ },
  { tag: '谈判协商', pattern: /谈判协商|协商谈判/ },
  { tag: '数据工作组', pattern: /数据工作组/ },
  { tag: '专家组', pattern: /专家组|专家库/ },
  { tag: '除外支付', pattern: /除外支付|除外机制/ },
  { tag: '绩效评价', pattern: /绩效评价/ },
  { tag: '基金监管', pattern: /基金监管/ },
  { tag: '起付线', pattern: /起付线/ },
  { tag: 'DIP', pattern: /DIP/ },
];
/** Tags whose term occurs in the text, in term-list order, at most `max`. */
export function deriveTags(text: string, max = 10): string[] {
  return tagTerms.filter((t) => t.pattern.test(text)).slice(0, max).map((t) => t.tag);
}

/** Provinces, for the region when the issuer names one (`吉林省医疗保障局` → 吉林省). */
const provinces = ['北京市', '天津市', '上海市', '重庆市', '河北省', '山西省', '辽宁省', '吉林省', '黑龙江省', '江苏省', '浙江省', '安徽省', '福建省', '江西省', '山东省', '河南省', '湖北省', '湖南省', '广东省', '海南省', '四川省', '贵州省', '云南省', '陕西省', '甘肃省', '青海省', '内蒙古自治区', '广西壮族自治区', '西藏自治区', '宁夏回族自治区', '新疆维吾尔自治区', '台湾省', '香港特别行政区', '澳门特别行政区'];
export function regionFromIssuer(issuer: string | undefined): string | undefined {
  if (!issuer) return undefined;
  const province = provinces.find((p) => issuer.startsWith(p));
  if (!province) return undefined;
  const city = /^([\u4e00-\u9fff]{2,6}?(?:市|州|盟|地区))/.exec(issuer.slice(province.length))?.[1];
  return city ? province + city : province;
}

/** First sentence of the first real paragraph, for lists and search results (≤ 120 characters). */
export function firstSentence(lines: string[]): string | undefined {
  const paragraph = lines.find((l) => l.length >= 30 && !markerOf(l) && !detectAddressees(l));
  const sentence = paragraph?.split(/(?<=。)/)[0];
  return sentence && sentence.length <= 120 ? sentence : sentence?.slice(0, 119) + '…';
}

// ---------------------------------------------------------------------------------------------
// The plan
// ---------------------------------------------------------------------------------------------

export type ImportCollection = 'policies' | 'replies';
type PolicyInput = z.input<typeof policySchema>;
type ReplyInput = z.input<typeof replySchema>;

export interface ImportOptions {
  collection?: ImportCollection;
  /** File id (`taizhou-2024-65`); default: from `sourceName`. */
  id?: string;
  /** Name of the source file, for the default id. */
  sourceName?: string;
  /** Frontmatter values that win over what is detected (region, summary, related, reply fields...). */
  meta?: Partial<PolicyInput> & Partial<ReplyInput> & Record<string, unknown>;
  /** Why a value was set by hand: written as a YAML comment above the field. */
  comments?: Record<string, string>;
  /** Where the file came from and how to regenerate it: a YAML comment at the top of the frontmatter. */
  provenance?: string;
  /** Attachments as frontmatter `attachments` (default) or as final `## 附件` sections of the body. */
  attachmentsAs?: 'frontmatter' | 'section';
  /** Replies: how the body addresses the person in place of their name (privacy). Default 提案人. */
  addressee?: string;
}

export interface ImportPlan {
  collection: ImportCollection;
  id: string;
  /** content/<collection>/<id>.md, relative to the content folder. */
  path: string;
  frontmatter: Record<string, unknown>;
  body: string;
  comments: Record<string, string>;
  provenance?: string;
  /** What was found in the text, for the dry-run report. */
  detected: {
    title?: string;
    docNumber?: string;
    issuer?: string;
    issued?: string;
    status: 'draft' | 'in-force';
    addressees?: string;
    salutationReplaced?: string;
    attachments: string[];
  };
  /** Boilerplate lines that were dropped, with the rule. */
  removed: StrippedLine[];
  /** Schema problems, `file: field: message`; the plan must not be written while there are any. */
  problems: string[];
}

/** `Taizhou DRG notice.txt` → `taizhou-drg-notice`; Chinese-only names fall back to `notice`. */
export function slugFromName(name: string | undefined): string {
  const base = (name ?? '').replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  return base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'notice';
}

const isoDay = (d: Date | undefined) => d?.toISOString().slice(0, 10);
const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The whole import: text in, plan out. Pure. */
export function planImport(text: string, options: ImportOptions = {}): ImportPlan {
  const collection = options.collection ?? 'policies';
  const id = options.id ?? slugFromName(options.sourceName);
  const path = `${collection}/${id}.md`;
  const meta = options.meta ?? {};

  const { lines, removed } = stripBoilerplate(text.replace(/\r\n?/g, '\n').split('\n').map(normalizeLine));
  const header = detectHeader(lines);
  let body = lines.slice(header.consumed);
  const firstLine = body.find(Boolean);
  const addressees = detectAddressees(firstLine);

  // Privacy (DEVELOPERS.md): a published reply never names the person who wrote in.
  let salutationReplaced: string | undefined;
  if (collection === 'replies') {
    const salutation = detectSalutation(firstLine);
    if (salutation) {
      const addressee = options.addressee ?? '提案人';
      salutationReplaced = `${salutation.role} → ${addressee}`;
      body = body.map((l) => (l === firstLine ? `${addressee}：` : l.replaceAll(salutation.name + salutation.role, addressee).replaceAll(salutation.name, addressee)));
    }
  }

  const split = splitAttachments(body);
  const main = joinBrokenLines(split.main.filter(Boolean));
  // In frontmatter the page prints its own 附件 heading, so a single attachment keeps just its title;
  // numbered ones keep their number (附件1 …). As a body section, the label always leads the heading.
  const attachments = split.attachments.map((a) => ({
    title: a.label === '附件' ? a.title : `${a.label} ${a.title}`,
    heading: `${a.label} ${a.title}`,
    text: attachmentToMarkdown(a.lines),
  }));
  const dateLine = main.find(isDateLine);
  const issued = dateLine ? parseChineseDate(dateLine) : undefined;
  const signature = main.findLast((l, i) => !!orgName(l) && (isDateLine(main[i + 1] ?? '') || i === main.length - 1));
  const issuer = header.issuer ?? (signature ? orgName(signature) : undefined);

  // A reply page prints 落款 and date from signedBy/replied; the closing lines are not repeated in the body.
  const closing = collection === 'replies' && main.length > 2 && isDateLine(main.at(-1)!) && orgName(main.at(-2)!) ? 2 : 0;
  let markdown = toMarkdown(main.slice(0, main.length - closing));
  if (options.attachmentsAs === 'section') {
    markdown += attachments.map((a) => `\n## ${escapeMarkdown(a.heading)}\n\n${a.text}`).join('');
  }
  const fullText = [...lines, ...attachments.map((a) => a.text)].join('\n');

  let frontmatter: Record<string, unknown>;
  if (collection === 'policies') {
    frontmatter = defined({
      title: meta.title ?? header.title,
      docNumber: meta.docNumber ?? header.docNumber,
      issuer: meta.issuer ?? issuer,
      region: meta.region ?? regionFromIssuer(meta.issuer ?? issuer),
      issued: meta.issued ?? issued,
      issuedPrecision: meta.issuedPrecision,
      status: meta.status ?? header.status,
      effectiveFrom: meta.effectiveFrom,
      effectiveUntil: meta.effectiveUntil,
      summary: meta.summary ?? firstSentence(main),
      tags: meta.tags ?? deriveTags(fullText),
      attachments: options.attachmentsAs === 'section' ? [] : (meta.attachments ?? attachments.map(({ title, text }) => ({ title, text }))),
      related: meta.related ?? [],
      sourceUrl: meta.sourceUrl,
    });
  } else {
    const proposal = /《([^》]{4,80})》/.exec(main.find((l) => /收悉|提出的|来信/.test(l)) ?? '')?.[1];
    const question = meta.question ?? proposal;
    frontmatter = defined({
      title: meta.title ?? (question ? `对《${question}》的答复` : header.title),
      question,
      category: meta.category,
      office: meta.office,
      submitterType: meta.submitterType,
      unit: meta.unitNamed ? meta.unit : undefined,
      unitNamed: meta.unitNamed ?? false,
      received: meta.received,
      replied: meta.replied ?? issued,
      outcome: meta.outcome,
      codes: meta.codes ?? [],
      tracker: meta.tracker,
      cites: meta.cites ?? [],
      signedBy: meta.signedBy ?? issuer,
    });
  }

  const schema = collection === 'policies' ? policySchema : replySchema;
  const result = schema.safeParse(frontmatter);
  const problems = result.success ? [] : formatZodError(path, result.error).split('\n');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) problems.unshift(`${path}: id: 文件名只能用小写字母、数字和连字符，例如 taizhou-2024-65`);
  if (/\n/.test(markdown) && markdown.trim().length < 20) problems.push(`${path}: (body): 正文为空：没有找到文件正文`);

  return {
    collection,
    id,
    path,
    frontmatter,
    body: markdown,
    comments: options.comments ?? {},
    provenance: options.provenance,
    detected: {
      title: header.title,
      docNumber: header.docNumber,
      issuer,
      issued: isoDay(issued),
      status: header.status,
      addressees,
      salutationReplaced,
      attachments: attachments.map((a) => a.title),
    },
    removed,
    problems,
  };
}

/** The file to write: YAML frontmatter (with the `comments` above their fields) and the body. */
export function renderPlan(plan: ImportPlan): string {
  const text = stringifyFrontmatter({ data: plan.frontmatter, body: plan.body }, { lineWidth: -1 });
  const [, head, rest] = /^---\n([\s\S]*?\n)---\n([\s\S]*)$/.exec(text)!;
  const commented = head.replace(/^([A-Za-z]+):/gm, (line, key: string) =>
    plan.comments[key] ? `${plan.comments[key].split('\n').map((c) => `# ${c}`).join('\n')}\n${line}` : line,
  );
  const top = plan.provenance ? plan.provenance.split('\n').map((c) => `# ${c}\n`).join('') : '';
  return `---\n${top}${commented}---\n${rest}`;
}

/** A short human report of a plan, for the command line. */
export function describePlan(plan: ImportPlan): string {
  const d = plan.detected;
  return [
    `${plan.path}`,
    `  标题: ${String(plan.frontmatter.title ?? '（未识别）')}`,
    plan.collection === 'policies' ? `  文号: ${d.docNumber ?? '（无）'}  发文机关: ${d.issuer ?? '（未识别）'}  成文日期: ${d.issued ?? '（未识别）'}  状态: ${d.status}` : `  答复日期: ${d.issued ?? '（未识别）'}  落款: ${d.issuer ?? '（未识别）'}`,
    d.addressees ? `  主送: ${d.addressees}` : '',
    d.salutationReplaced ? `  称呼已去除姓名: ${d.salutationReplaced}` : '',
    d.attachments.length ? `  附件: ${d.attachments.join('；')}` : '',
    plan.removed.length ? `  删除页面杂项 ${plan.removed.length} 行: ${plan.removed.map((r) => `「${r.line}」(${r.rule})`).join(' ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Command line (scripts/import-notice.ts)
// ---------------------------------------------------------------------------------------------

/** Options of `npm run import:notice`, in node:util parseArgs form. Field flags override detection. */
export const importArgs = {
  collection: { type: 'string' },
  id: { type: 'string' },
  out: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  attachments: { type: 'string' },
  title: { type: 'string' },
  'doc-number': { type: 'string' },
  issuer: { type: 'string' },
  region: { type: 'string' },
  issued: { type: 'string' },
  'issued-precision': { type: 'string' },
  status: { type: 'string' },
  'effective-from': { type: 'string' },
  summary: { type: 'string' },
  tags: { type: 'string' },
  related: { type: 'string' },
  'source-url': { type: 'string' },
  question: { type: 'string' },
  category: { type: 'string' },
  office: { type: 'string' },
  outcome: { type: 'string' },
  'submitter-type': { type: 'string' },
  received: { type: 'string' },
  replied: { type: 'string' },
  'signed-by': { type: 'string' },
  addressee: { type: 'string' },
} as const;

export const importUsage = `用法: npm run import:notice -- <通知.txt> [--collection policies|replies] [--id <slug>] [--out content/...] [--dry-run] [--force]
  字段（覆盖自动识别）: --title --doc-number --issuer --region --issued YYYY-MM-DD [--issued-precision year] --status draft|in-force|repealed
    --effective-from --summary --tags 月告知,季公告 --related policies/taizhou-2024-65,... --source-url
  答复（--collection replies）: --question --category policy|core-elements|grouping|other --office admin|agency
    --outcome adopted|partial|reserved|explained|escalated --submitter-type --received --replied --signed-by --addressee 提案人
  --attachments section 把附件作为正文末尾的章节（默认写入 frontmatter 的 attachments）`;

const list = (v: string | undefined) => (v === undefined ? undefined : v.split(/[,，]/).map((s) => s.trim()).filter(Boolean));

/** parseArgs values → ImportOptions; unknown enum values are left for the schema to name. */
export function optionsFromArgs(values: Record<string, string | boolean | undefined>, sourceName: string): ImportOptions {
  const s = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const meta = defined({
    title: s('title'),
    docNumber: s('doc-number'),
    issuer: s('issuer'),
    region: s('region'),
    issued: s('issued'),
    issuedPrecision: s('issued-precision'),
    status: s('status'),
    effectiveFrom: s('effective-from'),
    summary: s('summary'),
    tags: list(s('tags')),
    related: list(s('related')),
    sourceUrl: s('source-url'),
    question: s('question'),
    category: s('category'),
    office: s('office'),
    outcome: s('outcome'),
    submitterType: s('submitter-type'),
    received: s('received'),
    replied: s('replied'),
    signedBy: s('signed-by'),
  });
  const attachmentsAs = s('attachments');
  return {
    collection: (s('collection') as ImportCollection | undefined) ?? 'policies',
    id: s('id'),
    sourceName,
    meta,
    attachmentsAs: attachmentsAs === 'section' ? 'section' : 'frontmatter',
    addressee: s('addressee'),
    provenance: `由 npm run import:notice 从 ${sourceName} 导入；可直接编辑本文件。`,
  };
}

/** Whether to write: a new file, the same text again, a changed file (only with --force). */
export function writeDecision(existing: string | undefined, next: string, force: boolean): 'create' | 'unchanged' | 'overwrite' | 'refuse' {
  if (existing === undefined) return 'create';
  if (existing === next) return 'unchanged';
  return force ? 'overwrite' : 'refuse';
}
